import type { Activation, DualActivation } from '@spec/core';
import { hasDualMean, type DualWithMean } from './activations/dual-with-mean.js';
import { gaussianConstants } from './gaussian-constants.js';

/**
 * An activation centred and scaled under N(0, 1): σ̃ = (σ − shift)/scale
 * (apps/docs/theory/toolkit.md#normalised-activations).
 */
export interface NormalizedActivation extends Activation {
  /** The raw activation σ. */
  readonly raw: Activation;
  /** m = E σ(ξ). */
  readonly shift: number;
  /** s = sd σ(ξ). */
  readonly scale: number;
}

/** True when `act` came from {@link normalizeActivation}. */
export function isNormalized(act: Activation): act is NormalizedActivation {
  const r = act as Partial<NormalizedActivation>;
  return r.raw !== undefined && typeof r.shift === 'number' && typeof r.scale === 'number';
}

/** A number as a JS literal that round-trips exactly. */
function literal(x: number): string {
  return x < 0 ? `(${String(x)})` : String(x);
}

/**
 * The normalised activation σ̃ = (σ − m)/s with m = E σ(ξ), s = sd σ(ξ), ξ ~ N(0, 1), so that E σ̃ = 0 and E σ̃² = 1
 * (apps/docs/theory/toolkit.md#normalised-activations, apps/docs/theory/fan-wang.md#assumptions) — what
 * `--activation NAME` means in the CLI.
 *
 * - name: `${σ.name}~` (the tilde marks "normalised"; the registry keeps only raw activations).
 * - fn, deriv, deriv2, kinks, `valueAndDeriv` and the `source` expressions (with their `exact` flag and fused form)
 *   are those of σ, shifted and scaled in the same rounding order (so an exact source stays exact).
 * - dual (apps/docs/theory/toolkit.md#gaussian-kernel-maps): `E σ̃′σ̃′ = E σ′σ′/s²` always;
 *   `E σ̃(u)σ̃(v) = (E σσ − m(μ(q1) + μ(q2)) + m²)/s²` with μ(q) = E σ(u), u ~ N(0, q), when the raw dual provides
 *   `mean(q)` ({@link DualWithMean}); when it does not and m = 0 (odd σ) it is `E σσ/s²`; otherwise the dual is dropped
 *   and kernel maps fall back to the tabulated dual (`tabulatedDual`).
 *
 * Idempotent: a normalised activation is returned as is.
 */
export function normalizeActivation(act: Activation): NormalizedActivation {
  if (isNormalized(act)) return act;
  const { mean: m, sd: s } = gaussianConstants(act);
  const inv = 1 / s;
  const rawDual = act.dual;
  let dual: DualActivation | undefined;
  if (rawDual !== undefined) {
    const derivative = (q1: number, q2: number, c: number): number => rawDual.derivative(q1, q2, c) * inv * inv;
    if (hasDualMean(rawDual)) {
      const d: DualWithMean = {
        value: (q1, q2, c) =>
          (rawDual.value(q1, q2, c) - m * (rawDual.mean(q1) + rawDual.mean(q2)) + m * m) * inv * inv,
        derivative,
        mean: (q) => (rawDual.mean(q) - m) * inv,
      };
      dual = d;
    } else if (Math.abs(m) <= 1e-14 * s) {
      dual = { value: (q1, q2, c) => rawDual.value(q1, q2, c) * inv * inv, derivative };
    }
  }
  const deriv2 = act.deriv2;
  const both = act.valueAndDeriv;
  const src = act.source;
  const shifted = (e: string): string => `((${e}) - ${literal(m)}) * ${literal(inv)}`;
  const scaled = (e: string): string => `(${e}) * ${literal(inv)}`;
  return {
    name: `${act.name}~`,
    description: `${act.name} normalised to mean 0, variance 1 under N(0,1)`,
    fn: (x) => (act.fn(x) - m) * inv,
    deriv: (x) => act.deriv(x) * inv,
    ...(deriv2 !== undefined ? { deriv2: (x: number) => deriv2(x) * inv } : {}),
    ...(act.kinks !== undefined ? { kinks: act.kinks } : {}),
    ...(dual !== undefined ? { dual } : {}),
    ...(both !== undefined
      ? {
          valueAndDeriv: (x: number, out: Float64Array) => {
            both.call(act, x, out);
            out[0] = (out[0] - m) * inv;
            out[1] = out[1] * inv;
          },
        }
      : {}),
    ...(src !== undefined
      ? {
          source: {
            fn: shifted(src.fn),
            deriv: scaled(src.deriv),
            ...(src.exact === true ? { exact: true } : {}),
            ...(src.fused !== undefined
              ? { fused: { common: src.fused.common, fn: shifted(src.fused.fn), deriv: scaled(src.fused.deriv) } }
              : {}),
          },
        }
      : {}),
    raw: act,
    shift: m,
    scale: s,
  };
}
