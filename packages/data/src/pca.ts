import { type Matrix, SpecError } from '@spec/core';
import { type DataLinalg, eighWith, gramWith } from './linalg.js';
import { type SampleStatistics, matrixStatistics } from './statistics.js';

/** The top principal components of a set of samples. */
export interface PrincipalComponents {
  /** Variances λ_1 ≥ … ≥ λ_k along the components (eigenvalues of the covariance). */
  readonly values: Float64Array;
  /** d × k; column r is the unit principal direction u_{r+1}. */
  readonly vectors: Matrix;
  /** The mean the components are centred at. */
  readonly mean: Float64Array;
}

/** Relative variance below which a direction counts as null (round-off of a rank-deficient covariance). */
const NULL_VARIANCE = 1e-10;

/**
 * Indices (into ascending eigenvalues) of the top k, or of every non-null one when k is undefined; `E_DATA`
 * when fewer than k eigenvalues exceed {@link NULL_VARIANCE} of the largest.
 */
function topIndices(values: Float64Array, k: number | undefined, what: string): number[] {
  const m = values.length;
  const top = values[m - 1];
  let rank = 0;
  while (rank < m && top > 0 && values[m - 1 - rank] > NULL_VARIANCE * top) rank++;
  const want = k ?? rank;
  if (want > rank) {
    throw new SpecError(
      'E_DATA',
      `PCA: ${want} components asked for but ${what} has only ${rank} directions with non-negligible variance; ask for fewer`,
    );
  }
  return Array.from({ length: want }, (_, r) => m - 1 - r);
}

/**
 * The top `k` principal components from given statistics (every non-null one when k is undefined): the
 * eigenvectors of the covariance for its k largest eigenvalues (through `linalg.eigh`, default core's Jacobi solver). `E_DATA` when fewer than k
 * directions have variance above 1e-10 of the largest, `E_DATA` when the covariance is not finite (values
 * too large to square).
 */
export function componentsFromStatistics(
  stats: SampleStatistics,
  k: number | undefined,
  options: { readonly linalg?: DataLinalg; readonly what?: string } = {},
): PrincipalComponents {
  const what = options.what ?? 'the data';
  const C = stats.covariance;
  const d = C.rows;
  for (let q = 0; q < C.data.length; q++) {
    if (!Number.isFinite(C.data[q])) {
      throw new SpecError(
        'E_DATA',
        `PCA: the covariance of ${what} overflows; divide the data by a common scale first`,
      );
    }
  }
  const { values, vectors } = eighWith(options.linalg, C);
  const picked = topIndices(values, k, what);
  const kk = picked.length;
  const kept = new Float64Array(kk);
  const U = new Float64Array(d * kk);
  picked.forEach((j, r) => {
    kept[r] = values[j];
    for (let p = 0; p < d; p++) U[p * kk + r] = vectors.data[p * vectors.cols + j];
  });
  return { values: kept, vectors: { rows: d, cols: kk, data: U }, mean: stats.mean };
}

/**
 * The top `k` principal components of the columns of X (d × n) themselves (every non-null one when k is
 * undefined). When n < d the n × n Gram
 * matrix of the centred samples, X_cᵀX_c/n = V Λ Vᵀ, is decomposed instead of the d × d covariance (same
 * non-zero spectrum; u_r = X_c v_r / √(n λ_r)), so the eigenproblem has size min(d, n).
 */
export function principalComponents(
  X: Matrix,
  k: number | undefined,
  options: { readonly linalg?: DataLinalg } = {},
): PrincipalComponents {
  const { rows: d, cols: n } = X;
  if (n >= d) return componentsFromStatistics(matrixStatistics(X, options.linalg), k, options);
  const { mean, centred } = centredColumns(X);
  // Gram of the centred samples: (d × n)ᵀ(d × n).
  const G = gramWith(options.linalg, { rows: d, cols: n, data: centred });
  for (let q = 0; q < G.data.length; q++) G.data[q] /= n;
  const { values, vectors } = eighWith(options.linalg, G);
  const picked = topIndices(values, k, 'the samples');
  const kk = picked.length;
  const kept = new Float64Array(kk);
  const U = new Float64Array(d * kk);
  picked.forEach((j, r) => {
    kept[r] = values[j];
    const scale = 1 / Math.sqrt(n * values[j]);
    for (let p = 0; p < d; p++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += centred[p * n + i] * vectors.data[i * vectors.cols + j];
      U[p * kk + r] = s * scale;
    }
  });
  return { values: kept, vectors: { rows: d, cols: kk, data: U }, mean };
}

function centredColumns(X: Matrix): { mean: Float64Array; centred: Float64Array } {
  const { rows: d, cols: n, data } = X;
  const mean = new Float64Array(d);
  const centred = new Float64Array(d * n);
  for (let p = 0; p < d; p++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += (data[p * n + i] - m) / (i + 1);
    mean[p] = m;
    for (let i = 0; i < n; i++) centred[p * n + i] = data[p * n + i] - m;
  }
  return { mean, centred };
}

/** Coordinates c[r, i] = u_rᵀ(x_i − μ) of the columns of X on the first `k` components (k × n). */
function coordinates(X: Matrix, pc: PrincipalComponents, k: number): Float64Array {
  const { rows: d, cols: n, data } = X;
  const U = pc.vectors;
  const c = new Float64Array(k * n);
  for (let p = 0; p < d; p++) {
    const mu = pc.mean[p];
    for (let r = 0; r < k; r++) {
      const u = U.data[p * U.cols + r];
      if (u === 0) continue;
      const row = r * n;
      for (let i = 0; i < n; i++) c[row + i] += u * (data[p * n + i] - mu);
    }
  }
  return c;
}

function checkComponents(pc: PrincipalComponents, X: Matrix, k: number): void {
  if (pc.vectors.rows !== X.rows)
    throw new SpecError(
      'E_SHAPE',
      `PCA: components of dimension ${pc.vectors.rows} for samples of dimension ${X.rows}`,
    );
  if (!Number.isSafeInteger(k) || k < 0 || k > pc.vectors.cols)
    throw new SpecError('E_INPUT', `PCA: ${k} components asked for, ${pc.vectors.cols} available`);
}

/**
 * PCA whitening with given components: z_i = Λ_k^{-1/2} U_kᵀ (x_i − μ), a k × n matrix whose rows have unit variance
 * over the samples the components came from (identity covariance on the kept components). Whitening removes the spikes
 * of real data that break the (ε, B)-orthonormality of the linear-width theory
 * (apps/docs/theory/fan-wang.md#real-data); normalise the samples afterwards.
 */
export function whitenWith(X: Matrix, pc: PrincipalComponents, k = pc.vectors.cols): Matrix {
  checkComponents(pc, X, k);
  const n = X.cols;
  const Z = coordinates(X, pc, k);
  for (let r = 0; r < k; r++) {
    const s = 1 / Math.sqrt(pc.values[r]);
    for (let i = 0; i < n; i++) Z[r * n + i] *= s;
  }
  return { rows: k, cols: n, data: Z };
}

/**
 * Deflation with given components: x_i − μ − U_R U_Rᵀ (x_i − μ), the centred samples with their
 * coordinates along the top R principal directions removed (no whitening; still d × n).
 */
export function deflateWith(X: Matrix, pc: PrincipalComponents, R = pc.vectors.cols): Matrix {
  checkComponents(pc, X, R);
  const { rows: d, cols: n, data } = X;
  const c = coordinates(X, pc, R);
  const U = pc.vectors;
  const out = new Float64Array(d * n);
  for (let p = 0; p < d; p++) {
    const mu = pc.mean[p];
    for (let i = 0; i < n; i++) out[p * n + i] = data[p * n + i] - mu;
    for (let r = 0; r < R; r++) {
      const u = U.data[p * U.cols + r];
      if (u === 0) continue;
      for (let i = 0; i < n; i++) out[p * n + i] -= u * c[r * n + i];
    }
  }
  return { rows: d, cols: n, data: out };
}

/** Options of {@link pcaWhiten}. */
export interface PcaWhitenOptions {
  /** Number of principal components kept (default: every component with variance > 1e-10 of the largest). */
  readonly components?: number;
  /** Eigensolver and Gram product (a `Backend` will do); default core's Jacobi solver, fine for min(d, n) ≲ 300. */
  readonly linalg?: DataLinalg;
}

/**
 * PCA whitening of X (d × n) with its own statistics: centres it, projects it on its top k principal
 * directions and scales each to unit variance, so the result Z (k × n, rows by decreasing variance) has
 * (1/n) Z Zᵀ = I_k. See {@link whitenWith}; `loadDataset` can instead use the statistics of a whole split.
 */
export function pcaWhiten(X: Matrix, options: PcaWhitenOptions = {}): Matrix {
  const { rows: d, cols: n } = X;
  if (n < 2) throw new SpecError('E_INPUT', `PCA whitening needs at least 2 samples, got ${n}`);
  const k = options.components;
  if (k !== undefined) {
    if (!Number.isSafeInteger(k) || k < 1)
      throw new SpecError('E_INPUT', `components must be a positive integer, got ${k}`);
    if (k > d) throw new SpecError('E_INPUT', `PCA whitening: ${k} components asked for samples of dimension ${d}`);
  }
  return whitenWith(X, principalComponents(X, k, options));
}

/**
 * Removes the top R principal directions of X's own samples (d × n stays d × n, centred): see
 * {@link deflateWith}. `E_INPUT` unless 1 ≤ R < d.
 */
export function pcaDeflate(X: Matrix, options: { readonly components: number; readonly linalg?: DataLinalg }): Matrix {
  const R = options.components;
  if (!Number.isSafeInteger(R) || R < 1 || R >= X.rows)
    throw new SpecError('E_INPUT', `PCA deflation: R = ${R} components to remove must be in 1..${X.rows - 1}`);
  return deflateWith(X, principalComponents(X, R, options));
}
