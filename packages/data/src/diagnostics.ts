import { type Matrix, SpecError, createRng } from '@spec/core';

/** How far data is from the (ε, B)-orthonormality the linear-width theory assumes (MATH.md §2.2). */
export interface OrthonormalityDiagnostics {
  /** max_α |‖x_α‖ − 1| (the ε for norms). */
  readonly maxNormDeviation: number;
  /** max_{α≠β} |x_αᵀ x_β| (the ε for inner products); 0 when n = 1. */
  readonly maxInnerProduct: number;
  /** (Σ_α (‖x_α‖ − 1)²)^{1/2} (must stay ≤ B). */
  readonly normDeviationL2: number;
  /** ‖X‖_op, the largest singular value (must stay ≤ B). */
  readonly operatorNorm: number;
  /** Power iterations used for ‖X‖_op. */
  readonly iterations: number;
}

/** Options of {@link orthonormalityDiagnostics}. */
export interface DiagnosticsOptions {
  /** Relative change of the Rayleigh quotient at which power iteration stops (default 1e-10). */
  readonly tolerance?: number;
  /** Iteration cap; `E_CONVERGENCE` beyond it (default 10000). */
  readonly maxIterations?: number;
}

/**
 * The (ε, B)-orthonormality diagnostics of X (d × n, samples as columns; MATH.md §2.2): max |‖x‖ − 1|,
 * max |xᵀy| over distinct samples (O(n² d)), the ℓ2 norm deviation, and ‖X‖_op by power iteration on the
 * smaller of XᵀX and XXᵀ (matrix-free, from a fixed seeded start), stopped when the Rayleigh quotient
 * changes by less than `tolerance` relative.
 */
export function orthonormalityDiagnostics(X: Matrix, options: DiagnosticsOptions = {}): OrthonormalityDiagnostics {
  const { rows: d, cols: n, data } = X;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 10000;
  if (n < 1 || d < 1) throw new SpecError('E_SHAPE', `diagnostics need a non-empty matrix, got ${d} × ${n}`);
  // Samples as contiguous rows: T[i * d + p] = X[p, i].
  const T = new Float64Array(n * d);
  for (let p = 0; p < d; p++) for (let i = 0; i < n; i++) T[i * d + p] = data[p * n + i];
  let maxNormDeviation = 0;
  let sumSq = 0;
  let maxInnerProduct = 0;
  for (let a = 0; a < n; a++) {
    const ra = a * d;
    let s = 0;
    for (let p = 0; p < d; p++) s += T[ra + p] * T[ra + p];
    const dev = Math.abs(Math.sqrt(s) - 1);
    maxNormDeviation = Math.max(maxNormDeviation, dev);
    sumSq += dev * dev;
    for (let b = a + 1; b < n; b++) {
      const rb = b * d;
      let dot = 0;
      for (let p = 0; p < d; p++) dot += T[ra + p] * T[rb + p];
      maxInnerProduct = Math.max(maxInnerProduct, Math.abs(dot));
    }
  }
  if (!Number.isFinite(sumSq) || !Number.isFinite(maxInnerProduct))
    throw new SpecError('E_DATA', 'diagnostics: the data contains NaN or Inf');
  const { norm, iterations } = operatorNorm(T, n, d, tolerance, maxIterations);
  return { maxNormDeviation, maxInnerProduct, normDeviationL2: Math.sqrt(sumSq), operatorNorm: norm, iterations };
}

/** ‖X‖_op by power iteration; T holds the samples as rows (n × d). */
function operatorNorm(
  T: Float64Array,
  n: number,
  d: number,
  tol: number,
  maxIt: number,
): { norm: number; iterations: number } {
  const inSampleSpace = n <= d; // iterate with XᵀX (n × n) when n ≤ d, else XXᵀ (d × d)
  const m = inSampleSpace ? n : d;
  const v = new Float64Array(m);
  createRng(0x5eed).fillNormal(v);
  scale(v, 1 / Math.sqrt(v.reduce((s, x) => s + x * x, 0)));
  const u = new Float64Array(inSampleSpace ? d : n);
  let prev = 0;
  for (let it = 1; it <= maxIt; it++) {
    u.fill(0);
    if (inSampleSpace) {
      // u = X v = Σ_i v_i x_i ; then v ← Xᵀ u.
      for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) u[p] += v[i] * T[i * d + p];
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += T[i * d + p] * u[p];
        v[i] = s;
      }
    } else {
      // u = Xᵀ v (u_i = x_iᵀ v); then v ← X u.
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += T[i * d + p] * v[p];
        u[i] = s;
      }
      v.fill(0);
      for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) v[p] += u[i] * T[i * d + p];
    }
    // Rayleigh quotient of the Gram matrix at the previous (unit) iterate: ‖u‖².
    let rq = 0;
    for (let k = 0; k < u.length; k++) rq += u[k] * u[k];
    const nv = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (nv === 0 || rq === 0) return { norm: 0, iterations: it };
    scale(v, 1 / nv);
    if (Math.abs(rq - prev) <= tol * rq) return { norm: Math.sqrt(rq), iterations: it };
    prev = rq;
  }
  throw new SpecError(
    'E_CONVERGENCE',
    `power iteration for ‖X‖_op did not converge in ${maxIt} iterations (relative tolerance ${tol}); raise maxIterations`,
  );
}

function scale(v: Float64Array, s: number): void {
  for (let k = 0; k < v.length; k++) v[k] *= s;
}
