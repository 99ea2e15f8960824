import type { Activation } from '@spec/core';
import erfFn from '@stdlib/math-base-special-erf';
import { correlation } from '../quadrature/gaussian-expectation.js';
import type { DualWithMean } from './dual-with-mean.js';

/**
 * erf as a `Math.*` expression for GPU kernels (Abramowitz–Stegun 7.1.26, |error| < 1.5e−7, i.e.
 * float32 rounding). CPU evaluation uses @stdlib's double-precision erf.
 */
export const ERF_SOURCE = (arg: string): string =>
  `(Math.sign(${arg}) * (1 - (((((1.061405429 * (1 / (1 + 0.3275911 * Math.abs(${arg})))` +
  ` - 1.453152027) * (1 / (1 + 0.3275911 * Math.abs(${arg}))) + 1.421413741) * (1 / (1 + 0.3275911 * Math.abs(${arg})))` +
  ` - 0.284496736) * (1 / (1 + 0.3275911 * Math.abs(${arg}))) + 0.254829592) * (1 / (1 + 0.3275911 * Math.abs(${arg})))` +
  ` * Math.exp(-(${arg}) * (${arg})))))`;

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** tanh (apps/docs/theory/toolkit.md#normalised-activations table row "tanh"). */
export const tanh: Activation = {
  name: 'tanh',
  description: 'hyperbolic tangent',
  fn: Math.tanh,
  deriv: (x) => {
    const t = Math.tanh(x);
    return 1 - t * t;
  },
  deriv2: (x) => {
    const t = Math.tanh(x);
    return -2 * t * (1 - t * t);
  },
  valueAndDeriv: (x, out) => {
    const t = Math.tanh(x);
    out[0] = t;
    out[1] = 1 - t * t;
  },
  source: {
    fn: 'Math.tanh(x)',
    deriv: '(1 - Math.tanh(x) * Math.tanh(x))',
    exact: true,
    fused: { common: 'Math.tanh(x)', fn: 'u', deriv: '(1 - u * u)' },
  },
};

/**
 * Williams' closed forms (apps/docs/theory/toolkit.md#gaussian-kernel-maps):
 * `E erf(u)erf(v) = (2/π) arcsin(2c/√((1+2q1)(1+2q2)))`, `E erf′(u)erf′(v) = (4/π)/√((1+2q1)(1+2q2) − 4c²)`; erf is
 * odd, so `E erf(u) = 0`.
 */
const erfDual: DualWithMean = {
  value: (q1, q2, c) => {
    correlation(q1, q2, c, 'erf dual');
    const r = (2 * c) / Math.sqrt((1 + 2 * q1) * (1 + 2 * q2));
    return (2 / Math.PI) * Math.asin(Math.max(-1, Math.min(1, r)));
  },
  derivative: (q1, q2, c) => {
    correlation(q1, q2, c, 'erf dual');
    return 4 / Math.PI / Math.sqrt((1 + 2 * q1) * (1 + 2 * q2) - 4 * c * c);
  },
  mean: () => 0,
};

/**
 * The error function (apps/docs/theory/toolkit.md#normalised-activations row "erf"), with Williams' dual kernel
 * (apps/docs/theory/toolkit.md#gaussian-kernel-maps).
 */
export const erf: Activation = {
  name: 'erf',
  description: 'error function, Williams dual kernel',
  fn: erfFn,
  deriv: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
  deriv2: (x) => -2 * x * TWO_OVER_SQRT_PI * Math.exp(-x * x),
  dual: erfDual,
  source: { fn: ERF_SOURCE('x'), deriv: `(${TWO_OVER_SQRT_PI} * Math.exp(-x * x))` },
};

/** Logistic sigmoid 1/(1 + e^{−x}), computed without overflow. */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** sigmoid 1/(1 + e^{−x}) (apps/docs/theory/toolkit.md#normalised-activations row "sigmoid"). */
export const sigmoid: Activation = {
  name: 'sigmoid',
  description: 'logistic 1/(1 + exp(−x))',
  fn: logistic,
  deriv: (x) => {
    const s = logistic(x);
    return s * (1 - s);
  },
  deriv2: (x) => {
    const s = logistic(x);
    return s * (1 - s) * (1 - 2 * s);
  },
  source: { fn: '(1 / (1 + Math.exp(-x)))', deriv: '(1 / (1 + Math.exp(-x)) * (1 - 1 / (1 + Math.exp(-x))))' },
};
