import type { Activation } from '@spec/core';
import erfFn from '@stdlib/math-base-special-erf';
import { ERF_SOURCE, logistic } from './sigmoidal.js';

const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * softplus log(1 + eˣ), computed without overflow (apps/docs/theory/toolkit.md#normalised-activations row "softplus").
 */
export const softplus: Activation = {
  name: 'softplus',
  description: 'log(1 + exp(x))',
  fn: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  deriv: logistic,
  deriv2: (x) => {
    const s = logistic(x);
    return s * (1 - s);
  },
  source: {
    fn: '(x > 0 ? x + Math.log(1 + Math.exp(-x)) : Math.log(1 + Math.exp(x)))',
    deriv: '(1 / (1 + Math.exp(-x)))',
  },
};

/** Standard normal CDF Φ(x). */
function Phi(x: number): number {
  return 0.5 * (1 + erfFn(x * INV_SQRT2));
}

/** Exact gelu x·Φ(x) (apps/docs/theory/toolkit.md#normalised-activations row "gelu"); not the tanh approximation. */
export const gelu: Activation = {
  name: 'gelu',
  description: 'x·Φ(x) (exact, not the tanh approximation)',
  fn: (x) => x * Phi(x),
  deriv: (x) => Phi(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
  deriv2: (x) => INV_SQRT_2PI * Math.exp(-0.5 * x * x) * (2 - x * x),
  source: {
    fn: `(x * 0.5 * (1 + ${ERF_SOURCE(`x * ${INV_SQRT2}`)}))`,
    deriv: `(0.5 * (1 + ${ERF_SOURCE(`x * ${INV_SQRT2}`)}) + x * ${INV_SQRT_2PI} * Math.exp(-0.5 * x * x))`,
  },
};

/** swish (SiLU) x·sigmoid(x) (apps/docs/theory/toolkit.md#normalised-activations row "swish"). */
export const swish: Activation = {
  name: 'swish',
  description: 'x·sigmoid(x) (SiLU)',
  fn: (x) => x * logistic(x),
  deriv: (x) => {
    const s = logistic(x);
    return s + x * s * (1 - s);
  },
  deriv2: (x) => {
    const s = logistic(x);
    return s * (1 - s) * (2 + x * (1 - 2 * s));
  },
  source: {
    fn: '(x / (1 + Math.exp(-x)))',
    deriv: '(1 / (1 + Math.exp(-x)) + x / (1 + Math.exp(-x)) * (1 - 1 / (1 + Math.exp(-x))))',
  },
};
