import type { FloatArray } from '@spec/core';
import {
  type BackLayout,
  type BandContext,
  type BandLayout,
  applyBandReflectors,
  backLayout,
  bandLayout,
  bandWorkspace,
  reduceToBand,
} from './band-reduction.js';
import {
  CHASE_PROGRESS_WORDS,
  type ChaseReflectors,
  bandStorage,
  bandToTridiagonal,
  chaseReflectors,
  applyChaseReflectors,
  chaseSweeps,
  copyBand,
  readTridiagonal,
  reflectLeftTs,
} from './band-tridiagonal.js';
import { type ProductKernels, type ProductSpec, blockTs, claimedProduct, packedProduct } from './packed-product.js';
import * as rowsTs from './symmetric-rows.js';
import type { ReductionSession } from './thread-pool.js';
import type { WasmTiles } from './wasm-kernel.js';
import type { SharedChaseRecord } from './worker-protocol.js';

/**
 * Half-bandwidth of the two-stage reduction: wider bands make the dense-to-band products more efficient (depth 2b, b
 * columns) and the bulge chase dearer (6bn² flops in vector kernels); 32 measured best at n = 1000–4000 (see the
 * half-bandwidth table in bench/README.md).
 */
export const BAND = 32;

/** The tridiagonal form T = Qᵀ A Q from {@link twoStageTridiagonal}, with what eigh needs to rebuild Q. */
export interface TwoStage {
  readonly d: Float64Array;
  readonly e: Float64Array;
  /** Half-bandwidth used. */
  readonly b: number;
  /** The working copy of A: row i holds the stage-one reflector of row i beyond column i + b (see reduceToBand). */
  readonly work: Float64Array;
  /** Scales of the stage-one reflectors. */
  readonly tau: Float64Array;
  /** The chase's reflectors (only when asked for). */
  readonly chase: ChaseReflectors | null;
}

/** Where the reduction runs: H (wasm memory or a plain array) holding A at H[0] and everything after it. */
export interface TwoStageMemory {
  readonly H: Float64Array;
  /** The tile module on H's memory, or null for the TypeScript kernels. */
  readonly wasm: WasmTiles | null;
  /** A worker session on the same (shared) memory that takes half of each product and every other sweep, or null. */
  readonly session: ReductionSession | null;
}

/** Doubles of memory the two-stage reduction of order n uses from A's first entry (chase scratch for two threads). */
export function twoStageSize(n: number, b: number): number {
  return n * n + bandWorkspace(n, b) + bandStorage(n, b) + 8 * b;
}

/** Rows per chunk of a product whose rows both threads claim as they come free (a multiple of 5). */
const CLAIM_ROWS = 40;

/** Multiply-adds below which a product stays on the calling thread (a hand-off costs ≈ 10–20 µs). */
const SPLIT_MIN_WORK = 1 << 18;

/**
 * The dense-to-band context on two threads: each large product's rows are split (by equal work, at multiples of 5,
 * the micro-kernel's tile height) between the caller and the session's worker, each on its own packing scratch.
 */
function sharedBandContext(
  H: Float64Array,
  wasm: WasmTiles,
  scratch: ReadonlyArray<{ p: number; q: number }>,
  session: ReductionSession,
): BandContext {
  const mine = bandContext(H, wasm, scratch[0]);
  const kernels = productKernels(H, wasm);
  const counter = new Int32Array(new SharedArrayBuffer(4));
  return {
    ...mine,
    sharedProduct(spec, meanwhile) {
      Atomics.store(counter, 0, 0);
      session.run({
        kind: 'product',
        spec,
        scratch: scratch[1],
        claim: { counter: counter.buffer, chunk: CLAIM_ROWS },
      });
      try {
        meanwhile();
        claimedProduct(H, kernels, spec, scratch[0], counter, CLAIM_ROWS);
      } finally {
        session.wait();
      }
    },
    product(spec) {
      const rows = spec.r1 - spec.r0;
      if (rows < 20 || rows * spec.cols * spec.k < SPLIT_MIN_WORK) {
        mine.product(spec);
        return;
      }
      // With `upper` the work of the rows before r is ∝ r·m − r²/2: half of it lies above m(1 − 1/√2).
      const at = spec.upper ? rows * (1 - Math.SQRT1_2) : rows / 2;
      const split = spec.r0 + Math.round(at / 5) * 5;
      session.run({ kind: 'product', spec: { ...spec, r0: split }, scratch: scratch[1] });
      try {
        mine.product({ ...spec, r1: split });
      } finally {
        session.wait();
      }
    },
  };
}

/** The dense-to-band context on `memory`: on two threads when it has a session, else on the calling thread. */
export function bandContextFor(memory: TwoStageMemory, layout: BandLayout): BandContext {
  const { H, wasm, session } = memory;
  return wasm !== null && session !== null
    ? sharedBandContext(H, wasm, layout.scratch, session)
    : bandContext(H, wasm, layout.scratch[0]);
}

/** Chase reflector storage in shared buffers, so both threads of the chase record into it. */
function sharedChaseReflectors(n: number, b: number): { keep: ChaseReflectors; shared: SharedChaseRecord } {
  const local = chaseReflectors(n, b);
  const make = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(bytes, 8));
  const shared: SharedChaseRecord = {
    tau: make(local.tau.byteLength),
    head: make(local.head.byteLength),
    len: make(local.len.byteLength),
    v: make(local.v.byteLength),
  };
  const keep: ChaseReflectors = {
    tau: new Float64Array(shared.tau, 0, local.tau.length),
    head: new Int32Array(shared.head, 0, local.head.length),
    len: new Int32Array(shared.len, 0, local.len.length),
    v: new Float64Array(shared.v, 0, local.v.length),
    count: local.tau.length,
  };
  return { keep, shared };
}

/** The half-bandwidth for order n: {@link BAND}, or less for tiny matrices (a multiple of 4 in any case). */
export function halfBandwidth(n: number): number {
  return Math.max(4, Math.min(BAND, (n + 3) & ~3));
}

/** The product kernels on `wasm`, or in TypeScript on H. */
function productKernels(H: Float64Array, wasm: WasmTiles | null): ProductKernels {
  return wasm !== null
    ? {
        block: (pa, qb, kc, rows, cols, c, ldc, shift) =>
          wasm.block(8 * pa, 8 * qb, kc, 0, rows, cols, 8 * c, 8 * ldc, shift),
        packSymmetric: (a, ld, i, t0, kc, d) => wasm.packSymmetric(8 * a, ld, i, t0, kc, 8 * d),
      }
    : { block: (pa, qb, kc, rows, cols, c, ldc, shift) => blockTs(H, pa, qb, kc, rows, cols, c, ldc, shift) };
}

/** The dense-to-band context on one thread: the products on the packed micro-kernel (wasm or TypeScript). */
function bandContext(H: Float64Array, wasm: WasmTiles | null, scratch: { p: number; q: number }): BandContext {
  const kernels = productKernels(H, wasm);
  const product = (spec: ProductSpec): void => packedProduct(H, kernels, spec, scratch);
  const sharedProduct = (spec: ProductSpec, meanwhile: () => void): void => {
    meanwhile();
    product(spec);
  };
  if (wasm !== null) {
    return {
      H,
      dot: (x, y, len) => wasm.dot(8 * x, 8 * y, len),
      axpy: (alpha, x, y, len) => wasm.axpy2(alpha, 8 * x, 0, 8 * x, 8 * y, len),
      product,
      sharedProduct,
    };
  }
  return {
    H,
    dot: (x, y, len) => rowsTs.dot(H, x, y, len),
    axpy: (alpha, x, y, len) => rowsTs.axpy2(H, alpha, x, 0, x, y, len),
    product,
    sharedProduct,
  };
}

/**
 * Reduces the symmetric n × n matrix A (upper triangle used; copied into `memory.H` from offset 0, which must hold
 * {@link twoStageSize}(n, b) doubles) to tridiagonal form in two stages: dense → band of half-bandwidth b (products on
 * the packed micro-kernel, band-reduction.ts), band → tridiagonal (bulge chase, band-tridiagonal.ts). With
 * `keepReflectors` the chase's reflectors are recorded for eigenvectors.
 */
export function twoStageTridiagonal(
  n: number,
  A: FloatArray,
  memory: TwoStageMemory,
  b: number,
  keepReflectors: boolean,
): TwoStage {
  const { H, wasm, session } = memory;
  const work = H.subarray(0, n * n);
  work.set(A.subarray(0, n * n));
  const tau = new Float64Array(n);
  reduceToBand(n, b, 0, tau, bandContextFor(memory, bandLayout(n, b, 0)));
  const band = n * n + bandWorkspace(n, b);
  copyBand(n, b, H, 0, H, band);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const scratch = band + bandStorage(n, b);
  if (wasm === null || session === null) {
    const chase = keepReflectors ? chaseReflectors(n, b) : null;
    const chaseKernel = wasm !== null ? { chase: wasm.chase, v: scratch, w: scratch + 2 * b } : undefined;
    bandToTridiagonal(n, b, H, band, d, e, chase, chaseKernel);
    return { d, e, b, work, tau, chase };
  }
  // Two threads: the worker takes the odd sweeps, each thread with its own scratch vectors.
  const record = keepReflectors ? sharedChaseReflectors(n, b) : null;
  const progress = new Int32Array(new SharedArrayBuffer(4 * CHASE_PROGRESS_WORDS));
  session.run({
    kind: 'chase',
    n,
    b,
    band,
    v: scratch + 4 * b,
    w: scratch + 6 * b,
    parity: 1,
    progress: progress.buffer,
    keep: record?.shared ?? null,
  });
  try {
    chaseSweeps(
      n,
      b,
      H,
      band,
      { chase: wasm.chase, v: scratch, w: scratch + 2 * b },
      0,
      progress,
      record?.keep ?? null,
    );
  } finally {
    session.wait();
  }
  readTridiagonal(n, b, H, band, d, e);
  return { d, e, b, work, tau, chase: record?.keep ?? null };
}

/** The memory of a two-stage solve of order n with k eigenvectors: doubles needed, and where Y goes (k > 0). */
export function twoStagePlan(n: number, b: number, k: number): { size: number; back: BackLayout | null } {
  const size = twoStageSize(n, b);
  if (k === 0) return { size, back: null };
  const back = backLayout(n, k, b, size);
  return { size: back.end, back };
}

/**
 * Eigenvectors of A from those of T: Y (k × n, row j the eigenvector of T for value j) is laid out as columns at
 * `back.y`, taken through the chase's reflectors (band-tridiagonal.ts) and then stage one's (band-reduction.ts), and
 * returned n × k row-major (column j the eigenvector of A). `memory` is the reduction's, with {@link twoStagePlan}'s
 * room.
 */
export function twoStageVectors(
  n: number,
  r: TwoStage,
  memory: TwoStageMemory,
  back: BackLayout,
  Y: Float64Array,
  k: number,
): Float64Array {
  const { H, wasm } = memory;
  const { y, ldY } = back;
  H.fill(0, y, y + (n + 5) * ldY);
  for (let j = 0; j < k; j++) {
    const row = j * n;
    for (let i = 0; i < n; i++) H[y + i * ldY + j] = Y[row + i];
  }
  if (r.chase !== null) {
    const reflect =
      wasm !== null
        ? (yy: number, ld: number, rows: number, cols: number, v: number, tau: number, w: number) =>
            wasm.reflectLeft(8 * yy, 8 * ld, rows, cols, 8 * v, tau, 8 * w)
        : (yy: number, ld: number, rows: number, cols: number, v: number, tau: number, w: number) =>
            reflectLeftTs(H, yy, ld, rows, cols, v, tau, w);
    applyChaseReflectors(r.b, r.chase, H, y, ldY, k, back.v, back.w, reflect);
  }
  applyBandReflectors(n, r.b, k, 0, r.tau, back, bandContextFor(memory, bandLayout(n, r.b, 0)));
  const vectors = new Float64Array(n * k);
  for (let i = 0; i < n; i++) vectors.set(H.subarray(y + i * ldY, y + i * ldY + k), i * k);
  return vectors;
}
