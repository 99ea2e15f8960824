import type * as WorkerThreadsModule from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import { registry as defaultRegistry, workerLaunch, type Registry } from '@spec/core';
import type { ArchitectureSpec } from '../architecture/spec.js';
import { builtinActivationsPlugin } from '../plugin.js';
import { pairProgress, type BlockwiseKernels, type BlockwisePlan } from './blockwise-kernels.js';
import type { SpatialKernelForm } from './record.js';

/** Slots of the control words shared with the workers (Int32). */
export const NEXT_ROW = 0;
/** Bumped (and notified) after every row a worker finishes and when a worker stops. */
export const PROGRESS = 1;
/** Workers that have stopped, done or failed. */
export const STOPPED = 2;
const CONTROL_WORDS = 3;
/** A row's word in `rowsDone`: 0 pending, else who wrote it. */
export const BY_CALLER = 1;
export const BY_WORKER = 2;

/** A plugin module a worker imports so that its registry matches the caller's. */
export interface WorkerPlugin {
  readonly url: string;
  readonly override: boolean;
}

/** A job posted to a blockwise worker (blockwise-worker.ts). */
export interface BlockwiseJob {
  readonly spec: ArchitectureSpec;
  readonly data: Float64Array;
  readonly shape: ReadonlyArray<number>;
  /** Which blocks: of the full record or of the diagonal one. */
  readonly form: SpatialKernelForm;
  readonly plugins: ReadonlyArray<WorkerPlugin>;
  /** n × n float64 each. */
  readonly nngp: SharedArrayBuffer;
  readonly ntk: SharedArrayBuffer;
  /** Int32 words {@link NEXT_ROW}, {@link PROGRESS}, {@link STOPPED}. */
  readonly control: SharedArrayBuffer;
  /** Int32 per row: 0 until written, then {@link BY_CALLER} or {@link BY_WORKER}. */
  readonly rowsDone: SharedArrayBuffer;
  /** Where a worker reports why it stopped early (`{ message }`). */
  readonly failures: MessagePort;
}

/** How the rows were shared out: {@link parallelBlockwiseKernels}. */
export interface BlockwiseThreads {
  /** Threads that were asked to take rows, the caller's included. */
  readonly threads: number;
  /** Rows computed by worker threads (0: the caller did all of them). */
  readonly workerRows: number;
  /** The first failure a worker reported (its rows were then computed by the caller). */
  readonly failure?: string;
}

/**
 * The plugin modules a worker must import so that the kernel maps it builds from a spec are the caller's, or null when
 * the registry cannot be reproduced in a worker: a registry other than the shared one, or a plugin with activations or
 * kernel maps that was registered without its module's URL (`use(plugin, { module })`, as `spec --plugin` does).
 * Built-ins register themselves when the worker imports this package; plugins with backends only are not needed.
 */
export function workerPlugins(reg: Registry): WorkerPlugin[] | null {
  if (reg !== defaultRegistry) return null;
  const plugins: WorkerPlugin[] = [];
  for (const r of reg.registered()) {
    if (r.module !== undefined) plugins.push({ url: r.module, override: r.override });
    else if (r.plugin === builtinActivationsPlugin) continue;
    else if ((r.plugin.activations?.length ?? 0) > 0 || (r.plugin.kernelMaps?.length ?? 0) > 0) return null;
  }
  return plugins;
}

function workerThreads(): typeof WorkerThreadsModule | null {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return null;
  return process.getBuiltinModule('node:worker_threads');
}

/**
 * The worker threads kept between calls (started on first use, never keeping the process alive), so that repeated
 * kernels (training runs, reproductions, benches) pay a worker's start once. A worker that has exited leaves the list.
 */
const pool: Worker[] = [];

function poolWorkers(node: typeof WorkerThreadsModule, count: number): Worker[] {
  while (pool.length < count) {
    const boot = workerLaunch(new URL('./blockwise-worker.js', import.meta.url), import.meta.url);
    const worker = new node.Worker(boot.code, {
      eval: true,
      ...(boot.execArgv !== undefined ? { execArgv: boot.execArgv } : {}),
    });
    worker.unref();
    // A worker's uncaught error must not end the caller's process: its rows fall to this thread.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      const i = pool.indexOf(worker);
      if (i >= 0) pool.splice(i, 1);
    });
    pool.push(worker);
  }
  return pool.slice(0, count);
}

/**
 * {@link BlockwisePlan}'s rows on `threads` threads (apps/docs/theory/architectures.md#blockwise): `threads − 1` worker
 * threads (kept between calls) rebuild the same chain from `job.spec` (importing `job.plugins`) and take rows from a
 * shared counter while this thread runs pass 1 and then takes rows too, so a worker that starts late (or not at all)
 * only takes fewer rows.
 * Every block is computed alone by the same code, so the result is bit for bit the one-thread result. A worker that
 * fails leaves its unfinished rows to this thread and its message in the result. Without worker threads (a browser)
 * everything runs here.
 */
export function parallelBlockwiseKernels(
  plan: BlockwisePlan,
  job: Pick<BlockwiseJob, 'spec' | 'data' | 'shape' | 'form' | 'plugins'>,
  threads: number,
  onProgress?: (done: number, total: number) => void,
): { readonly kernels: BlockwiseKernels; readonly threads: BlockwiseThreads } {
  const n = plan.samples;
  const progress = pairProgress(n, onProgress);
  /** Blocks done: pass 1's n, and the rows any thread has finished. */
  const blocksDone = (): number => {
    let done = n;
    for (let a = 0; a < n; a++) if (Atomics.load(rowsDone, a) !== 0) done += n - 1 - a;
    return done;
  };
  const nngpBuffer = new SharedArrayBuffer(8 * n * n);
  const ntkBuffer = new SharedArrayBuffer(8 * n * n);
  const out: BlockwiseKernels = { nngp: new Float64Array(nngpBuffer), ntk: new Float64Array(ntkBuffer) };
  const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
  const rowsDone = new Int32Array(new SharedArrayBuffer(4 * n));
  const node = workerThreads();
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  if (node !== null && threads > 1) {
    for (const worker of poolWorkers(node, threads - 1)) {
      const { port1, port2 } = new node.MessageChannel();
      const message: BlockwiseJob = {
        ...job,
        nngp: nngpBuffer,
        ntk: ntkBuffer,
        control: control.buffer as SharedArrayBuffer,
        rowsDone: rowsDone.buffer as SharedArrayBuffer,
        failures: port2,
      };
      try {
        worker.postMessage(message, [port2]);
      } catch {
        break; // e.g. a spec that cannot be cloned: the remaining rows run here
      }
      port1.unref();
      workers.push(worker);
      ports.push(port1);
    }
  }
  plan.diagonal(out);
  for (;;) {
    const a = Atomics.add(control, NEXT_ROW, 1);
    if (a >= n) break;
    plan.row(a, out);
    Atomics.store(rowsDone, a, BY_CALLER);
    progress(blocksDone());
  }
  // Rows a worker has claimed are finished, or left behind when it stops.
  const pending = (): boolean => {
    for (let a = 0; a < n; a++) if (Atomics.load(rowsDone, a) === 0) return true;
    return false;
  };
  for (;;) {
    const seen = Atomics.load(control, PROGRESS);
    if (!pending() || Atomics.load(control, STOPPED) === workers.length) break;
    Atomics.wait(control, PROGRESS, seen, 1000);
    progress(blocksDone());
  }
  let workerRows = 0;
  for (let a = 0; a < n; a++) {
    const by = Atomics.load(rowsDone, a);
    if (by === BY_WORKER) workerRows++;
    else if (by === 0) plan.row(a, out);
  }
  progress(blocksDone(), true);
  let failure: string | undefined;
  for (const port of ports) {
    const posted = node?.receiveMessageOnPort(port)?.message as { message?: string } | undefined;
    failure ??= posted?.message;
    port.close();
  }
  return {
    kernels: { nngp: Float64Array.from(out.nngp), ntk: Float64Array.from(out.ntk) },
    threads: { threads: 1 + workers.length, workerRows, ...(failure !== undefined ? { failure } : {}) },
  };
}
