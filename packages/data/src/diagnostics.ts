import { type Matrix, SpecError, transpose } from '@spec/core';
import { type DataLinalg, eigvalshWith, gramWith } from './linalg.js';

/** √n / d_eff above which the Fan–Wang limit is not expected to describe the data. */
export const ORTHOGONALITY_RATIO_LIMIT = 0.1;

/**
 * How far data is from the (ε, B)-orthonormality the linear-width theory assumes
 * (apps/docs/theory/fan-wang.md#assumptions), and what its Gram spectrum looks like. Inner products are raw x_iᵀx_j,
 * meant for unit-norm samples (what `loadDataset` returns for real data).
 */
export interface OrthonormalityDiagnostics {
  /** Samples (columns of X). */
  readonly n: number;
  /** Dimension (rows of X). */
  readonly d: number;
  /** max_i |‖x_i‖ − 1| (the ε for norms). */
  readonly maxNormDeviation: number;
  /** (Σ_i (‖x_i‖ − 1)²)^{1/2} (must stay ≤ B). */
  readonly normDeviationL2: number;
  /** max_{i≠j} |x_iᵀx_j| (the ε for inner products); 0 when n = 1. */
  readonly maxInnerProduct: number;
  /** median_{i≠j} |x_iᵀx_j|; 0 when n = 1. */
  readonly medianInnerProduct: number;
  /** mean_{i≠j} (x_iᵀx_j)²; 0 when n = 1. */
  readonly meanSquaredInnerProduct: number;
  /**
   * d_eff = 1 / mean_{i≠j} (x_iᵀx_j)²: the dimension in which independent uniform unit vectors would have
   * the same mean squared overlap (d_eff = d for them). `Infinity` when all distinct samples are orthogonal.
   */
  readonly effectiveDimension: number;
  /**
   * √n / d_eff: the limit needs |x_iᵀx_j| ≪ 1 at a rate that makes this small; above
   * {@link ORTHOGONALITY_RATIO_LIMIT} it is not expected to hold.
   */
  readonly orthogonalityRatio: number;
  /** ‖X‖_op = √λ_max(XᵀX), the largest singular value (must stay ≤ B). */
  readonly operatorNorm: number;
  /** tr(XᵀX)/n = mean ‖x_i‖², the mean eigenvalue of XᵀX. */
  readonly meanEigenvalue: number;
  /**
   * The Marchenko–Pastur bulk edge for the data's shape, scaled to its mean eigenvalue:
   * `meanEigenvalue · (1 + √(n/d))²` — the largest eigenvalue of XᵀX for i.i.d. entries of the same variance
   * (apps/docs/theory/toolkit.md#marchenko-pastur).
   */
  readonly bulkEdge: number;
  /** Eigenvalues of XᵀX above `bulkEdge`: the spikes that whitening removes. */
  readonly spikes: number;
  /** Eigenvalues of XᵀX above `bulkEdge`, descending. */
  readonly spikeValues: Float64Array;
  /** Whether √n / d_eff ≤ {@link ORTHOGONALITY_RATIO_LIMIT}. */
  readonly fanWangExpected: boolean;
  /** A one-line warning when `fanWangExpected` is false. */
  readonly warning?: string;
}

/** Options of {@link orthonormalityDiagnostics}. */
export interface DiagnosticsOptions {
  /**
   * Gram product and eigenvalue solver (a `Backend` will do: pass it). Default: a float64 loop and core's
   * Jacobi solver, which takes minutes for min(n, d) in the hundreds — pass a backend there.
   */
  readonly linalg?: DataLinalg;
}

/**
 * The orthonormality diagnostics of X (d × n, samples as columns): norm deviations, max / median |x_iᵀx_j|
 * over distinct samples, d_eff = 1 / mean (x_iᵀx_j)² and √n / d_eff, ‖X‖_op, and the spikes of XᵀX above
 * the MP bulk edge (1 + √(n/d))² scaled to the mean eigenvalue tr(XᵀX)/n. Costs one n × n Gram matrix
 * (n²d/2), one d × d one when d < n (d²n/2), the eigenvalues of the smaller (same non-zero spectrum) and a
 * sort of the n(n−1)/2 inner products. With a warning when √n / d_eff > {@link ORTHOGONALITY_RATIO_LIMIT}.
 */
export function orthonormalityDiagnostics(X: Matrix, options: DiagnosticsOptions = {}): OrthonormalityDiagnostics {
  const { rows: d, cols: n } = X;
  if (n < 1 || d < 1) throw new SpecError('E_SHAPE', `diagnostics need a non-empty matrix, got ${d} × ${n}`);
  const G = gramWith(options.linalg, X).data; // XᵀX, n × n
  let maxNormDeviation = 0;
  let sumSq = 0;
  let trace = 0;
  for (let i = 0; i < n; i++) {
    const g = G[i * n + i];
    trace += g;
    const dev = Math.abs(Math.sqrt(g) - 1);
    maxNormDeviation = Math.max(maxNormDeviation, dev);
    sumSq += dev * dev;
  }
  const pairs = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  let meanSq = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = G[i * n + j];
      pairs[k++] = Math.abs(v);
      meanSq += v * v;
    }
  }
  if (!Number.isFinite(sumSq) || !Number.isFinite(meanSq) || !Number.isFinite(trace))
    throw new SpecError('E_DATA', 'diagnostics: the data contains NaN or Inf, or values too large to square');
  pairs.sort();
  const m = pairs.length;
  const maxInnerProduct = m > 0 ? pairs[m - 1] : 0;
  const medianInnerProduct = m === 0 ? 0 : m % 2 === 1 ? pairs[(m - 1) / 2] : (pairs[m / 2 - 1] + pairs[m / 2]) / 2;
  meanSq = m > 0 ? meanSq / m : 0;
  const effectiveDimension = meanSq > 0 ? 1 / meanSq : Infinity;
  const orthogonalityRatio = meanSq > 0 ? Math.sqrt(n) * meanSq : 0;

  // Eigenvalues of XᵀX from the smaller of XᵀX (n × n) and XXᵀ (d × d).
  const small = n <= d ? { rows: n, cols: n, data: G } : gramWith(options.linalg, transpose(X));
  const values = eigvalshWith(options.linalg, small);
  const meanEigenvalue = trace / n;
  const bulkEdge = meanEigenvalue * (1 + Math.sqrt(n / d)) ** 2;
  const spikeValues = values.filter((v) => v > bulkEdge).reverse();
  const operatorNorm = Math.sqrt(Math.max(0, values[values.length - 1]));
  const fanWangExpected = orthogonalityRatio <= ORTHOGONALITY_RATIO_LIMIT;
  return {
    n,
    d,
    maxNormDeviation,
    normDeviationL2: Math.sqrt(sumSq),
    maxInnerProduct,
    medianInnerProduct,
    meanSquaredInnerProduct: meanSq,
    effectiveDimension,
    orthogonalityRatio,
    operatorNorm,
    meanEigenvalue,
    bulkEdge,
    spikes: spikeValues.length,
    spikeValues,
    fanWangExpected,
    ...(fanWangExpected
      ? {}
      : {
          warning: `√n / d_eff = ${orthogonalityRatio.toPrecision(2)} > ${ORTHOGONALITY_RATIO_LIMIT} (d_eff = ${effectiveDimension.toPrecision(3)}, n = ${n}): the samples overlap too much, the Fan–Wang limit is not expected to hold; try whiten:K, or the exact-kernel limit (--limit exact-kernel)`,
        }),
  };
}
