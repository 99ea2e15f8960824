import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SpecError } from '@spec/core';
import { dotKernel } from './dot-kernel.js';

/** Multiply-adds below which a product stays on the calling thread (thread hand-off costs ~0.1 ms). */
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
  /**
   * Runs `dotKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper)` split by rows across the threads when
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
  /** Stops the workers. */
  dispose(): void;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dotKernel = ${dotKernel.toString()};
const ready = new Int32Array(workerData.ready);
Atomics.store(ready, 0, 1);
Atomics.notify(ready, 0);
parentPort.on('message', (job) => {
  const flags = new Int32Array(job.flags);
  let status = 1;
  try {
    dotKernel(job.m, job.n, job.k, job.alpha, new Float64Array(job.P), new Float64Array(job.Q), new Float64Array(job.C),
      job.ldc, job.offC, job.upper, job.rowStart, job.rowEnd);
  } catch (e) {
    status = 2;
  }
  Atomics.store(flags, job.slot, status);
  Atomics.notify(flags, job.slot);
});
`;

/** A Float64Array over a SharedArrayBuffer (zero-filled), so worker threads can read and write it. */
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * Math.max(length, 1)), 0, length);
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
 * Creates a pool using `threads` threads in all (default: the machine's available parallelism,
 * at most 4). `threads = 1` never starts a worker.
 */
export function createThreadPool(threads: number = Math.min(availableParallelism(), 4)): ThreadPool {
  const count = Math.max(1, Math.floor(threads));
  let workers: Worker[] | null = null;
  let broken = count === 1;

  function start(): Worker[] | null {
    if (broken) return null;
    if (workers) return workers;
    const list: Worker[] = [];
    try {
      for (let w = 0; w < count - 1; w++) {
        const ready = new Int32Array(new SharedArrayBuffer(4));
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ready: ready.buffer } });
        worker.unref();
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

  return {
    threads: count,
    dotKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper) {
      const mp = (m + 3) & ~3;
      const np = (n + 3) & ~3;
      const shared =
        P.buffer instanceof SharedArrayBuffer && Q.buffer instanceof SharedArrayBuffer && C.buffer instanceof SharedArrayBuffer &&
        P.byteOffset === 0 && Q.byteOffset === 0;
      const pool = shared && m * n * k >= PARALLEL_MIN_WORK && mp >= 8 * count ? start() : null;
      if (pool === null) {
        dotKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper);
        return;
      }
      const bounds = splitRows(mp, np, count, upper);
      const flags = new Int32Array(new SharedArrayBuffer(4 * pool.length));
      pool.forEach((worker, w) => {
        worker.postMessage({
          m, n, k, alpha, P: P.buffer, Q: Q.buffer, C: C.buffer, ldc,
          // Views may start inside their buffers: translate to element offsets of the whole buffer.
          offC: offC + C.byteOffset / 8,
          upper, rowStart: bounds[w + 1], rowEnd: bounds[w + 2], flags: flags.buffer, slot: w,
        });
      });
      dotKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper, bounds[0], bounds[1]);
      pool.forEach((_, w) => {
        while (Atomics.load(flags, w) === 0) Atomics.wait(flags, w, 0);
        if (Atomics.load(flags, w) === 2) {
          throw new SpecError('E_BACKEND', `cpu backend: worker thread ${w + 1} failed in a ${m} × ${n} × ${k} product; retry with threads: 1`);
        }
      });
    },
    dispose() {
      if (workers) for (const w of workers) void w.terminate();
      workers = null;
    },
  };
}
