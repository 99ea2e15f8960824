import { describe, expect, it } from 'vitest';
import type { Activation } from '@spec/core';
import { activationKernel, activationKernelMatrix, activationKernelDiagonal } from '../src/activation-kernel.js';
import { leakyRelu, relu } from '../src/activations/relu.js';
import { erf, sigmoid, tanh } from '../src/activations/sigmoidal.js';
import { gelu, softplus } from '../src/activations/smooth-relu.js';
import { tabulatedDual, TABULATED_DUAL_TOLERANCE } from '../src/activations/tabulated-dual.js';
import { normalizeActivation } from '../src/normalize.js';
import { gaussianExpectation2 } from '../src/quadrature/gaussian-expectation.js';
import { hermiteProjection } from '../src/quadrature/hermite-projection.js';
import { nestedGaussianExpectation2 } from '../src/quadrature/nested-expectation.js';

/** The activation with its closed-form dual removed (a fresh object, so nothing cached for the original is reused). */
function withoutDual(act: Activation): Activation {
  return { ...act, name: `${act.name} (no dual)`, dual: undefined };
}

/** √(E φ(u)² E φ(v)²): the scale the tabulated dual's accuracy refers to. */
function scale(act: Activation, q1: number, q2: number, which: 'value' | 'derivative'): number {
  const d = activationKernelDiagonal(act, Float64Array.of(q1, q2));
  return Math.sqrt(d[which][0] * d[which][1]);
}

const COVARIANCES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 1, 0.5],
  [1.3, 0.7, 0.5],
  [1, 1, 0.999],
  [0.5, 2, -0.9],
  [1, 1, -1],
  [2.5, 2.5, 2.4],
  [0.2, 1.1, 0.1],
];

describe('hermiteProjection (apps/docs/theory/toolkit.md#hermite-expansions)', () => {
  it('is exact for a cubic: (√q ξ)³ = q^{3/2}(√6 h_3 + 3 h_1), Parseval remainder at rounding', () => {
    for (const q of [0.3, 1, 4]) {
      const p = hermiteProjection((x) => x ** 3, q)!;
      const s3 = q ** 1.5;
      expect(p.degree).toBe(3);
      expect(p.coefficients[1]).toBeCloseTo(3 * s3, 12);
      expect(p.coefficients[3]).toBeCloseTo(Math.sqrt(6) * s3, 12);
      expect(Math.abs(p.coefficients[0]) + Math.abs(p.coefficients[2])).toBeLessThan(1e-12);
      // E (√q ξ)⁶ = 15 q³ (Gauss–Hermite is exact for this polynomial, up to rounding).
      expect(p.secondMoment).toBeCloseTo(15 * q ** 3, 10);
    }
  });

  it('gives up (null) for a kink: relu coefficients decay like k^{−5/4}, far from a 1e−11 remainder by degree 1000', () => {
    expect(hermiteProjection(relu.fn, 1)).toBeNull();
  });

  it('q = 0: the constant f(0)', () => {
    const p = hermiteProjection((x) => 2 + Math.tanh(x), 0)!;
    expect(Array.from(p.coefficients)).toEqual([2]);
  });
});

describe('tabulated dual (apps/docs/theory/toolkit.md#gaussian-kernel-maps)', () => {
  it('smooth φ without a dual (tanh, gelu, softplus, sigmoid, normalised tanh) matches 300-node 2-D Gauss–Hermite to 1e-10 relative', () => {
    // The reference: tensor Gauss–Hermite with 300 nodes per axis. For these φ at variances ≤ 2.5 it is accurate to
    // ~1e-12 (tanh, the slowest: poles at ±iπ/(2√q), error ≈ exp(−π√(2·300)/(2√q)) ≈ 1e-11 at q = 2.5, 1e-15 at q = 1).
    for (const act of [tanh, gelu, softplus, sigmoid, normalizeActivation(tanh)]) {
      for (const [q1, q2, c] of COVARIANCES) {
        const k = activationKernel(act, q1, q2, c);
        const v = gaussianExpectation2((u, w) => act.fn(u) * act.fn(w), q1, q2, c, 300);
        const d = gaussianExpectation2((u, w) => act.deriv(u) * act.deriv(w), q1, q2, c, 300);
        expect(Math.abs(k.value - v) / scale(act, q1, q2, 'value'), `${act.name} ${q1} ${q2} ${c}`).toBeLessThan(1e-10);
        expect(Math.abs(k.derivative - d) / scale(act, q1, q2, 'derivative'), `${act.name}′`).toBeLessThan(1e-10);
      }
    }
  });

  it('tanh at larger variances (q = 4, 8: Hermite; 14: angle table) against nested graded composite rules, 1e-9 relative', () => {
    // At q = 4 tensor Gauss–Hermite itself is only ~1e-9; nested composite rules graded towards the origin (where
    // tanh(2ξ) turns) resolve it to ~1e-13. At q = 4, 8 the dual goes through Hermite coefficients (degree < 1000), an
    // independent route; at q = 14 through an angle table, so there this checks its interpolation in θ.
    for (const [q1, q2, c] of [
      [4, 4, 3.99],
      [4, 3, -1],
      [8, 8, 7.5],
      [14, 14, 5],
    ] as const) {
      const k = activationKernel(tanh, q1, q2, c);
      const [v, d] = nestedGaussianExpectation2(tanh.fn, tanh.deriv, { q1, q2, c }, { kinks: [0] });
      expect(Math.abs(k.value - v) / scale(tanh, q1, q2, 'value')).toBeLessThan(1e-9);
      expect(Math.abs(k.derivative - d) / scale(tanh, q1, q2, 'derivative')).toBeLessThan(1e-9);
    }
  });

  it('erf with its dual removed (Hermite route) equals Williams’ closed form to 1e-10 relative', () => {
    const bare = withoutDual(erf);
    for (const [q1, q2, c] of COVARIANCES) {
      const k = activationKernel(bare, q1, q2, c);
      expect(Math.abs(k.value - erf.dual!.value(q1, q2, c)) / scale(erf, q1, q2, 'value')).toBeLessThan(1e-10);
      expect(Math.abs(k.derivative - erf.dual!.derivative(q1, q2, c)) / scale(erf, q1, q2, 'derivative')).toBeLessThan(
        1e-10,
      );
    }
  });

  it('relu and leaky relu with their duals removed (kinked: angle tables) equal the arc-cosine closed forms to 1e-10 relative', () => {
    for (const act of [relu, leakyRelu(0.2)]) {
      const bare = withoutDual(act);
      expect(tabulatedDual(bare).needsTable(1, 1)).toBe(true);
      for (const [q1, q2, c] of COVARIANCES.slice(0, 5)) {
        const k = activationKernel(bare, q1, q2, c);
        expect(Math.abs(k.value - act.dual!.value(q1, q2, c)) / scale(act, q1, q2, 'value'), act.name).toBeLessThan(
          1e-10,
        );
        expect(
          Math.abs(k.derivative - act.dual!.derivative(q1, q2, c)) / scale(act, q1, q2, 'derivative'),
        ).toBeLessThan(1e-10);
      }
    }
  });

  it('a zero variance: E φ(0)φ(v) = φ(0) E φ(v) (relu-like with a shift, no dual)', () => {
    const shifted: Activation = {
      name: 'shifted relu',
      fn: (x) => (x > -0.5 ? x + 0.5 : 0),
      deriv: (x) => (x > -0.5 ? 1 : 0),
      kinks: [-0.5],
    };
    // E relu(v + 0.5) for v ~ N(0, 2): μΦ(μ/σ) + σφ(μ/σ) with μ = 0.5, σ = √2.
    const mu = 0.5;
    const sd = Math.SQRT2;
    const z = mu / sd;
    const pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const cdf = 0.5 * (1 + erf.fn(z / Math.SQRT2));
    const k = activationKernel(shifted, 0, 2, 0);
    expect(k.value).toBeCloseTo(0.5 * (mu * cdf + sd * pdf), 12);
    expect(k.derivative).toBeCloseTo(cdf, 12);
  });

  it('TABULATED_DUAL_TOLERANCE is what the docs promise (1e-11)', () => {
    expect(TABULATED_DUAL_TOLERANCE).toBe(1e-11);
  });
});

describe('activationKernelMatrix (apps/docs/theory/toolkit.md#gaussian-kernel-maps)', () => {
  /** A random covariance of points with unequal norms: the Gram of a few Gaussian columns. */
  function gram(n: number, d: number, seed: number): { q: Float64Array; C: Float64Array } {
    let s = seed;
    const rand = (): number => {
      // Park–Miller: deterministic data, nothing to do with the code under test.
      s = (s * 16807) % 2147483647;
      return s / 2147483647 - 0.5;
    };
    const X = Float64Array.from({ length: n * d }, rand);
    const C = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        let t = 0;
        for (let i = 0; i < d; i++) t += X[a * d + i] * X[b * d + i];
        C[a * n + b] = t;
      }
    return { q: Float64Array.from({ length: n }, (_, i) => C[i * n + i]), C };
  }

  it('equals activationKernel pair by pair: to rounding with smooth, within the 1e-11 cut without (tanh, relu, relu without dual)', () => {
    // Four points for the angle tables (one per pair of distinct variances: 10), nine otherwise.
    for (const [act, n] of [
      [tanh, 9],
      [relu, 9],
      [withoutDual(relu), 4],
    ] as const) {
      const { q, C } = gram(n, 3, 7);
      for (const smooth of [true, false]) {
        const m = activationKernelMatrix(act, { rowVariances: q, covariance: C }, { smooth, tile: 4 });
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const k = activationKernel(act, q[i], q[j], C[i * n + j]);
            const sv = scale(act, q[i], q[j], 'value');
            const sd = scale(act, q[i], q[j], 'derivative');
            // smooth: the same sum in another order of the factors (ρ as c·q_i^{−1/2}·q_j^{−1/2}): rounding, 1e-13.
            const tol = smooth ? 1e-13 : 2 * TABULATED_DUAL_TOLERANCE;
            expect(Math.abs(m.value[i * n + j] - k.value) / sv, `${act.name} ${i} ${j}`).toBeLessThan(tol);
            expect(Math.abs(m.derivative[i * n + j] - k.derivative) / sd).toBeLessThan(tol);
            expect(m.value[i * n + j]).toBe(m.value[j * n + i]);
          }
        }
      }
    }
  });

  it('rectangular: rows × columns equals the corresponding block of the symmetric matrix', () => {
    const { q, C } = gram(8, 3, 11);
    const n = q.length;
    const full = activationKernelMatrix(gelu, { rowVariances: q, covariance: C });
    const rows = q.slice(0, 3);
    const cols = q.slice(3);
    const block = Float64Array.from({ length: 3 * 5 }, (_, t) => C[Math.floor(t / 5) * n + 3 + (t % 5)]);
    const part = activationKernelMatrix(gelu, { rowVariances: rows, colVariances: cols, covariance: block });
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 5; j++) {
        expect(part.value[i * 5 + j]).toBeCloseTo(full.value[i * n + 3 + j], 14);
        expect(part.derivative[i * 5 + j]).toBeCloseTo(full.derivative[i * n + 3 + j], 14);
      }
  });

  it('rejects a covariance of the wrong size (E_SHAPE) and a non-covariance (E_INPUT)', () => {
    expect(() =>
      activationKernelMatrix(tanh, { rowVariances: Float64Array.of(1, 1), covariance: new Float64Array(3) }),
    ).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() =>
      activationKernelMatrix(tanh, { rowVariances: Float64Array.of(1, 1), covariance: Float64Array.of(1, 2, 2, 1) }),
    ).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
