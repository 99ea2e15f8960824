import { SpecError, type Activation } from '@spec/core';
import { correlation } from '../quadrature/gaussian-expectation.js';
import type { BatchedDual, DualEntries } from './dual-batch.js';
import type { DualWithMean } from './dual-with-mean.js';

/**
 * E relu(u) relu(v), (u, v) ~ N(0, [[q1, c], [c, q2]]) — arc-cosine kernel (Cho–Saul,
 * apps/docs/theory/toolkit.md#gaussian-kernel-maps).
 */
function reluValue(q1: number, q2: number, c: number): number {
  const rho = correlation(q1, q2, c, 'relu dual');
  const s = Math.sqrt(q1 * q2);
  if (s === 0) return 0;
  const theta = Math.acos(rho);
  return (s / (2 * Math.PI)) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta));
}

/** E 1{u>0} 1{v>0} = (π − θ)/(2π) (apps/docs/theory/toolkit.md#gaussian-kernel-maps). */
function stepValue(q1: number, q2: number, c: number): number {
  const rho = correlation(q1, q2, c, 'relu dual');
  if (q1 === 0 || q2 === 0) return 0;
  return (Math.PI - Math.acos(rho)) / (2 * Math.PI);
}

/**
 * {@link reluValue} and {@link stepValue} over a batch in one loop (apps/docs/theory/toolkit.md#gaussian-kernel-maps):
 * one `acos` per entry, `sin θ = √((1 − ρ)(1 + ρ))` and `cos θ = ρ` (equal to rounding). Entries outside the
 * plain case (a zero or non-finite variance, |ρ| beyond 1 + 1e-9, anything non-finite) go through the scalar forms,
 * which handle or reject them exactly as `value` / `derivative` do.
 */
function reluBatch(entries: DualEntries): void {
  const { q1, q2, c, value, derivative, count } = entries;
  const invTwoPi = 1 / (2 * Math.PI);
  for (let i = 0; i < count; i++) {
    const x = q1[i];
    const y = q2[i];
    const s = Math.sqrt(x * y);
    let rho = c[i] / s;
    // Written so that NaN fails it: x, y ≥ 0 (a product of two negatives is positive), s finite and > 0, ρ in range.
    if (x >= 0 && y >= 0 && s > 0 && s < Infinity && rho >= -1 - 1e-9 && rho <= 1 + 1e-9) {
      if (rho > 1) rho = 1;
      else if (rho < -1) rho = -1;
      const rest = Math.PI - Math.acos(rho);
      value[i] = s * invTwoPi * (Math.sqrt((1 - rho) * (1 + rho)) + rest * rho);
      derivative[i] = rest * invTwoPi;
    } else {
      value[i] = reluValue(x, y, c[i]);
      derivative[i] = stepValue(x, y, c[i]);
    }
  }
}

/** Closed-form dual of relu (apps/docs/theory/toolkit.md#gaussian-kernel-maps), with E relu(u) = √(q/(2π)). */
const reluDual: DualWithMean & BatchedDual = {
  value: reluValue,
  derivative: stepValue,
  batch: reluBatch,
  mean: (q) => Math.sqrt(Math.max(q, 0) / (2 * Math.PI)),
};

/**
 * relu(x) = max(x, 0); kink at 0; arc-cosine dual (apps/docs/theory/toolkit.md#normalised-activations,
 * #gaussian-kernel-maps).
 */
export const relu: Activation = {
  name: 'relu',
  description: 'max(x, 0), arc-cosine dual kernel',
  fn: (x) => (x > 0 ? x : 0),
  deriv: (x) => (x > 0 ? 1 : 0),
  kinks: [0],
  dual: reluDual,
  valueAndDeriv: (x, out) => {
    out[0] = x > 0 ? x : 0;
    out[1] = x > 0 ? 1 : 0;
  },
  // The same ternaries as fn/deriv (Math.max would differ at NaN), so CPU workers may compile them.
  source: { fn: '(x > 0 ? x : 0)', deriv: '(x > 0 ? 1 : 0)', exact: true },
};

/**
 * Leaky relu `x` for x > 0, `α x` otherwise (apps/docs/theory/toolkit.md#normalised-activations). Dual from the
 * arc-cosine kernel: with φ = relu(x) − α relu(−x), `E φφ = (1+α²) R(c) − 2α R(−c)` and
 * `E φ′φ′ = (1+α²) P(c) + 2α P(−c)`, R, P the relu and step kernels of
 * apps/docs/theory/toolkit.md#gaussian-kernel-maps.
 *
 * @param alpha negative-side slope, finite (default 0.01)
 */
export function leakyRelu(alpha = 0.01): Activation {
  if (!Number.isFinite(alpha)) throw new SpecError('E_INPUT', `leakyRelu: alpha must be finite, got ${alpha}`);
  const dual: DualWithMean = {
    value: (q1, q2, c) => (1 + alpha * alpha) * reluValue(q1, q2, c) - 2 * alpha * reluValue(q1, q2, -c),
    derivative: (q1, q2, c) => (1 + alpha * alpha) * stepValue(q1, q2, c) + 2 * alpha * stepValue(q1, q2, -c),
    mean: (q) => (1 - alpha) * Math.sqrt(Math.max(q, 0) / (2 * Math.PI)),
  };
  return {
    name: alpha === 0.01 ? 'leaky_relu' : `leaky_relu_${alpha}`,
    description: `x for x > 0, ${alpha}·x otherwise`,
    fn: (x) => (x > 0 ? x : alpha * x),
    deriv: (x) => (x > 0 ? 1 : alpha),
    kinks: [0],
    dual,
    source: { fn: `(x > 0 ? x : ${alpha} * x)`, deriv: `(x > 0 ? 1 : ${alpha})` },
  };
}

/** Leaky relu with slope 0.01 (registry name `leaky_relu`). */
export const leaky_relu: Activation = leakyRelu(0.01);
