/**
 * Entry of the CPU backend's worker threads (started by thread-pool.ts: from the compiled worker.js when the package
 * is built, from this file through tsx's loader when running from source). A worker takes three kinds of job
 * (worker-protocol.ts): row ranges of a product, ranges of a compiled element-wise loop, and sessions of the
 * eigensolver's reduction on a shared wasm memory. Every job ends with a status word the caller waits on; a failed
 * job first posts its error on the `failures` port, so the caller can rethrow it with the message.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type ChaseReflectors, chaseSweeps } from './band-tridiagonal.js';
import { compileMapLoop } from './compiled-map.js';
import { dotKernel } from './dot-kernel.js';
import { claimedProduct, packedProduct } from './packed-product.js';
import { WASM_MIN_DEPTH, type WasmTiles, instantiateTiles, wasmDotKernel } from './wasm-kernel.js';
import {
  DONE,
  FAILED,
  FAILED_TO_START,
  JOB_DONE,
  JOB_FAILED,
  type MapJob,
  READY,
  SEQ,
  SPIN_LIMIT,
  type ProductJob,
  type SessionJob,
  type SessionStep,
  type WorkerData,
  type WorkerFailure,
  type WorkerJob,
} from './worker-protocol.js';

/** A worker collects its garbage after a job that brought at least this many bytes of shared buffers. */
const RELEASE_MIN_BYTES = 64 * 2 ** 20;

/** The error of a failed job in a form that crosses threads. */
function failure(e: unknown): WorkerFailure {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { name: e.name, message: e.message, stack: e.stack, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { name: 'Error', message: String(e) };
}

/** The V8 `gc` function (exposed on demand through a fresh context), or null where it cannot be had. */
function garbageCollector(): (() => void) | null {
  try {
    process.getBuiltinModule('node:v8').setFlagsFromString('--expose-gc');
    const gc: unknown = process.getBuiltinModule('node:vm').runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/** Waits until ctrl[index] differs from `value`: spins briefly (steps follow each other within microseconds), then sleeps. */
function awaitChange(ctrl: Int32Array, index: number, value: number): void {
  for (let spin = 0; spin < SPIN_LIMIT; spin++) if (Atomics.load(ctrl, index) !== value) return;
  Atomics.wait(ctrl, index, value);
}

/** The worker: its own tile module for products, and the job handlers. */
export class CpuWorker {
  private readonly tiles: WasmTiles | null;
  private readonly collect = garbageCollector();
  private readonly mapLoops = new Map<string, ReturnType<typeof compileMapLoop>>();

  constructor(
    wasm: Uint8Array,
    private readonly failures: MessagePort,
  ) {
    this.tiles = instantiateTiles(wasm);
  }

  /** Runs one job; a session returns only when the caller closes it. */
  handle(job: WorkerJob): void {
    if (job.type === 'session') {
      this.session(job);
      return;
    }
    const flags = new Int32Array(job.flags);
    let status = JOB_DONE;
    try {
      if (job.type === 'map') this.map(job);
      else this.product(job);
    } catch (e) {
      this.failures.postMessage(failure(e));
      status = JOB_FAILED;
    }
    Atomics.store(flags, job.slot, status);
    Atomics.notify(flags, job.slot);
    if (job.type === 'product') this.releaseLater(job.P.byteLength + job.Q.byteLength + job.C.byteLength);
  }

  private product(job: ProductJob): void {
    const { m, n, k, alpha, ldc, offC, upper, rowStart, rowEnd, simd } = job;
    const P = new Float64Array(job.P);
    const Q = new Float64Array(job.Q);
    const C = new Float64Array(job.C);
    const tiles = simd && k >= WASM_MIN_DEPTH ? this.tiles : null;
    if (tiles !== null && wasmDotKernel(tiles, m, n, k, alpha, P, Q, C, ldc, offC, upper, rowStart, rowEnd)) return;
    dotKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper, rowStart, rowEnd);
  }

  private map(job: MapJob): void {
    let loop = this.mapLoops.get(job.body);
    if (loop === undefined) {
      loop = compileMapLoop(job.body);
      this.mapLoops.set(job.body, loop);
    }
    if (loop === null) throw new Error('the element-wise loop does not compile in the worker thread');
    const view = (b: SharedArrayBuffer | null, off: number): Float64Array | null =>
      b === null ? null : new Float64Array(b, off, job.length);
    loop(view(job.X, job.xOff)!, view(job.V, job.vOff), view(job.D, job.dOff), job.s, job.e);
  }

  /**
   * The shared buffers a job brings (operands, results: up to gigabytes) stay alive until this thread collects their
   * wrappers, and its own heap hardly grows, so nothing else would trigger that: collect after large jobs.
   */
  private releaseLater(bytes: number): void {
    const collect = this.collect;
    if (collect === null || bytes < RELEASE_MIN_BYTES) return;
    setImmediate(() => {
      try {
        collect();
      } catch {
        // a failed collection only delays the release
      }
    });
  }

  /** A reduction session: one step per increment of the sequence word, until it turns negative. */
  private session(job: SessionJob): void {
    const ctrl = new Int32Array(job.ctrl);
    const tiles = instantiateTiles(job.bytes, job.memory);
    let seen = 0;
    for (;;) {
      awaitChange(ctrl, SEQ, seen);
      const seq = Atomics.load(ctrl, SEQ);
      if (seq < 0) break;
      seen = seq;
      try {
        if (tiles === null) throw new Error('the tile module does not instantiate on the shared memory');
        const step = receiveMessageOnPort(job.steps)?.message as SessionStep | undefined;
        if (step === undefined) throw new Error('a session step arrived without its description');
        this.step(tiles, new Float64Array(job.memory.buffer), step);
      } catch (e) {
        this.failures.postMessage(failure(e));
        Atomics.store(ctrl, FAILED, 1);
      }
      Atomics.store(ctrl, DONE, seq);
      Atomics.notify(ctrl, DONE);
    }
    job.steps.close();
  }

  /** A structured step of the two-stage reduction on the shared memory H. */
  private step(tiles: WasmTiles, H: Float64Array, step: SessionStep): void {
    if (step.kind === 'product') {
      const kernels = {
        block: (
          pa: number,
          qb: number,
          kc: number,
          rows: number,
          cols: number,
          c: number,
          ldc: number,
          shift: number,
        ) => tiles.block(8 * pa, 8 * qb, kc, 0, rows, cols, 8 * c, 8 * ldc, shift),
        packSymmetric: (a: number, ld: number, i: number, t0: number, kc: number, d: number) =>
          tiles.packSymmetric(8 * a, ld, i, t0, kc, 8 * d),
      };
      if (step.claim === undefined) packedProduct(H, kernels, step.spec, step.scratch);
      else claimedProduct(H, kernels, step.spec, step.scratch, new Int32Array(step.claim.counter), step.claim.chunk);
      return;
    }
    const keep: ChaseReflectors | null =
      step.keep === null
        ? null
        : {
            tau: new Float64Array(step.keep.tau),
            head: new Int32Array(step.keep.head),
            len: new Int32Array(step.keep.len),
            v: new Float64Array(step.keep.v),
            count: 0,
          };
    const wasm = { chase: tiles.chase, v: step.v, w: step.w };
    chaseSweeps(step.n, step.b, H, step.band, wasm, step.parity, new Int32Array(step.progress), keep);
  }
}

/** Starts the worker of this thread (when loaded as a worker entry). */
function main(): void {
  if (parentPort === null) return;
  const data = workerData as WorkerData;
  const ready = new Int32Array(data.ready);
  let worker: CpuWorker;
  try {
    worker = new CpuWorker(data.wasm, data.failures);
  } catch (e) {
    data.failures.postMessage(failure(e));
    Atomics.store(ready, 0, FAILED_TO_START);
    Atomics.notify(ready, 0);
    return;
  }
  parentPort.on('message', (job: WorkerJob) => worker.handle(job));
  Atomics.store(ready, 0, READY);
  Atomics.notify(ready, 0);
}

main();
