import type { DualActivation } from '@spec/core';

/**
 * A closed-form dual kernel (apps/docs/theory/toolkit.md#gaussian-kernel-maps) that also knows the Gaussian mean
 * `E φ(u)`, u ~ N(0, q). {@link normalizeActivation} needs it to derive the exact dual of the centred activation
 * `(φ − m)/s` when m ≠ 0. Optional: any plugin's `dual` may add `mean(q)` the same way.
 */
export interface DualWithMean extends DualActivation {
  /** E φ(u) for u ~ N(0, q). */
  mean(q: number): number;
}

/** True when `dual` carries a Gaussian mean {@link DualWithMean.mean}. */
export function hasDualMean(dual: DualActivation | undefined): dual is DualWithMean {
  return dual !== undefined && typeof (dual as Partial<DualWithMean>).mean === 'function';
}
