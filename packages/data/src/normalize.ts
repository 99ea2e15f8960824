import { type Matrix, SpecError } from '@spec/core';

/** Sums of squares inside this range are computed without overflow or underflow of their terms. */
const SAFE_LOW = 2 ** -960;
const SAFE_HIGH = 2 ** 960;

/**
 * ‖column i‖ of X for every column, scaled like `Math.hypot` where the plain sum of squares would overflow
 * or underflow: first Σ x², and for the columns whose sum leaves [2⁻⁹⁶⁰, 2⁹⁶⁰] again as max|x| · ‖x / max|x|‖,
 * so samples scaled by 1e−300 or 1e300 get their true norm.
 */
export function columnNorms(X: Matrix): Float64Array {
  const { rows: d, cols: n, data } = X;
  const sq = new Float64Array(n);
  for (let p = 0; p < d; p++) {
    const base = p * n;
    for (let i = 0; i < n; i++) sq[i] += data[base + i] * data[base + i];
  }
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (sq[i] >= SAFE_LOW && sq[i] <= SAFE_HIGH) {
      norms[i] = Math.sqrt(sq[i]);
      continue;
    }
    let big = 0;
    for (let p = 0; p < d; p++) big = Math.max(big, Math.abs(data[p * n + i]));
    if (big === 0 || !Number.isFinite(big)) {
      norms[i] = big;
      continue;
    }
    let s = 0;
    for (let p = 0; p < d; p++) {
      const v = data[p * n + i] / big;
      s += v * v;
    }
    norms[i] = big * Math.sqrt(s);
  }
  return norms;
}

/**
 * Scales every sample (column of X, d × n) to unit ℓ2 norm, so that |‖x_α‖ − 1| = 0 in the (ε, B)-orthonormality
 * assumption (apps/docs/theory/fan-wang.md#assumptions). Norms are computed without overflow or underflow
 * ({@link columnNorms}). Returns a new float64 matrix. A zero (or non-finite) column cannot be normalised: `E_DATA`
 * naming the sample (`what` names the data).
 */
export function normalizeSamples(X: Matrix, what = 'data'): Matrix {
  const { rows: d, cols: n, data } = X;
  const norms = columnNorms(X);
  for (let i = 0; i < n; i++) {
    if (!(norms[i] > 0) || !Number.isFinite(norms[i])) {
      throw new SpecError(
        'E_DATA',
        `${what}: sample ${i} has norm ${norms[i]} and cannot be scaled to unit norm (a constant sample becomes 0 after centring); drop it`,
      );
    }
  }
  const out = new Float64Array(d * n);
  for (let p = 0; p < d; p++) {
    const base = p * n;
    // Divide rather than multiply by 1/‖x‖, which overflows for norms below 2⁻¹⁰²⁴.
    for (let i = 0; i < n; i++) out[base + i] = data[base + i] / norms[i];
  }
  return { rows: d, cols: n, data: out };
}
