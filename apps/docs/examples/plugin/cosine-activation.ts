import type { Activation } from '@spec/core';

/**
 * φ(x) = cos x, with its closed-form dual kernel (apps/docs/theory/toolkit.md#gaussian-kernel-maps): for (u, v) ~ N(0,
 * [[q1, c], [c, q2]]), cos u cos v = ½[cos(u − v) + cos(u + v)] and E cos Z = exp(−Var Z / 2) give
 *   E φ(u) φ(v)   = exp(−(q1 + q2)/2) · cosh c,
 *   E φ′(u) φ′(v) = E sin u sin v = exp(−(q1 + q2)/2) · sinh c.
 * `source` lets GPU backends compile φ and φ′ into kernels.
 */
export const cosine: Activation = {
  name: 'cos',
  description: 'cos(x), with closed-form dual kernel',
  fn: (x) => Math.cos(x),
  deriv: (x) => -Math.sin(x),
  deriv2: (x) => -Math.cos(x),
  dual: {
    value: (q1, q2, c) => Math.exp(-(q1 + q2) / 2) * Math.cosh(c),
    derivative: (q1, q2, c) => Math.exp(-(q1 + q2) / 2) * Math.sinh(c),
  },
  source: { fn: 'Math.cos(x)', deriv: '-Math.sin(x)' },
};
