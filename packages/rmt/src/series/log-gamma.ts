import { SpecError } from '@spec/core';

// Lanczos approximation, g = 7, 9 terms (Numerical Recipes / Boost "lanczos_9"): relative error below 2e−15 on x ≥ 1/2,
// which is all the sphere-eigenvalue formula of apps/docs/theory/power-series.md#sphere-eigenvalues needs.
const G = 7;
const COEFFS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log Γ(x) for x > 0 (Lanczos approximation; reflection below 1/2). Used by the sphere-eigenvalue formula of
 * apps/docs/theory/power-series.md#sphere-eigenvalues, whose terms p!·Γ(d/2)/(2^p·((p−k)/2)!·Γ((p+k+d)/2)) overflow
 * when formed directly.
 */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new SpecError('E_INPUT', `logGamma: argument must be a finite positive number, got ${x}`);
  }
  if (x < 0.5) {
    // Γ(x) Γ(1 − x) = π / sin(πx), and sin(πx) > 0 on (0, 1/2).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const z = x - 1;
  let a = COEFFS[0];
  const t = z + G + 0.5;
  for (let i = 1; i < COEFFS.length; i++) a += COEFFS[i] / (z + i);
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}
