import type { Activation } from '@spec/core';
import { correlation } from '../quadrature/gaussian-expectation.js';
import type { DualWithMean } from './dual-with-mean.js';

const sinDual: DualWithMean = {
  // e^{−s} sinh c = (e^{c−s} − e^{−c−s})/2 with s = (q1 + q2)/2 ≥ |c|: no e^{−s}·sinh c = 0·∞ at large variances.
  value: (q1, q2, c) => (correlation(q1, q2, c, 'sin dual'), expHalfDiff(q1, q2, c, -1)),
  derivative: (q1, q2, c) => (correlation(q1, q2, c, 'sin dual'), expHalfDiff(q1, q2, c, 1)),
  mean: () => 0,
};

const quadraticDual: DualWithMean = {
  value: (q1, q2, c) => (correlation(q1, q2, c, 'quadratic dual'), q1 * q2 + 2 * c * c),
  derivative: (q1, q2, c) => (correlation(q1, q2, c, 'quadratic dual'), 4 * c),
  mean: (q) => q,
};

const linearDual: DualWithMean = {
  value: (q1, q2, c) => (correlation(q1, q2, c, 'linear dual'), c),
  derivative: (q1, q2, c) => (correlation(q1, q2, c, 'linear dual'), 1),
  mean: () => 0,
};

/**
 * sin, with closed-form dual (apps/docs/theory/toolkit.md#gaussian-kernel-maps by the characteristic function):
 * `E sin u sin v = e^{−(q1+q2)/2} sinh c`, `E cos u cos v = e^{−(q1+q2)/2} cosh c`; E sin u = 0.
 */
/** (e^{c−s} + sign·e^{−c−s})/2 with s = (q1 + q2)/2: e^{−s} cosh c (sign 1) or e^{−s} sinh c (sign −1). */
function expHalfDiff(q1: number, q2: number, c: number, sign: 1 | -1): number {
  const s = (q1 + q2) / 2;
  return (Math.exp(c - s) + sign * Math.exp(-c - s)) / 2;
}

export const sin: Activation = {
  name: 'sin',
  description: 'sine, closed-form dual kernel',
  fn: Math.sin,
  deriv: Math.cos,
  deriv2: (x) => -Math.sin(x),
  dual: sinDual,
  source: { fn: 'Math.sin(x)', deriv: 'Math.cos(x)' },
};

/** x², with dual `E u²v² = q1 q2 + 2c²`, `E (2u)(2v) = 4c`, `E u² = q` (Isserlis). */
export const quadratic: Activation = {
  name: 'quadratic',
  description: 'x²',
  fn: (x) => x * x,
  deriv: (x) => 2 * x,
  deriv2: () => 2,
  dual: quadraticDual,
  source: { fn: '(x * x)', deriv: '(2 * x)' },
};

/**
 * The identity, with dual `E uv = c`, `E 1·1 = 1` (apps/docs/theory/toolkit.md#gaussian-kernel-maps; b = a = 1 in
 * apps/docs/theory/fan-wang.md#ck-limit, #ntk-surrogate, #ntk-fixed-point).
 */
export const linear: Activation = {
  name: 'linear',
  description: 'identity x',
  fn: (x) => x,
  deriv: () => 1,
  deriv2: () => 0,
  dual: linearDual,
  source: { fn: 'x', deriv: '1' },
};
