import { type Matrix, SpecError } from '@spec/core';

/**
 * Scales every sample (column of X, d × n) to unit ℓ2 norm, so that |‖x_α‖ − 1| = 0 in the
 * (ε, B)-orthonormality assumption (MATH.md §2.2). Returns a new float64 matrix. A zero (or
 * non-finite) column cannot be normalised: `E_DATA` naming the sample (`what` names the data).
 */
export function normalizeSamples(X: Matrix, what = 'data'): Matrix {
  const { rows: d, cols: n, data } = X;
  const sq = new Float64Array(n);
  for (let p = 0; p < d; p++) {
    const base = p * n;
    for (let i = 0; i < n; i++) sq[i] += data[base + i] * data[base + i];
  }
  const inv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(sq[i] > 0) || !Number.isFinite(sq[i])) {
      throw new SpecError(
        'E_DATA',
        `${what}: sample ${i} has norm ${Math.sqrt(sq[i])} and cannot be scaled to unit norm (a constant sample becomes 0 after centring); drop it`,
      );
    }
    inv[i] = 1 / Math.sqrt(sq[i]);
  }
  const out = new Float64Array(d * n);
  for (let p = 0; p < d; p++) {
    const base = p * n;
    for (let i = 0; i < n; i++) out[base + i] = data[base + i] * inv[i];
  }
  return { rows: d, cols: n, data: out };
}
