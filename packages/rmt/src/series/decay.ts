import { SpecError } from '@spec/core';

/**
 * Least-squares slope of log λ_k against log k (apps/docs/theory/power-series.md#sphere-eigenvalues: `κ_p ≍ p^{−a}` ⇒
 * `λ_k ≍ k^{−(d+2a−3)}`, so the slope is ≈ −(d + 2a − 3)).
 *
 * `eigenvalues[k]` is the degree-k eigenvalue (as returned by `sphereEigenvalues`); `degrees` lists the
 * k ≥ 1 to fit over. Degrees whose eigenvalue vanishes (≤ 1e−12 × the largest selected value — e.g. the
 * odd k ≥ 3 of a ReLU NTK) are skipped, so the fit runs over the non-vanishing parity. Needs at least
 * two distinct remaining degrees.
 */
export function decayExponent(eigenvalues: ArrayLike<number>, degrees: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < degrees.length; i++) {
    const k = degrees[i];
    if (!Number.isInteger(k) || k < 1 || k >= eigenvalues.length) {
      throw new SpecError('E_INPUT', `decayExponent: degree ${k} must be an integer in [1, ${eigenvalues.length - 1}]`);
    }
    const v = eigenvalues[k];
    if (!Number.isFinite(v)) throw new SpecError('E_INPUT', `decayExponent: eigenvalue λ_${k} is not finite (${v})`);
    if (v > max) max = v;
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < degrees.length; i++) {
    const k = degrees[i];
    const v = eigenvalues[k];
    if (v > 1e-12 * max) {
      xs.push(Math.log(k));
      ys.push(Math.log(v));
    }
  }
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  const my = ys.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (n < 2 || !(sxx > 0)) {
    throw new SpecError(
      'E_INPUT',
      `decayExponent: need at least two distinct degrees with non-vanishing eigenvalues, got ${n}`,
    );
  }
  return sxy / sxx;
}
