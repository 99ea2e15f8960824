import { SpecError } from '@spec/core';

/**
 * Effective rank `eff(A) = tr(A)/λ_max(A)` of a PSD matrix from its eigenvalues
 * (apps/docs/theory/power-series.md#effective-rank). Throws `E_INPUT` when the largest eigenvalue is not positive or an
 * eigenvalue is not finite.
 */
export function effectiveRank(eigenvalues: ArrayLike<number>): number {
  if (eigenvalues.length === 0) throw new SpecError('E_INPUT', 'effectiveRank: no eigenvalues given');
  let trace = 0;
  let max = -Infinity;
  for (let i = 0; i < eigenvalues.length; i++) {
    const v = eigenvalues[i];
    if (!Number.isFinite(v)) throw new SpecError('E_INPUT', `effectiveRank: eigenvalue ${i} is not finite (${v})`);
    trace += v;
    if (v > max) max = v;
  }
  if (!(max > 0)) {
    throw new SpecError('E_INPUT', `effectiveRank: the largest eigenvalue must be positive, got ${max}`);
  }
  return trace / max;
}

/** Options of {@link effectiveRankBounds}. */
export interface EffectiveRankBoundsOptions {
  /** NTK (or any dot-product kernel) power-series coefficients κ_0..κ_P, all ≥ 0. */
  coefficients: Float64Array;
  /** eff(G) of the input Gram G = XᵀX of unit-norm data. */
  gramEffectiveRank: number;
  /**
   * The full series value Σ_p κ_p = K(x,x) (e.g. `diagonal.ntk` of {@link powerSeriesCoefficients}).
   * Default: the sum of the given coefficients, which underestimates a truncated series; pass the
   * diagonal so the bounds stay valid.
   */
  total?: number;
}

/**
 * Upper bounds on the effective rank of `K = Σ_p κ_p G^{⊙p}` for unit-norm data
 * (apps/docs/theory/power-series.md#effective-rank): `viaLinear = (Σ_p κ_p/κ_1)·eff(G)` and, when κ_0 > 0,
 * `viaConstant = Σ_p κ_p/κ_0` (an O(1) bound). A bound that does not apply (κ_1 = 0, resp. κ_0 = 0) is `Infinity`.
 */
export function effectiveRankBounds(options: EffectiveRankBoundsOptions): { viaLinear: number; viaConstant: number } {
  const { coefficients, gramEffectiveRank } = options;
  if (coefficients.length === 0) throw new SpecError('E_INPUT', 'effectiveRankBounds: no coefficients given');
  let s = 0;
  for (let p = 0; p < coefficients.length; p++) {
    const v = coefficients[p];
    if (!Number.isFinite(v) || v < 0) {
      throw new SpecError(
        'E_INPUT',
        `effectiveRankBounds: coefficient κ_${p} must be finite and ≥ 0 (apps/docs/theory/power-series.md#effective-rank), got ${v}`,
      );
    }
    s += v;
  }
  const total = options.total ?? s;
  if (!Number.isFinite(total) || total < s * (1 - 1e-12)) {
    throw new SpecError(
      'E_INPUT',
      `effectiveRankBounds: total (${total}) must be finite and at least the coefficient sum (${s})`,
    );
  }
  if (!Number.isFinite(gramEffectiveRank) || gramEffectiveRank < 1) {
    throw new SpecError('E_INPUT', `effectiveRankBounds: gramEffectiveRank must be ≥ 1, got ${gramEffectiveRank}`);
  }
  const k0 = coefficients[0];
  const k1 = coefficients.length > 1 ? coefficients[1] : 0;
  return {
    viaLinear: k1 > 0 ? (total / k1) * gramEffectiveRank : Infinity,
    viaConstant: k0 > 0 ? total / k0 : Infinity,
  };
}
