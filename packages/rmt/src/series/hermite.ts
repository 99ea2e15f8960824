import { SpecError } from '@spec/core';

/**
 * Hermite coefficients μ_0..μ_K of the raw ReLU `max(x, 0)` in the orthonormal basis `h_k = He_k/√(k!)`
 * (apps/docs/theory/toolkit.md#normalised-activations): `μ_0 = 1/√(2π)`, `μ_1 = 1/2`,
 * `μ_{2j} = (−1)^{j+1}(2j−3)!!/(√(2π)·√((2j)!))` for j ≥ 1 (with (−1)!! = 1), odd `μ_{≥3} = 0`.
 *
 * Computed by the ratio `μ_{2j} = −μ_{2j−2}·(2j−3)/√(2j(2j−1))`, which never overflows. `Σ_k μ_k² = E relu(ξ)² = 1/2`;
 * the tail decays like `μ_k² ≍ k^{−5/2}`. For the unit-diagonal convention of
 * apps/docs/theory/power-series.md#power-series (σ_w² = 1, σ_b = 0) use `scaleHermite(reluHermite(K), Math.SQRT2)`.
 *
 * @param maxDegree K ≥ 0, the highest coefficient returned (length K + 1).
 */
export function reluHermite(maxDegree: number): Float64Array {
  if (!Number.isInteger(maxDegree) || maxDegree < 0) {
    throw new SpecError('E_INPUT', `reluHermite: maxDegree must be a non-negative integer, got ${maxDegree}`);
  }
  const mu = new Float64Array(maxDegree + 1);
  const invSqrt2Pi = 1 / Math.sqrt(2 * Math.PI);
  mu[0] = invSqrt2Pi;
  if (maxDegree >= 1) mu[1] = 0.5;
  if (maxDegree >= 2) mu[2] = invSqrt2Pi / Math.SQRT2;
  for (let k = 4; k <= maxDegree; k += 2) {
    mu[k] = (-mu[k - 2] * (k - 3)) / Math.sqrt(k * (k - 1));
  }
  return mu;
}

/**
 * Hermite coefficients of `c·φ` given those of φ (apps/docs/theory/toolkit.md#hermite-expansions: the expansion is
 * linear), e.g. `scaleHermite(reluHermite(K), Math.SQRT2)` for `√2·relu`, the ReLU of
 * apps/docs/theory/power-series.md#power-series with unit diagonal (equivalently raw relu with σ_w² = 2). Returns a new
 * array.
 */
export function scaleHermite(hermite: Float64Array, factor: number): Float64Array {
  if (!Number.isFinite(factor)) {
    throw new SpecError('E_INPUT', `scaleHermite: factor must be finite, got ${factor}`);
  }
  const out = new Float64Array(hermite.length);
  for (let k = 0; k < hermite.length; k++) out[k] = factor * hermite[k];
  return out;
}
