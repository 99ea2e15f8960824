import { SpecError, type Activation } from '@spec/core';
import { gaussianRule } from './quadrature/gaussian-expectation.js';

/**
 * Gaussian constants of an activation σ under ξ ~ N(0, 1) (apps/docs/theory/toolkit.md#hermite-expansions,
 * #normalised-activations). The normalised activation is σ̃ = (σ − mean)/sd.
 */
export interface GaussianConstants {
  /** m = E σ(ξ). */
  readonly mean: number;
  /** E σ(ξ)². */
  readonly secondMoment: number;
  /** s = sd σ(ξ) = √(E σ² − m²). */
  readonly sd: number;
  /** E σ′(ξ) (raw). */
  readonly meanDerivative: number;
  /** E σ′(ξ)² (raw). */
  readonly meanSquaredDerivative: number;
  /** b_σ = E σ̃′ = E σ′/s (= c_1 of σ̃ by Stein). */
  readonly b: number;
  /** a_σ = E σ̃′² = E σ′²/s² (needed for the NTK, apps/docs/theory/fan-wang.md#network-and-kernels, #ntk-surrogate). */
  readonly a: number;
  /** Hermite coefficients c_k = E[σ̃ h_k] of the normalised σ̃, k = 0..degree (c_0 = 0). */
  readonly hermite: Float64Array;
  /** Hermite coefficients μ_k = E[σ h_k] of the raw σ, k = 0..degree. */
  readonly rawHermite: Float64Array;
}

/** Options of {@link gaussianConstants}. */
export interface GaussianConstantsOptions {
  /** Highest Hermite degree (default 16). */
  readonly hermiteDegree?: number;
}

const cache = new WeakMap<Activation, GaussianConstants>();

/**
 * Computes (and caches per activation object, for the default degree) the Gaussian constants of
 * apps/docs/theory/toolkit.md#normalised-activations by quadrature: Gauss–Hermite with 200 nodes for smooth σ,
 * composite Gauss–Legendre split at `act.kinks` otherwise. Orthonormal Hermite polynomials h_k = He_k/√k! are evaluated
 * by the stable recurrence h_{k+1} = (x h_k − √k h_{k−1})/√(k+1).
 *
 * @throws SpecError `E_INPUT` when σ or σ′ is not finite at a quadrature node, or σ has zero
 *   variance under N(0, 1) (it cannot be normalised).
 */
export function gaussianConstants(act: Activation, options: GaussianConstantsOptions = {}): GaussianConstants {
  const degree = options.hermiteDegree ?? 16;
  if (!Number.isInteger(degree) || degree < 1 || degree > 60) {
    throw new SpecError('E_INPUT', `gaussianConstants: hermiteDegree must be an integer in [1, 60], got ${degree}`);
  }
  const useCache = options.hermiteDegree === undefined;
  if (useCache) {
    const hit = cache.get(act);
    if (hit !== undefined) return hit;
  }
  const { nodes, weights } = gaussianRule({ kinks: act.kinks });
  const raw = new Float64Array(degree + 1);
  let m2 = 0;
  let d1 = 0;
  let d2 = 0;
  for (let i = 0; i < nodes.length; i++) {
    const w = weights[i];
    if (w === 0) continue;
    const x = nodes[i];
    const f = act.fn(x);
    const g = act.deriv(x);
    if (!Number.isFinite(f) || !Number.isFinite(g)) {
      throw new SpecError(
        'E_INPUT',
        `activation "${act.name}": fn or deriv is not finite at x = ${x} (fn = ${f}, deriv = ${g}); its Gaussian constants do not exist`,
      );
    }
    m2 += w * f * f;
    d1 += w * g;
    d2 += w * g * g;
    let hPrev = 0;
    let h = 1;
    for (let k = 0; k <= degree; k++) {
      raw[k] += w * f * h;
      const next = (x * h - Math.sqrt(k) * hPrev) / Math.sqrt(k + 1);
      hPrev = h;
      h = next;
    }
  }
  const mean = raw[0];
  const variance = m2 - mean * mean;
  // Relative threshold 1e-12: a constant σ leaves m2 − m² at rounding level (~1e-16·m2).
  if (!(variance > 1e-12 * Math.max(1, m2))) {
    throw new SpecError(
      'E_INPUT',
      `activation "${act.name}" has zero variance under N(0, 1) (E σ² = ${m2}, (E σ)² = ${mean * mean}); it cannot be normalised`,
    );
  }
  const sd = Math.sqrt(variance);
  const hermite = new Float64Array(degree + 1);
  for (let k = 1; k <= degree; k++) hermite[k] = raw[k] / sd;
  const out: GaussianConstants = {
    mean,
    secondMoment: m2,
    sd,
    meanDerivative: d1,
    meanSquaredDerivative: d2,
    b: d1 / sd,
    a: d2 / variance,
    hermite,
    rawHermite: raw,
  };
  if (useCache) cache.set(act, out);
  return out;
}
