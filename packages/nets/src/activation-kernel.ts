import type { Activation } from '@spec/core';
import { correlation, gaussianExpectation2 } from './quadrature/gaussian-expectation.js';

/**
 * The two Gaussian expectations a kernel map needs (apps/docs/theory/toolkit.md#gaussian-kernel-maps,
 * apps/docs/theory/infinite-width.md#mlp-recursions).
 */
export interface ActivationKernelValue {
  /** E φ(u) φ(v). */
  readonly value: number;
  /** E φ′(u) φ′(v). */
  readonly derivative: number;
}

/**
 * `E φ(u)φ(v)` and `E φ′(u)φ′(v)` for `(u, v) ~ N(0, [[q1, c], [c, q2]])`
 * (apps/docs/theory/toolkit.md#gaussian-kernel-maps): the activation's closed-form `dual` when it has one (relu
 * arc-cosine, erf Williams, …), otherwise 2-D Gauss–Hermite with `degree` nodes per axis (default 80; ~1e−12 for smooth
 * φ, only ~1e−3 for kinked φ without a dual).
 *
 * @throws SpecError `E_INPUT` when (q1, q2, c) is not a covariance matrix
 */
export function activationKernel(
  act: Activation,
  q1: number,
  q2: number,
  c: number,
  degree = 80,
): ActivationKernelValue {
  correlation(q1, q2, c, `kernel map of "${act.name}"`);
  if (act.dual !== undefined) return { value: act.dual.value(q1, q2, c), derivative: act.dual.derivative(q1, q2, c) };
  return {
    value: gaussianExpectation2((u, v) => act.fn(u) * act.fn(v), q1, q2, c, degree),
    derivative: gaussianExpectation2((u, v) => act.deriv(u) * act.deriv(v), q1, q2, c, degree),
  };
}
