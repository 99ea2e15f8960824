import { SpecError, assertFinite, assertFitsInMemory, availableMemoryBytes, type Matrix } from '@spec/core';
import { resolveInfiniteOptions, type InfiniteKernelOptions } from './architecture.js';
import { infiniteKernelPass } from './recursion.js';
import { pointGram, pointRows } from '../point-gram.js';

/** Options of {@link infiniteKernelMatrices}. */
export interface InfiniteMatrixOptions {
  /** Tile edge of the pair loops (default 64): pairs are visited tile by tile, the upper triangle only. */
  readonly tile?: number;
  /** Called after each layer with (layers done, layers). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** n × n infinite-width kernel matrices of a dataset. */
export interface InfiniteKernelMatrices {
  readonly nngp: Matrix;
  readonly ntk: Matrix;
}

/**
 * Bytes {@link infiniteKernelMatrices} holds at its peak for n points in d dimensions: the data, and about seven n × n
 * float64 arrays during a layer (the kernels before and after it, the pre-activation covariance and the two Gaussian
 * expectations).
 */
export function infiniteKernelMatricesBytes(n: number, d: number): number {
  return 8 * (n * d + 7 * n * n);
}

/**
 * Infinite-width NNGP and NTK matrices of the columns of X (d × n) (apps/docs/theory/infinite-width.md#mlp-recursions,
 * #residual-mlp): entry (α, β) is the kernel of the pair (x_α, x_β) with Σ¹ = σ²_w,in ⟨x_α, x_β⟩ + σ_b² (no 1/d: scale
 * the data to the norms you mean; unit-norm columns give the conventions of
 * apps/docs/theory/reference-values.md#relu-ntk). One {@link infiniteKernelPass} over the Gram: each layer a vectorised
 * pass over the upper triangle, mirrored, so the matrices are exactly symmetric (closed-form duals where the activation
 * has them, its tabulated dual otherwise).
 *
 * @throws SpecError `E_INPUT` for bad options or a tile that is not a positive integer, `E_SHAPE` for an
 *   empty X, `E_INPUT` for non-finite data, `E_MEMORY` (before allocating) when the n × n arrays do not fit
 */
export function infiniteKernelMatrices(
  X: Matrix,
  options: InfiniteKernelOptions,
  matrixOptions: InfiniteMatrixOptions = {},
): InfiniteKernelMatrices {
  const resolved = resolveInfiniteOptions(options);
  const tile = matrixOptions.tile ?? 64;
  if (!Number.isInteger(tile) || tile < 1)
    throw new SpecError('E_INPUT', `infiniteKernelMatrices: tile must be a positive integer, got ${tile}`);
  if (X.rows < 1 || X.cols < 1)
    throw new SpecError('E_SHAPE', `infiniteKernelMatrices: X must be d × n with d, n ≥ 1, got ${X.rows} × ${X.cols}`);
  assertFinite(X, 'infiniteKernelMatrices: X');
  const { rows: d, cols: n, data } = X;
  assertFitsInMemory(
    infiniteKernelMatricesBytes(n, d),
    availableMemoryBytes(),
    `the infinite-width kernels of n = ${n} samples (about seven n × n float64 arrays during a layer)`,
    'try fewer samples',
  );
  const points = pointRows(data, d, n);
  const gram = pointGram(points, n, points, n, d);
  const norms2 = new Float64Array(n);
  for (let a = 0; a < n; a++) norms2[a] = gram[a * n + a];
  const k = infiniteKernelPass(
    resolved,
    { rowNorms2: norms2, gram },
    { tile, ...(matrixOptions.onProgress !== undefined ? { onProgress: matrixOptions.onProgress } : {}) },
  );
  return { nngp: { rows: n, cols: n, data: k.nngp }, ntk: { rows: n, cols: n, data: k.ntk } };
}
