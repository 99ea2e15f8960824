import { describe, expect, it } from 'vitest';
import { activationKernel } from '../src/activation-kernel.js';
import { linear, quadratic, sin } from '../src/activations/elementary.js';
import { leakyRelu, relu } from '../src/activations/relu.js';
import { erf, tanh } from '../src/activations/sigmoidal.js';
import { normalizeActivation } from '../src/normalize.js';
import { gaussianExpectation, gaussianExpectation2 } from '../src/quadrature/gaussian-expectation.js';

const [Q1, Q2, C] = [1.3, 0.7, 0.5];

describe('dual kernels (apps/docs/theory/toolkit.md#gaussian-kernel-maps, apps/docs/theory/reference-values.md#kernel-maps)', () => {
  it('relu closed form matches the reference values (apps/docs/theory/reference-values.md#kernel-maps) to 1e-9', () => {
    expect(relu.dual?.value(Q1, Q2, C)).toBeCloseTo(0.2982015998, 9);
    expect(relu.dual?.derivative(Q1, Q2, C)).toBeCloseTo(0.3378070256, 9);
    // E relu(u)² = q/2 at c = q.
    expect(relu.dual?.value(2, 2, 2)).toBeCloseTo(1, 12);
  });

  it('erf closed form matches apps/docs/theory/reference-values.md#kernel-maps to 1e-9 and 2-D quadrature to 1e-9', () => {
    expect(erf.dual?.value(Q1, Q2, C)).toBeCloseTo(0.2209942285, 9);
    expect(erf.dual?.derivative(Q1, Q2, C)).toBeCloseTo(0.4606419005, 9);
    const { value, derivative } = activationKernel({ ...erf, dual: undefined }, Q1, Q2, C);
    // Smooth integrand: 80-node tensor Gauss–Hermite is accurate to ~1e-12
    // (apps/docs/theory/toolkit.md#gaussian-kernel-maps).
    expect(value).toBeCloseTo(0.2209942285, 9);
    expect(derivative).toBeCloseTo(0.4606419005, 9);
  });

  it('sin, quadratic and linear closed forms agree with 2-D quadrature (1e-10)', () => {
    for (const act of [sin, quadratic, linear]) {
      const q = activationKernel({ ...act, dual: undefined }, Q1, Q2, C);
      expect(act.dual?.value(Q1, Q2, C), act.name).toBeCloseTo(q.value, 10);
      expect(act.dual?.derivative(Q1, Q2, C), act.name).toBeCloseTo(q.derivative, 10);
    }
  });

  it('sin dual stays finite at huge variances: e^{−s} sinh c evaluated as (e^{c−s} − e^{−c−s})/2', () => {
    // q1 = q2 = 1e6, c = q1 − 2: E sin u sin v = e^{−s}sinh c = (e^{−2} − e^{−2·10⁶+2})/2 = e^{−2}/2 in float64.
    expect(sin.dual?.value(1e6, 1e6, 1e6 - 2)).toBeCloseTo(Math.exp(-2) / 2, 15);
    expect(sin.dual?.derivative(1e6, 1e6, 1e6 - 2)).toBeCloseTo(Math.exp(-2) / 2, 15);
    expect(sin.dual?.value(1e6, 1e6, 0)).toBe(0);
  });

  it('leaky relu closed form agrees with a kink-split 1-D integral (conditional Gaussian, 1e-10)', () => {
    const act = leakyRelu(0.2);
    // E φ(u)φ(v) = E_u[ φ(u) E[φ(v) | u] ], with v | u ~ N(c u/q1, q2 − c²/q1) and the inner expectation
    // again by the kink-split rule: two nested 1-D rules, both exact to ~1e-13 for piecewise-linear φ.
    const s1 = Math.sqrt(Q1);
    const condSd = Math.sqrt(Q2 - (C * C) / Q1);
    const nested = (f: (x: number) => number): number =>
      gaussianExpectation(
        (z) => {
          const u = s1 * z;
          const mu = (C * u) / Q1;
          return f(u) * gaussianExpectation((t) => f(mu + condSd * t), { kinks: [-mu / condSd] });
        },
        { kinks: [0] },
      );
    expect(act.dual?.value(Q1, Q2, C)).toBeCloseTo(nested(act.fn), 10);
    expect(act.dual?.derivative(Q1, Q2, C)).toBeCloseTo(nested(act.deriv), 10);
  });

  it('normalised duals: value equals E σ̃σ̃ by 2-D quadrature (tanh, no dual) and by the mean correction (relu)', () => {
    const nr = normalizeActivation(relu);
    // Kinked: compare with the same nested kink-split integral as above (exact to ~1e-12).
    const s1 = Math.sqrt(Q1);
    const condSd = Math.sqrt(Q2 - (C * C) / Q1);
    const nested = gaussianExpectation(
      (z) => {
        const u = s1 * z;
        const mu = (C * u) / Q1;
        return nr.fn(u) * gaussianExpectation((t) => nr.fn(mu + condSd * t), { kinks: [-mu / condSd] });
      },
      { kinks: [0] },
    );
    expect(nr.dual?.value(Q1, Q2, C)).toBeCloseTo(nested, 10);
    const ne = normalizeActivation(erf);
    expect(ne.dual?.value(Q1, Q2, C)).toBeCloseTo(
      gaussianExpectation2((u, v) => ne.fn(u) * ne.fn(v), Q1, Q2, C),
      10,
    );
    const nt = normalizeActivation(tanh);
    expect(nt.dual).toBeUndefined();
    // At q = c = 1 the normalised activation has E σ̃² = 1. tanh has poles at ±iπ/2, so Gauss–Hermite converges
    // like exp(−c√n): ~4e-10 at 80 nodes, below 1e-11 at 160 (the normalisation itself used 200 nodes).
    expect(activationKernel(nt, 1, 1, 1).value).toBeCloseTo(1, 11);
    expect(nr.dual?.value(1, 1, 1)).toBeCloseTo(1, 12);
  });

  it('rejects a non-covariance with E_INPUT', () => {
    expect(() => activationKernel(tanh, 1, 1, 2)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
