import { SpecError } from '@spec/core';
import { sortedSample } from './check.js';

/** Eigenvalues found beyond the right edge of a bulk law. */
export interface OutlierResult {
  /** The outliers, descending. */
  readonly values: Float64Array;
  /** The threshold rightEdge + margin they exceed. */
  readonly threshold: number;
  /** The margin used. */
  readonly margin: number;
}

/**
 * Eigenvalues above `rightEdge + margin` (apps/docs/theory/spectral-evolution.md#quantities "Outliers"). The default
 * margin is Tracy–Widom sized, `c · rightEdge · n^{−2/3}` with c = 4: the largest eigenvalue of an n × n white Wishart
 * GᵀG/d fluctuates around its edge (1 + √γ)² on the scale σ = edge · n^{−2/3} · √γ (1 + √γ)^{−2/3} (Johnstone 2001),
 * whose factor √γ(1 + √γ)^{−2/3} is ≤ 1 for γ ≤ 5, and the TW₁ law puts less than 0.1% of its mass above 3σ beyond its
 * mean (mean −1.21σ); c = 4 therefore flags bulk fluctuations with probability < 10⁻³ for γ ≤ 5. Pass `margin`
 * (absolute) or `marginConstant` to change it. `n` defaults to the sample size.
 */
export function outliers(
  sample: ArrayLike<number>,
  rightEdge: number,
  options: { readonly n?: number; readonly margin?: number; readonly marginConstant?: number } = {},
): OutlierResult {
  const s = sortedSample(sample, 'outliers');
  if (!Number.isFinite(rightEdge))
    throw new SpecError('E_INPUT', `outliers: rightEdge must be finite, got ${rightEdge}`);
  const n = options.n ?? s.length;
  if (!(n >= 1)) throw new SpecError('E_INPUT', `outliers: n must be ≥ 1, got ${n}`);
  const c = options.marginConstant ?? 4;
  const margin = options.margin ?? c * Math.abs(rightEdge) * Math.pow(n, -2 / 3);
  if (!(margin >= 0)) throw new SpecError('E_INPUT', `outliers: margin must be ≥ 0, got ${margin}`);
  const threshold = rightEdge + margin;
  const out: number[] = [];
  for (let i = s.length - 1; i >= 0 && s[i] > threshold; i--) out.push(s[i]);
  return { values: Float64Array.from(out), threshold, margin };
}
