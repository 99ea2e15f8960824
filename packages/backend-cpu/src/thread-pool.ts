import type * as WorkerThreadsModule from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import { SpecError, defaultThreads, workerLaunch, type WorkerLaunch } from '@spec/core';
import { productKernel } from './product-kernel.js';
import { type WasmMemory, relaxedSimd, tileModuleBytes } from './wasm-kernel.js';
import { compileMapLoop } from './compiled-map.js';
import {
  CONTROL_WORDS,
  DONE,
  FAILED,
  FAILED_TO_START,
  JOB_FAILED,
  type MapJob,
  type ProductJob,
  READY,
  SEQ,
  SPIN_LIMIT,
  type SessionJob,
  type SessionStep,
  type WorkerData,
  type WorkerFailure,
} from './worker-protocol.js';

type WorkerThreads = typeof WorkerThreadsModule;

/**
 * Node's worker_threads module, looked up at run time (`process.getBuiltinModule`) rather than imported, so that
 * bundling this package for a browser works; there the pool is serial.
 */
function nodeModules(): { threads: WorkerThreads } | null {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return null;
  return { threads: process.getBuiltinModule('node:worker_threads') };
}

/**
 * How a worker thread starts: it imports worker.js next to this module (worker.ts through tsx from the sources, see
 * core's `workerLaunch`). A failure to load is reported on the worker's `failures` port and in its `ready` word, so the
 * caller need not wait.
 */
function bootSource(): WorkerLaunch {
  return workerLaunch(
    new URL('./worker.js', import.meta.url),
    import.meta.url,
    `  const { workerData } = require('node:worker_threads');\n` +
      `  workerData.failures.postMessage({ name: String(e && e.name), message: String(e && e.message), stack: e && e.stack });\n` +
      `  const ready = new Int32Array(workerData.ready);\n` +
      `  Atomics.store(ready, 0, ${FAILED_TO_START});\n` +
      `  Atomics.notify(ready, 0);`,
  );
}

/** A started worker and the port its failed jobs are reported on. */
interface PoolWorker {
  readonly thread: Worker;
  readonly failures: MessagePort;
}

/** Reads the failure a worker posted for its last failed job (synchronously), as the cause of an `E_BACKEND` error. */
function workerError(threads: WorkerThreads, worker: PoolWorker, what: string, index: number): SpecError {
  const posted = threads.receiveMessageOnPort(worker.failures)?.message as WorkerFailure | undefined;
  const cause = new Error(posted?.message ?? 'no error message was received from the worker');
  if (posted !== undefined) {
    cause.name = posted.name;
    if (posted.stack !== undefined) cause.stack = posted.stack;
    if (posted.code !== undefined) (cause as Error & { code?: string }).code = posted.code;
  }
  const code = posted?.code !== undefined ? ` [${posted.code}]` : '';
  return new SpecError(
    'E_BACKEND',
    `cpu backend: worker thread ${index} failed in ${what}: ${cause.message}${code}; retry with threads: 1`,
    { cause },
  );
}

/**
 * Multiply-adds below which a product stays on the calling thread: the hand-off would cost more than it saves
 * (bench/README.md#why-the-code-is-the-way-it-is).
 */
export const PARALLEL_MIN_WORK = 1 << 24;

/**
 * Worker threads that share the register-tiled products with the calling thread. The API stays
 * synchronous: the caller posts row ranges to the workers, computes its own range, then blocks on
 * `Atomics.wait` until each worker flags completion (operands live in SharedArrayBuffers).
 * Workers are started lazily, do not keep the process alive, and are stopped by {@link ThreadPool.dispose}.
 */
export interface ThreadPool {
  /** Threads that compute, the caller included (1 = serial). */
  readonly threads: number;
  /** Whether the products and the reduction may use the WebAssembly SIMD kernels (false: pure TypeScript). */
  readonly simd: boolean;
  /**
   * Runs `productKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper)` split by rows across the threads when
   * P, Q (offset 0) and C live in SharedArrayBuffers (see {@link sharedFloat64}) and the product is large
   * enough; otherwise, or when workers are unavailable, on the calling thread. Each tile is computed by the
   * same code in the same order whichever thread runs it, so results are identical to the serial kernel.
   */
  dotKernel(
    m: number,
    n: number,
    k: number,
    alpha: number,
    P: Float64Array,
    Q: Float64Array,
    C: Float64Array,
    ldc: number,
    offC: number,
    upper: boolean,
  ): void;
  /**
   * Starts a session of the two-stage eigensolver's reduction on one worker thread: the worker instantiates the tile
   * module from `bytes` on the shared `memory` and runs its share of each product and every other sweep of the chase
   * there (see {@link ReductionSession}). Returns null when no worker is available. While a session is open the worker
   * runs nothing else.
   */
  startReductionSession(memory: WasmMemory, bytes: Uint8Array): ReductionSession | null;
  /**
   * A SharedArrayBuffer-backed scratch array of `length` doubles (offset 0, contents undefined), reused across
   * calls for the same `slot` (0: packed op(A), 1: packed op(B)ᵀ) and grown on demand, so that repeated large
   * products (e.g. Lanczos steps against one n × d matrix) do not leave gigabytes of shared buffers to the
   * garbage collector. Valid until the next request for the same slot.
   */
  scratch(slot: number, length: number): Float64Array;
  /**
   * Runs the compiled element-wise loop `body` (see `mapLoopBody` in `compiled-map.ts`) over X's elements, writing
   * V and/or D (D may be X), split into equal ranges across the threads when every array lives in a SharedArrayBuffer
   * and there are at least {@link MAP_PARALLEL_MIN} elements; otherwise on the calling thread. Each worker compiles a
   * body once and caches it. Every element is computed by the same expression whichever thread runs it, so results
   * are identical to the serial loop. Returns false (nothing written) when the body cannot be compiled here.
   */
  mapLoop(body: string, X: Float64Array, V: Float64Array | null, D: Float64Array | null): boolean;
  /** Stops the workers and drops the scratch buffers. */
  dispose(): void;
}

/**
 * A running reduction session on a worker (see {@link ThreadPool.startReductionSession}). Each call hands one job to
 * the worker and returns at once; {@link ReductionSession.wait} waits for it. Addresses are byte offsets into the
 * shared memory.
 */
export interface ReductionSession {
  /** A structured step of the two-stage reduction (a product's rows, the worker's sweeps of the chase) on the worker. */
  run(step: SessionStep): void;
  /** Waits for the worker's job; a failed job is rethrown (`E_BACKEND`) with the worker's message as the cause. */
  wait(): void;
  /** Ends the session, returning the worker to its message loop. */
  close(): void;
}

/**
 * Elements below which an element-wise map stays on the calling thread: the hand-off would cost more than the map
 * (bench/README.md#why-the-code-is-the-way-it-is).
 */
export const MAP_PARALLEL_MIN = 1 << 16;

/**
 * Bytes of SharedArrayBuffers allocated by {@link sharedFloat64} after which the calling thread collects its garbage
 * before the next allocation. V8 does not count shared backing stores as external memory pressure, so dropped
 * gigabyte-sized results (n = 10000 products, Grams) would otherwise stay resident until an unrelated GC. A full
 * collection of this library's small JS heap is cheap next to the work that produced a gigabyte of results
 * (bench/README.md#why-the-code-is-the-way-it-is).
 */
export const COLLECT_AFTER_SHARED_BYTES = 512 * 2 ** 20;

let sharedSinceCollect = 0;
let collector: (() => void) | null | undefined;

/** The V8 `gc` function (exposed on demand through a fresh context), or null where it cannot be had. */
function garbageCollector(): (() => void) | null {
  if (collector !== undefined) return collector;
  collector = null;
  try {
    if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return collector;
    process.getBuiltinModule('node:v8').setFlagsFromString('--expose-gc');
    const gc: unknown = process.getBuiltinModule('node:vm').runInNewContext('gc');
    if (typeof gc === 'function') collector = gc as () => void;
  } catch {
    collector = null;
  }
  return collector;
}

/** A Float64Array over a SharedArrayBuffer (zero-filled), so worker threads can read and write it. */
export function sharedFloat64(length: number): Float64Array {
  const bytes = 8 * Math.max(length, 1);
  sharedSinceCollect += bytes;
  if (sharedSinceCollect >= COLLECT_AFTER_SHARED_BYTES) {
    sharedSinceCollect = 0;
    garbageCollector()?.();
  }
  return new Float64Array(new SharedArrayBuffer(bytes), 0, length);
}

/**
 * Row boundaries (multiples of 4) that split `mp` padded rows into `parts` ranges of equal work; with
 * `upper` the work of row block i is proportional to np − i (only tiles on or above the diagonal).
 */
export function splitRows(mp: number, np: number, parts: number, upper: boolean): number[] {
  const bounds = [0];
  const cost = (r: number): number => (upper ? r * np - (r * r) / 2 : r);
  const total = cost(mp);
  for (let p = 1; p < parts; p++) {
    const goal = (total * p) / parts;
    let r = bounds[p - 1];
    while (r < mp && cost(r) < goal) r += 4;
    bounds.push(r);
  }
  bounds.push(mp);
  return bounds;
}

/**
 * Creates a pool using `threads` threads in all (default: `SPEC_CPU_THREADS`, else the machine's available
 * parallelism, at most 4). `threads = 1` never starts a worker. `simd = false` keeps every kernel in pure TypeScript.
 */
export function createThreadPool(threads?: number, simd = true): ThreadPool {
  const node = nodeModules();
  const count = node === null ? 1 : Math.max(1, Math.floor(threads ?? defaultThreads()));
  let workers: PoolWorker[] | null = null;
  let broken = count === 1;

  function start(): PoolWorker[] | null {
    if (broken || node === null) return null;
    if (workers) return workers;
    const list: PoolWorker[] = [];
    try {
      const boot = bootSource();
      for (let w = 0; w < count - 1; w++) {
        const ready = new Int32Array(new SharedArrayBuffer(4));
        const { port1, port2 } = new node.threads.MessageChannel();
        const data: WorkerData = { ready: ready.buffer, wasm: tileModuleBytes(relaxedSimd()), failures: port2 };
        const thread = new node.threads.Worker(boot.code, {
          eval: true,
          workerData: data,
          transferList: [port2],
          ...(boot.execArgv !== undefined ? { execArgv: boot.execArgv } : {}),
        });
        thread.unref();
        port1.unref();
        // An uncaught worker error must not crash the caller's process: later calls run serially.
        thread.on('error', () => {
          broken = true;
          workers = null;
        });
        list.push({ thread, failures: port1 });
        // A worker that cannot start within 10 s (or at all) disables threading for this pool.
        const started = Atomics.wait(ready, 0, 0, 10_000) !== 'timed-out' && Atomics.load(ready, 0) === READY;
        if (!started) throw new Error('worker did not start');
      }
    } catch {
      for (const w of list) void w.thread.terminate();
      broken = true;
      return null;
    }
    workers = list;
    return workers;
  }

  /** Waits for each worker's flag; a failed job is rethrown with the worker's message. */
  function join(pool: PoolWorker[], flags: Int32Array, what: string): void {
    let error: SpecError | null = null;
    pool.forEach((worker, w) => {
      while (Atomics.load(flags, w) === 0) Atomics.wait(flags, w, 0);
      if (Atomics.load(flags, w) === JOB_FAILED && error === null)
        error = workerError(node!.threads, worker, what, w + 1);
    });
    if (error !== null) throw error;
  }

  const scratchBuffers: Float64Array[] = [];
  return {
    threads: count,
    simd,
    scratch(slot, length) {
      const have = scratchBuffers[slot];
      if (have !== undefined && have.length >= length) return have.subarray(0, length);
      const fresh = sharedFloat64(length);
      scratchBuffers[slot] = fresh;
      return fresh;
    },
    dotKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper) {
      const mp = (m + 3) & ~3;
      const np = (n + 3) & ~3;
      const shared =
        P.buffer instanceof SharedArrayBuffer &&
        Q.buffer instanceof SharedArrayBuffer &&
        C.buffer instanceof SharedArrayBuffer &&
        P.byteOffset === 0 &&
        Q.byteOffset === 0;
      const pool = shared && m * n * k >= PARALLEL_MIN_WORK && mp >= 8 * count ? start() : null;
      if (pool === null) {
        productKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper, 0, mp, simd);
        return;
      }
      const bounds = splitRows(mp, np, count, upper);
      const flags = new Int32Array(new SharedArrayBuffer(4 * pool.length));
      pool.forEach((worker, w) => {
        const job: ProductJob = {
          type: 'product',
          m,
          n,
          k,
          alpha,
          P: P.buffer as SharedArrayBuffer,
          Q: Q.buffer as SharedArrayBuffer,
          C: C.buffer as SharedArrayBuffer,
          ldc,
          // Views may start inside their buffers: translate to element offsets of the whole buffer.
          offC: offC + C.byteOffset / 8,
          upper,
          rowStart: bounds[w + 1],
          rowEnd: bounds[w + 2],
          flags: flags.buffer,
          slot: w,
          simd,
        };
        worker.thread.postMessage(job);
      });
      let own: unknown = null;
      try {
        productKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper, bounds[0], bounds[1], simd);
      } catch (e) {
        own = e;
      }
      join(pool, flags, `a ${m} × ${n} × ${k} product`);
      if (own !== null) throw own;
    },
    mapLoop(body, X, V, D) {
      const loop = compileMapLoop(body);
      if (loop === null) return false;
      const length = X.length;
      const isShared = (a: Float64Array | null): boolean =>
        a === null || (a.buffer instanceof SharedArrayBuffer && a.length === length);
      const pool =
        count > 1 && length >= MAP_PARALLEL_MIN && isShared(X) && isShared(V) && isShared(D) ? start() : null;
      if (pool === null) {
        loop(X, V, D, 0, length);
        return true;
      }
      const parts = pool.length + 1;
      const bound = (p: number): number => Math.floor((length * p) / parts);
      const flags = new Int32Array(new SharedArrayBuffer(4 * pool.length));
      const shared = (a: Float64Array | null): SharedArrayBuffer | null => (a?.buffer as SharedArrayBuffer) ?? null;
      pool.forEach((worker, w) => {
        const job: MapJob = {
          type: 'map',
          body,
          length,
          s: bound(w + 1),
          e: bound(w + 2),
          flags: flags.buffer,
          slot: w,
          X: X.buffer as SharedArrayBuffer,
          xOff: X.byteOffset,
          V: shared(V),
          vOff: V?.byteOffset ?? 0,
          D: shared(D),
          dOff: D?.byteOffset ?? 0,
        };
        worker.thread.postMessage(job);
      });
      let own: unknown = null;
      try {
        loop(X, V, D, 0, bound(1));
      } catch (e) {
        own = e;
      }
      join(pool, flags, `an element-wise map of ${length} entries`);
      if (own !== null) throw own;
      return true;
    },
    startReductionSession(memory, bytes) {
      const pool = start();
      if (pool === null || node === null) return null;
      const worker = pool[0];
      const ctrl = new Int32Array(new SharedArrayBuffer(4 * CONTROL_WORDS));
      const { port1, port2 } = new node.threads.MessageChannel();
      const job: SessionJob = { type: 'session', memory, bytes, ctrl: ctrl.buffer, steps: port2 };
      worker.thread.postMessage(job, [port2]);
      let seq = 0;
      return {
        run(step) {
          port1.postMessage(step);
          Atomics.store(ctrl, SEQ, ++seq);
          Atomics.notify(ctrl, SEQ);
        },
        wait() {
          let done = Atomics.load(ctrl, DONE);
          for (let spin = 0; done !== seq && spin < SPIN_LIMIT; spin++) done = Atomics.load(ctrl, DONE);
          for (; done !== seq; done = Atomics.load(ctrl, DONE)) Atomics.wait(ctrl, DONE, done);
          if (Atomics.load(ctrl, FAILED) !== 0) {
            Atomics.store(ctrl, FAILED, 0);
            throw workerError(node.threads, worker, "the symmetric eigensolver's reduction", 1);
          }
        },
        close() {
          Atomics.store(ctrl, SEQ, -1);
          Atomics.notify(ctrl, SEQ);
          port1.close();
        },
      };
    },
    dispose() {
      scratchBuffers.length = 0;
      if (workers) for (const w of workers) void w.thread.terminate();
      workers = null;
    },
  };
}
