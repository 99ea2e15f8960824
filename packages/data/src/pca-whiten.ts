import { type Eigen, type Matrix, SpecError } from '@spec/core';
import { centerSamples } from './center.js';
import { jacobiEigen } from './jacobi-eigen.js';

/** Options of {@link pcaWhiten}. */
export interface PcaWhitenOptions {
  /** Number of principal components kept (default: every component with variance > `epsilon` · the largest). */
  readonly components?: number;
  /** Relative variance below which a direction counts as null and is dropped (default 1e-10). */
  readonly epsilon?: number;
  /**
   * Symmetric eigensolver (ascending values, vectors as columns), e.g. `backend.eigh` from
   * `@spec/backend-cpu`. Default: a cyclic Jacobi solver, fine for min(d, n) up to a few hundred.
   */
  readonly eigh?: (S: Matrix) => Eigen;
}

/**
 * PCA whitening: centres X (d × n), projects it on its top k principal directions and scales each to
 * unit variance, so the result Z (k × n, rows by decreasing variance) has (1/n) Z Zᵀ = I_k.
 * With C = X_c X_cᵀ/n = U Λ Uᵀ, Z = Λ_k^{-1/2} U_kᵀ X_c. When n < d this is computed from the n × n Gram
 * matrix X_cᵀX_c = V S² Vᵀ instead, using Z = √n V_kᵀ, so the eigenproblem has size min(d, n).
 * Whitening removes the spikes of real data (MATH.md §2.7); normalise the samples afterwards.
 */
export function pcaWhiten(X: Matrix, options: PcaWhitenOptions = {}): Matrix {
  const { rows: d, cols: n } = X;
  const epsilon = options.epsilon ?? 1e-10;
  const eigh = options.eigh ?? jacobiEigen;
  if (n < 2) throw new SpecError('E_INPUT', `PCA whitening needs at least 2 samples, got ${n}`);
  const Xc = centerSamples(X).data;
  const useGram = n < d;
  const m = useGram ? n : d;
  const S = new Float64Array(m * m);
  if (useGram) {
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += Xc[p * n + a] * Xc[p * n + b];
        S[a * n + b] = s;
        S[b * n + a] = s;
      }
    }
  } else {
    for (let p = 0; p < d; p++) {
      for (let q = p; q < d; q++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += Xc[p * n + i] * Xc[q * n + i];
        S[p * d + q] = s / n;
        S[q * d + p] = s / n;
      }
    }
  }
  const { values, vectors } = eigh({ rows: m, cols: m, data: S });
  const vdata = vectors.data;
  const kcols = vectors.cols;
  const top = values[values.length - 1];
  let rank = 0;
  for (let j = values.length - 1; j >= 0 && values[j] > epsilon * top && top > 0; j--) rank++;
  const k = options.components ?? rank;
  if (!Number.isSafeInteger(k) || k < 1)
    throw new SpecError('E_INPUT', `components must be a positive integer, got ${k}`);
  if (k > rank) {
    throw new SpecError(
      'E_DATA',
      `PCA whitening: asked for ${k} components but the centred data has only ${rank} directions with non-negligible variance`,
    );
  }
  const Z = new Float64Array(k * n);
  for (let r = 0; r < k; r++) {
    const j = values.length - 1 - r; // r-th largest
    if (useGram) {
      const s = Math.sqrt(n);
      for (let i = 0; i < n; i++) Z[r * n + i] = s * vdata[i * kcols + j];
    } else {
      const inv = 1 / Math.sqrt(values[j]);
      for (let p = 0; p < d; p++) {
        const u = vdata[p * kcols + j] * inv;
        for (let i = 0; i < n; i++) Z[r * n + i] += u * Xc[p * n + i];
      }
    }
  }
  return { rows: k, cols: n, data: Z };
}
