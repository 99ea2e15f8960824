import { SpecError, assertFinite, type Matrix } from '@spec/core';
import type { InfiniteKernelOptions } from './architecture.js';
import { infiniteKernels } from './kernels.js';

/** Options of {@link infiniteKernelMatrices}. */
export interface InfiniteMatrixOptions {
  /** Tile edge of the pair loop (default 64): pairs are visited tile by tile, the upper triangle only. */
  readonly tile?: number;
  /** Called after each tile with (pairs done, total pairs). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** n × n infinite-width kernel matrices of a dataset. */
export interface InfiniteKernelMatrices {
  readonly nngp: Matrix;
  readonly ntk: Matrix;
}

/**
 * Infinite-width NNGP and NTK matrices of the columns of X (d × n) (apps/docs/theory/infinite-width.md#mlp-recursions,
 * #residual-mlp): entry (α, β) is the kernel of the pair (x_α, x_β) with Σ¹ = σ²_w,in ⟨x_α, x_β⟩ + σ_b² (no 1/d: scale
 * the data to the norms you mean; unit-norm columns give the conventions of
 * apps/docs/theory/reference-values.md#relu-ntk). The upper triangle is computed tile by tile (one kernel-map fold per
 * pair, closed-form duals where the activation has them) and mirrored, so the matrices are exactly symmetric.
 *
 * @throws SpecError `E_INPUT` for bad options or a tile that is not a positive integer, `E_SHAPE` for an
 *   empty X, `E_INPUT` for non-finite data
 */
export function infiniteKernelMatrices(
  X: Matrix,
  options: InfiniteKernelOptions,
  matrixOptions: InfiniteMatrixOptions = {},
): InfiniteKernelMatrices {
  const kernels = infiniteKernels(options);
  const tile = matrixOptions.tile ?? 64;
  if (!Number.isInteger(tile) || tile < 1)
    throw new SpecError('E_INPUT', `infiniteKernelMatrices: tile must be a positive integer, got ${tile}`);
  if (X.rows < 1 || X.cols < 1)
    throw new SpecError('E_SHAPE', `infiniteKernelMatrices: X must be d × n with d, n ≥ 1, got ${X.rows} × ${X.cols}`);
  assertFinite(X, 'infiniteKernelMatrices: X');
  const { rows: d, cols: n, data } = X;
  const dot = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < d; i++) s += data[i * n + a] * data[i * n + b];
    return s;
  };
  const norms2 = new Float64Array(n);
  for (let a = 0; a < n; a++) norms2[a] = dot(a, a);
  const nngp = new Float64Array(n * n);
  const ntk = new Float64Array(n * n);
  const total = (n * (n + 1)) / 2;
  let done = 0;
  for (let i0 = 0; i0 < n; i0 += tile) {
    const i1 = Math.min(n, i0 + tile);
    for (let j0 = i0; j0 < n; j0 += tile) {
      const j1 = Math.min(n, j0 + tile);
      for (let a = i0; a < i1; a++) {
        for (let b = Math.max(a, j0); b < j1; b++) {
          // Clamp |⟨x_a, x_b⟩| ≤ ‖x_a‖‖x_b‖ against rounding (Cauchy–Schwarz holds exactly in ℝ).
          const bound = Math.sqrt(norms2[a] * norms2[b]);
          const xy = Math.max(-bound, Math.min(bound, a === b ? norms2[a] : dot(a, b)));
          const k = kernels.fromGram(norms2[a], norms2[b], xy);
          nngp[a * n + b] = nngp[b * n + a] = k.nngp;
          ntk[a * n + b] = ntk[b * n + a] = k.ntk;
          done++;
        }
      }
      matrixOptions.onProgress?.(done, total);
    }
  }
  return { nngp: { rows: n, cols: n, data: nngp }, ntk: { rows: n, cols: n, data: ntk } };
}
