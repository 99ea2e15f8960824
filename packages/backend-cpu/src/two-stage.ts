import type { FloatArray } from '@spec/core';
import { type BandContext, bandLayout, bandWorkspace, reduceToBand } from './band-reduction.js';
import { type ChaseReflectors, bandStorage, bandToTridiagonal, chaseReflectors, copyBand } from './band-tridiagonal.js';
import { type ProductKernels, type ProductSpec, blockTs, packedProduct } from './packed-product.js';
import * as rowsTs from './symmetric-rows.js';
import type { WasmTiles } from './wasm-kernel.js';

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
}

/** Doubles of memory the two-stage reduction of order n uses from A's first entry. */
export function twoStageSize(n: number, b: number): number {
  return n * n + bandWorkspace(n, b) + bandStorage(n, b) + 4 * b;
}

/** The half-bandwidth for order n: {@link BAND}, or less for tiny matrices (a multiple of 4 in any case). */
export function halfBandwidth(n: number): number {
  return Math.max(4, Math.min(BAND, (n + 3) & ~3));
}

/** The dense-to-band context on one thread: the products on the packed micro-kernel (wasm or TypeScript). */
function bandContext(H: Float64Array, wasm: WasmTiles | null, scratch: { p: number; q: number }): BandContext {
  const kernels: ProductKernels =
    wasm !== null
      ? {
          block: (pa, qb, kc, rows, cols, c, ldc, shift) =>
            wasm.block(8 * pa, 8 * qb, kc, 0, rows, cols, 8 * c, 8 * ldc, shift),
          packSymmetric: (a, ld, i, t0, kc, d) => wasm.packSymmetric(8 * a, ld, i, t0, kc, 8 * d),
        }
      : { block: (pa, qb, kc, rows, cols, c, ldc, shift) => blockTs(H, pa, qb, kc, rows, cols, c, ldc, shift) };
  const product = (spec: ProductSpec): void => packedProduct(H, kernels, spec, scratch);
  if (wasm !== null) {
    return {
      H,
      dot: (x, y, len) => wasm.dot(8 * x, 8 * y, len),
      axpy: (alpha, x, y, len) => wasm.axpy2(alpha, 8 * x, 0, 8 * x, 8 * y, len),
      product,
    };
  }
  return {
    H,
    dot: (x, y, len) => rowsTs.dot(H, x, y, len),
    axpy: (alpha, x, y, len) => rowsTs.axpy2(H, alpha, x, 0, x, y, len),
    product,
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
  const { H, wasm } = memory;
  const work = H.subarray(0, n * n);
  work.set(A.subarray(0, n * n));
  const tau = new Float64Array(n);
  const layout = bandLayout(n, b, 0);
  reduceToBand(n, b, 0, tau, bandContext(H, wasm, layout.scratch[0]));
  const band = n * n + bandWorkspace(n, b);
  copyBand(n, b, H, 0, H, band);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const chase = keepReflectors ? chaseReflectors(n, b) : null;
  const scratch = band + bandStorage(n, b);
  const chaseKernel = wasm !== null ? { chase: wasm.chase, v: scratch, w: scratch + 2 * b } : undefined;
  bandToTridiagonal(n, b, H, band, d, e, chase, chaseKernel);
  return { d, e, b, work, tau, chase };
}
