/**
 * What the thread pool (thread-pool.ts) and its worker threads (worker.ts) send each other: the data a worker starts
 * with, the jobs, and how a failure travels back. Types and constants only, shared by both sides.
 */
import type { MessagePort } from 'node:worker_threads';
import type { WasmMemory } from './wasm-kernel.js';
import type { ProductSpec } from './packed-product.js';

/** `workerData` of every worker. */
export interface WorkerData {
  /** One Int32: set to {@link READY} once the worker listens for jobs, or {@link FAILED_TO_START}. */
  readonly ready: SharedArrayBuffer;
  /** The tile module's bytes, instantiated by the worker for its own products. */
  readonly wasm: Uint8Array;
  /** Where the worker reports a failed job ({@link WorkerFailure}), read synchronously by the caller. */
  readonly failures: MessagePort;
}

export const READY = 1;
export const FAILED_TO_START = 2;

/** Job status in a job's flags word: 0 running, {@link JOB_DONE}, or {@link JOB_FAILED} (a failure was posted). */
export const JOB_DONE = 1;
export const JOB_FAILED = 2;

/** A failed job as the worker saw it; the caller rethrows it as `SpecError('E_BACKEND', …)` with this as the cause. */
export interface WorkerFailure {
  readonly name: string;
  readonly message: string;
  /** The error's `code` property when it had one (a SpecError's code, a Node system error's code). */
  readonly code?: string;
  readonly stack?: string;
}

/** Rows rowStart … rowEnd − 1 of `productKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper)` on shared buffers. */
export interface ProductJob {
  readonly type: 'product';
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly alpha: number;
  readonly P: SharedArrayBuffer;
  readonly Q: SharedArrayBuffer;
  readonly C: SharedArrayBuffer;
  readonly ldc: number;
  /** Element offset of C[0, 0] in the whole buffer. */
  readonly offC: number;
  readonly upper: boolean;
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly simd: boolean;
  readonly flags: SharedArrayBuffer;
  readonly slot: number;
}

/** Elements s … e − 1 of a compiled element-wise loop (compiled-map.ts) over shared arrays (null: absent). */
export interface MapJob {
  readonly type: 'map';
  readonly body: string;
  readonly length: number;
  readonly s: number;
  readonly e: number;
  readonly X: SharedArrayBuffer;
  readonly xOff: number;
  readonly V: SharedArrayBuffer | null;
  readonly vOff: number;
  readonly D: SharedArrayBuffer | null;
  readonly dOff: number;
  readonly flags: SharedArrayBuffer;
  readonly slot: number;
}

/**
 * Opens a session on the shared wasm `memory` (the worker instantiates the tile module from `bytes` on it): for each
 * increment of SEQ in `ctrl` the worker takes one step ({@link SessionStep}) from the `steps` port, until SEQ turns
 * negative.
 */
export interface SessionJob {
  readonly type: 'session';
  readonly memory: WasmMemory;
  readonly bytes: Uint8Array;
  readonly ctrl: SharedArrayBuffer;
  /** Carries the steps ({@link SessionStep}). */
  readonly steps: MessagePort;
}

export type WorkerJob = ProductJob | MapJob | SessionJob;

/**
 * Polls of a session's control word before a waiting thread sleeps on it (`Atomics.wait`): ≈ 20–100 µs, longer than the
 * serial part between two steps of a reduction, far shorter than a step at the sizes that open a session.
 */
export const SPIN_LIMIT = 1 << 15;

/** Control words of a session: sequence number of the latest step, of the latest finished one, failure flag. */
export const SEQ = 0;
export const DONE = 1;
export const FAILED = 2;
export const CONTROL_WORDS = 3;

/** Rows of a two-stage reduction product, on the worker's own packing scratch (element offsets into the memory). */
export interface ProductStep {
  readonly kind: 'product';
  readonly spec: ProductSpec;
  readonly scratch: { readonly p: number; readonly q: number };
  /** Take the rows in chunks claimed from a shared counter (packed-product.ts, `claimedProduct`) instead of all. */
  readonly claim?: { readonly counter: SharedArrayBuffer; readonly chunk: number };
}

/**
 * The worker's sweeps of a two-thread bulge chase (band-tridiagonal.ts, `chaseSweeps`): sweeps j ≡ parity (mod 2) of
 * the band at `band` (element offsets), synchronised with the caller through the two progress counters in `progress`.
 */
export interface ChaseStep {
  readonly kind: 'chase';
  readonly n: number;
  readonly b: number;
  readonly band: number;
  readonly v: number;
  readonly w: number;
  readonly parity: number;
  readonly progress: SharedArrayBuffer;
  /** Shared storage of the chase's reflectors (eigenvectors), or null. */
  readonly keep: SharedChaseRecord | null;
}

/** The chase's reflectors in shared buffers, one slot per task in sequential order (see `ChaseReflectors`). */
export interface SharedChaseRecord {
  readonly tau: SharedArrayBuffer;
  readonly head: SharedArrayBuffer;
  readonly len: SharedArrayBuffer;
  readonly v: SharedArrayBuffer;
}

export type SessionStep = ProductStep | ChaseStep;
