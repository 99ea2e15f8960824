import { SpecError } from '@spec/core';
import { logGamma } from './log-gamma.js';

function checkDim(where: string, d: number): void {
  if (!Number.isInteger(d) || d < 2) {
    throw new SpecError('E_INPUT', `${where}: dim d must be an integer ≥ 2 (sphere S^{d−1} ⊂ R^d), got ${d}`);
  }
}

/**
 * Multiplicity `N(d,k) = (2k+d−2)(k+d−3)!/(k!(d−2)!)` of the degree-k spherical harmonics on S^{d−1} ⊂ R^d
 * (apps/docs/theory/power-series.md#sphere-eigenvalues); for d = 2, N(2,0) = 1 and N(2,k) = 2. Returned as a float
 * (exact while below 2^53).
 */
export function sphereMultiplicity(d: number, k: number): number {
  checkDim('sphereMultiplicity', d);
  if (!Number.isInteger(k) || k < 0) {
    throw new SpecError('E_INPUT', `sphereMultiplicity: degree k must be a non-negative integer, got ${k}`);
  }
  if (k === 0) return 1;
  if (d === 2) return 2;
  // (2k+d−2)/k · binom(k+d−3, d−2)·... computed as a running product to stay exact for moderate sizes.
  let binom = 1; // binom(k + d − 3, d − 3)
  for (let i = 1; i <= d - 3; i++) binom = (binom * (k + i)) / i;
  return Math.round(((2 * k + d - 2) * binom) / (d - 2));
}

/** Options of {@link sphereEigenvalues}. */
export interface SphereEigenvaluesOptions {
  /** Dot-product kernel coefficients κ_0..κ_P: `K(x,y) = Σ_p κ_p ⟨x,y⟩^p`. */
  coefficients: Float64Array;
  /** Ambient dimension d ≥ 2 (data uniform on S^{d−1}). */
  dim: number;
  /** Highest harmonic degree k returned (length maxDegree + 1). */
  maxDegree: number;
}

/**
 * Eigenvalues λ_0..λ_k of a dot-product kernel on S^{d−1} w.r.t. the uniform probability measure
 * (apps/docs/theory/power-series.md#sphere-eigenvalues):
 * `λ_k = Σ_{p≥k, p≡k (2)} κ_p · p! Γ(d/2) / (2^p ((p−k)/2)! Γ((p+k+d)/2))`, each weight formed in log space (log-gamma)
 * so large p neither overflows nor underflows. Each λ_k has multiplicity {@link sphereMultiplicity}(d, k).
 *
 * Only the given coefficients enter: every weight is ≤ 1/N(d,k) ≤ 1 and non-increasing in p once
 * p(d−1) ≥ k² + kd, so the truncation error of λ_k is at most (the series' tail mass) × (the weight of
 * the first omitted degree of the same parity).
 */
export function sphereEigenvalues(options: SphereEigenvaluesOptions): Float64Array {
  const { coefficients, dim: d, maxDegree } = options;
  checkDim('sphereEigenvalues', d);
  if (!Number.isInteger(maxDegree) || maxDegree < 0) {
    throw new SpecError('E_INPUT', `sphereEigenvalues: maxDegree must be a non-negative integer, got ${maxDegree}`);
  }
  for (let p = 0; p < coefficients.length; p++) {
    if (!Number.isFinite(coefficients[p])) {
      throw new SpecError('E_INPUT', `sphereEigenvalues: coefficient κ_${p} is not finite (${coefficients[p]})`);
    }
  }
  const out = new Float64Array(maxDegree + 1);
  const lgHalfD = logGamma(d / 2);
  const ln2 = Math.LN2;
  for (let k = 0; k <= maxDegree; k++) {
    let s = 0;
    for (let p = k; p < coefficients.length; p += 2) {
      const c = coefficients[p];
      if (c === 0) continue;
      s += c * sphereWeight(p, k, d, lgHalfD, ln2);
    }
    out[k] = s;
  }
  return out;
}

/**
 * Weight of κ_p in λ_k (apps/docs/theory/power-series.md#sphere-eigenvalues): the degree-k eigenvalue of the kernel
 * ⟨x,y⟩^p.
 */
function sphereWeight(p: number, k: number, d: number, lgHalfD: number, ln2: number): number {
  const logW = logGamma(p + 1) + lgHalfD - p * ln2 - logGamma((p - k) / 2 + 1) - logGamma((p + k + d) / 2);
  return Math.exp(logW);
}
