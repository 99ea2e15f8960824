import type { Worker } from 'node:worker_threads';
import { SpecError } from '@spec/core';
import { dotKernel } from './dot-kernel.js';
import { productKernel } from './product-kernel.js';
import {
  WASM_MIN_DEPTH,
  type WasmMemory,
  instantiateTiles,
  relaxedSimd,
  tileModuleBytes,
  wasmDotKernel,
} from './wasm-kernel.js';
import { compileMapLoop } from './compiled-map.js';

/**
 * Node's worker_threads and os modules, looked up at run time (`process.getBuiltinModule`) rather than
 * imported, so that bundling this package for a browser works; there the pool is serial.
 */
function nodeModules(): { WorkerCtor: typeof Worker; parallelism: number } | null {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return null;
  const threads = process.getBuiltinModule('node:worker_threads');
  const os = process.getBuiltinModule('node:os');
  return { WorkerCtor: threads.Worker, parallelism: os.availableParallelism() };
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
   * Starts a session of the blocked tridiagonal reduction on one worker thread: the worker instantiates the tile module
   * from `bytes` on the shared `memory` and runs its share of each step's symmetric product and of each panel's
   * trailing update there (see {@link ReductionSession}). Returns null when no worker is available. While a session
   * is open the worker runs nothing else.
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
  /** `symvRows(a, v, p, n, jStart, jEnd)` on the worker after zeroing p[jStart … n − 1] (see `WasmTiles.symvRows`). */
  symv(a: number, v: number, p: number, n: number, jStart: number, jEnd: number): void;
  /** `dotBlock(pa, qb, kc, ld, rows, cols, c, ldc, shift)` on the worker (see `WasmTiles.dotBlock`). */
  dotBlock(
    pa: number,
    qb: number,
    kc: number,
    ld: number,
    rows: number,
    cols: number,
    c: number,
    ldc: number,
    shift: number,
  ): void;
  /** Waits for the worker's job. */
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
 * Polls of a shared control word before a session thread sleeps on it (`Atomics.wait`): longer than the serial part
 * between two steps of the reduction, far shorter than a step at the sizes that start a session
 * (bench/README.md#why-the-code-is-the-way-it-is).
 */
export const SPIN_LIMIT = 1 << 15;

/** Control words of a reduction session: sequence number, completion, the job's operation, failure, its arguments. */
const SEQ = 0;
const DONE = 1;
const OP = 2;
const FAILED = 3;
const ARGS = 4;

/** A worker collects its garbage after a job that brought at least this many bytes of shared buffers. */
const RELEASE_MIN_BYTES = 64 * 2 ** 20;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dotKernel = ${dotKernel.toString()};
const wasmDotKernel = ${wasmDotKernel.toString()};
const instantiateTiles = ${instantiateTiles.toString()};
const tiles = instantiateTiles(workerData.wasm);
function productKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper, rowStart, rowEnd, simd) {
  if (simd && tiles !== null && k >= ${WASM_MIN_DEPTH} && wasmDotKernel(tiles, m, n, k, alpha, P, Q, C, ldc, offC, upper, rowStart, rowEnd)) return;
  dotKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper, rowStart, rowEnd);
}
// The SharedArrayBuffers a job brings (operands, results: up to gigabytes) stay alive until this thread collects
// their wrappers, and its own heap hardly grows, so nothing else would trigger that: collect after large jobs.
let collect = null;
try {
  require('node:v8').setFlagsFromString('--expose-gc');
  collect = require('node:vm').runInNewContext('gc');
} catch (e) {
  collect = null;
}
function releaseLater(bytes) {
  if (collect !== null && bytes >= ${RELEASE_MIN_BYTES}) setImmediate(() => { try { collect(); } catch (e) {} });
}
// A session's steps follow each other within microseconds: spin briefly before sleeping, since waking a sleeping
// thread costs tens of microseconds per step (thousands of steps per reduction).
function awaitChange(ctrl, index, value) {
  for (let spin = 0; spin < ${SPIN_LIMIT}; spin++) if (Atomics.load(ctrl, index) !== value) return;
  Atomics.wait(ctrl, index, value);
}
function reductionSession(job) {
  const ctrl = new Int32Array(job.ctrl);
  const t = instantiateTiles(job.bytes, job.memory);
  let seen = 0;
  for (;;) {
    awaitChange(ctrl, ${SEQ}, seen);
    const seq = Atomics.load(ctrl, ${SEQ});
    if (seq < 0) return;
    seen = seq;
    const x = ctrl.subarray(${ARGS}, ${ARGS} + 9);
    try {
      if (ctrl[${OP}] === 0) {
        new Float64Array(job.memory.buffer).fill(0, (x[2] >>> 3) + x[4], (x[2] >>> 3) + x[3]);
        t.symvRows(x[0], x[1], x[2], x[3], x[4], x[5]);
      } else {
        t.dotBlock(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8]);
      }
    } catch (e) {
      Atomics.store(ctrl, ${FAILED}, 1);
    }
    Atomics.store(ctrl, ${DONE}, seq);
    Atomics.notify(ctrl, ${DONE});
  }
}
const mapLoops = new Map();
function mapJob(job) {
  let loop = mapLoops.get(job.body);
  if (loop === undefined) {
    loop = new Function('X', 'V', 'D', 's', 'e', job.body);
    mapLoops.set(job.body, loop);
  }
  const view = (b, off) => (b === null ? null : new Float64Array(b, off, job.length));
  loop(view(job.X, job.xOff), view(job.V, job.vOff), view(job.D, job.dOff), job.s, job.e);
}
const ready = new Int32Array(workerData.ready);
Atomics.store(ready, 0, 1);
Atomics.notify(ready, 0);
parentPort.on('message', (job) => {
  if (job.type === 'reduction') return reductionSession(job);
  const flags = new Int32Array(job.flags);
  let status = 1;
  if (job.type === 'map') {
    try {
      mapJob(job);
    } catch (e) {
      status = 2;
    }
    Atomics.store(flags, job.slot, status);
    Atomics.notify(flags, job.slot);
    return;
  }
  try {
    productKernel(job.m, job.n, job.k, job.alpha, new Float64Array(job.P), new Float64Array(job.Q), new Float64Array(job.C),
      job.ldc, job.offC, job.upper, job.rowStart, job.rowEnd, job.simd);
  } catch (e) {
    status = 2;
  }
  Atomics.store(flags, job.slot, status);
  Atomics.notify(flags, job.slot);
  releaseLater(job.P.byteLength + job.Q.byteLength + job.C.byteLength);
});
`;

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
 * Threads when the caller names none: `SPEC_CPU_THREADS` from the environment when it is a positive integer (a
 * process that runs several independent jobs at once sets it to 1 for each), else the machine's available
 * parallelism, at most 4.
 */
function defaultThreads(parallelism: number): number {
  const fromEnv = typeof process !== 'undefined' ? Number(process.env.SPEC_CPU_THREADS) : Number.NaN;
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : Math.min(parallelism, 4);
}

/**
 * Creates a pool using `threads` threads in all (default: `SPEC_CPU_THREADS`, else the machine's available
 * parallelism, at most 4). `threads = 1` never starts a worker. `simd = false` keeps every kernel in pure TypeScript.
 */
export function createThreadPool(threads?: number, simd = true): ThreadPool {
  const node = nodeModules();
  const count = node === null ? 1 : Math.max(1, Math.floor(threads ?? defaultThreads(node.parallelism)));
  let workers: Worker[] | null = null;
  let broken = count === 1;

  function start(): Worker[] | null {
    if (broken || node === null) return null;
    if (workers) return workers;
    const list: Worker[] = [];
    try {
      for (let w = 0; w < count - 1; w++) {
        const ready = new Int32Array(new SharedArrayBuffer(4));
        const worker = new node.WorkerCtor(WORKER_SOURCE, {
          eval: true,
          workerData: { ready: ready.buffer, wasm: tileModuleBytes(relaxedSimd()) },
        });
        worker.unref();
        // An uncaught worker error must not crash the caller's process: later calls run serially.
        worker.on('error', () => {
          broken = true;
          workers = null;
        });
        list.push(worker);
        // A worker that cannot start within 10 s (or at all) disables threading for this pool.
        if (Atomics.wait(ready, 0, 0, 10_000) === 'timed-out') throw new Error('worker did not start');
      }
    } catch {
      for (const w of list) void w.terminate();
      broken = true;
      return null;
    }
    workers = list;
    return workers;
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
        worker.postMessage({
          m,
          n,
          k,
          alpha,
          P: P.buffer,
          Q: Q.buffer,
          C: C.buffer,
          ldc,
          // Views may start inside their buffers: translate to element offsets of the whole buffer.
          offC: offC + C.byteOffset / 8,
          upper,
          rowStart: bounds[w + 1],
          rowEnd: bounds[w + 2],
          flags: flags.buffer,
          slot: w,
          simd,
        });
      });
      productKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper, bounds[0], bounds[1], simd);
      pool.forEach((_, w) => {
        while (Atomics.load(flags, w) === 0) Atomics.wait(flags, w, 0);
        if (Atomics.load(flags, w) === 2) {
          throw new SpecError(
            'E_BACKEND',
            `cpu backend: worker thread ${w + 1} failed in a ${m} × ${n} × ${k} product; retry with threads: 1`,
          );
        }
      });
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
      pool.forEach((worker, w) => {
        worker.postMessage({
          type: 'map',
          body,
          length,
          s: bound(w + 1),
          e: bound(w + 2),
          flags: flags.buffer,
          slot: w,
          X: X.buffer,
          xOff: X.byteOffset,
          V: V?.buffer ?? null,
          vOff: V?.byteOffset ?? 0,
          D: D?.buffer ?? null,
          dOff: D?.byteOffset ?? 0,
        });
      });
      loop(X, V, D, 0, bound(1));
      pool.forEach((_, w) => {
        while (Atomics.load(flags, w) === 0) Atomics.wait(flags, w, 0);
        if (Atomics.load(flags, w) === 2) {
          throw new SpecError(
            'E_BACKEND',
            `cpu backend: worker thread ${w + 1} failed in an element-wise map of ${length} entries; retry with threads: 1`,
          );
        }
      });
      return true;
    },
    startReductionSession(memory, bytes) {
      const pool = start();
      if (pool === null) return null;
      const ctrl = new Int32Array(new SharedArrayBuffer(4 * (ARGS + 9)));
      pool[0].postMessage({ type: 'reduction', memory, bytes, ctrl: ctrl.buffer });
      let seq = 0;
      const post = (op: number, args: number[]): void => {
        ctrl[OP] = op;
        ctrl.set(args, ARGS);
        Atomics.store(ctrl, SEQ, ++seq);
        Atomics.notify(ctrl, SEQ);
      };
      return {
        symv: (a, v, p, n, jStart, jEnd) => post(0, [a, v, p, n, jStart, jEnd]),
        dotBlock: (pa, qb, kc, ld, rows, cols, c, ldc, shift) => post(1, [pa, qb, kc, ld, rows, cols, c, ldc, shift]),
        wait() {
          let done = Atomics.load(ctrl, DONE);
          for (let spin = 0; done !== seq && spin < SPIN_LIMIT; spin++) done = Atomics.load(ctrl, DONE);
          for (; done !== seq; done = Atomics.load(ctrl, DONE)) Atomics.wait(ctrl, DONE, done);
          if (Atomics.load(ctrl, FAILED) !== 0) {
            throw new SpecError(
              'E_BACKEND',
              'cpu backend: worker thread failed in the tridiagonal reduction; retry with threads: 1',
            );
          }
        },
        close() {
          Atomics.store(ctrl, SEQ, -1);
          Atomics.notify(ctrl, SEQ);
        },
      };
    },
    dispose() {
      scratchBuffers.length = 0;
      if (workers) for (const w of workers) void w.terminate();
      workers = null;
    },
  };
}
