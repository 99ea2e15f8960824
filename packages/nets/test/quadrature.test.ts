import { describe, expect, it } from 'vitest';
import { gaussHermite } from '../src/quadrature/gauss-hermite.js';
import { gaussLegendre } from '../src/quadrature/gauss-legendre.js';
import { gaussianExpectation, gaussianExpectation2, gaussianRule } from '../src/quadrature/gaussian-expectation.js';

/** E ξ^k for ξ ~ N(0,1): (k−1)!! for even k, 0 for odd k. */
function gaussMoment(k: number): number {
  if (k % 2 === 1) return 0;
  let m = 1;
  for (let j = k - 1; j > 1; j -= 2) m *= j;
  return m;
}

describe('gaussHermite (Golub–Welsch, probabilists, apps/docs/theory/toolkit.md#gaussian-kernel-maps)', () => {
  it('matches the closed-form rules for n = 2 and n = 3', () => {
    // n = 2: roots of He_2 = x² − 1, weights 1/2. n = 3: roots of He_3 = x³ − 3x: 0, ±√3; weights 2/3, 1/6, 1/6.
    const r2 = gaussHermite(2);
    expect(Array.from(r2.nodes)).toEqual([expect.closeTo(-1, 14), expect.closeTo(1, 14)]);
    expect(Array.from(r2.weights)).toEqual([expect.closeTo(0.5, 14), expect.closeTo(0.5, 14)]);
    const r3 = gaussHermite(3);
    const s3 = Math.sqrt(3);
    expect(Array.from(r3.nodes)).toEqual([expect.closeTo(-s3, 14), expect.closeTo(0, 14), expect.closeTo(s3, 14)]);
    expect(Array.from(r3.weights)).toEqual([
      expect.closeTo(1 / 6, 14),
      expect.closeTo(2 / 3, 14),
      expect.closeTo(1 / 6, 14),
    ]);
  });

  it('integrates monomials of degree ≤ 2n − 1 exactly (n = 10, 40)', () => {
    for (const n of [10, 40]) {
      const { nodes, weights } = gaussHermite(n);
      for (let k = 0; k < 2 * n && k <= 30; k++) {
        let s = 0;
        let abs = 0;
        for (let i = 0; i < n; i++) {
          s += weights[i] * nodes[i] ** k;
          abs += Math.abs(weights[i] * nodes[i] ** k);
        }
        // Rounding scale: 1e-13 relative to Σ|w x^k| (odd k cancel to that level, not to 0).
        expect(Math.abs(s - gaussMoment(k)), `n=${n} k=${k}`).toBeLessThanOrEqual(1e-13 * Math.max(1, abs));
      }
    }
  });

  it('nodes are the zeros of He_n (second algorithm: three-term recurrence), n = 25', () => {
    const n = 25;
    const { nodes } = gaussHermite(n);
    for (const x of nodes) {
      let p0 = 1;
      let p1 = x;
      let scale = 1;
      for (let k = 1; k < n; k++) {
        const p2 = x * p1 - k * p0;
        p0 = p1;
        p1 = p2;
        // Track the size of the terms to judge the residual relative to them.
        scale = Math.max(scale, Math.abs(x * p0), k * Math.abs(p0));
      }
      expect(Math.abs(p1) / scale).toBeLessThan(1e-12);
    }
  });

  it('throws E_INPUT for a bad degree', () => {
    expect(() => gaussHermite(0)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => gaussHermite(2.5)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});

describe('gaussLegendre', () => {
  it('n = 3 closed form: nodes 0, ±√(3/5), weights 8/9, 5/9', () => {
    const { nodes, weights } = gaussLegendre(3);
    const r = Math.sqrt(0.6);
    expect(Array.from(nodes)).toEqual([expect.closeTo(-r, 14), expect.closeTo(0, 14), expect.closeTo(r, 14)]);
    expect(Array.from(weights)).toEqual([
      expect.closeTo(5 / 9, 14),
      expect.closeTo(8 / 9, 14),
      expect.closeTo(5 / 9, 14),
    ]);
  });
});

describe('gaussianExpectation', () => {
  it('kinked rule: E|ξ| = √(2/π), E max(ξ,0)³ = √(2/π), weights sum to 1 (1e-13)', () => {
    const opts = { kinks: [0] };
    const w = gaussianRule(opts).weights;
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 13);
    expect(gaussianExpectation(Math.abs, opts)).toBeCloseTo(Math.sqrt(2 / Math.PI), 13);
    // E relu(ξ)³ = 2/√(2π).
    expect(gaussianExpectation((x) => Math.max(x, 0) ** 3, opts)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI), 13);
    // Step at 0.7: P(ξ > 0.7) = erfc(0.7/√2)/2 = 0.24196365222307303 (Φ table value).
    expect(gaussianExpectation((x) => (x > 0.7 ? 1 : 0), { kinks: [0.7] })).toBeCloseTo(0.24196365222307303, 13);
  });

  it('2-D rule reproduces E u²v² = q1q2 + 2c² and E cos(u − v) = e^{−(q1+q2−2c)/2} (1e-12)', () => {
    const [q1, q2, c] = [1.3, 0.7, 0.5];
    expect(gaussianExpectation2((u, v) => u * u * v * v, q1, q2, c)).toBeCloseTo(q1 * q2 + 2 * c * c, 12);
    expect(gaussianExpectation2((u, v) => Math.cos(u - v), q1, q2, c)).toBeCloseTo(
      Math.exp(-(q1 + q2 - 2 * c) / 2),
      12,
    );
  });

  it('throws E_INPUT for an invalid covariance', () => {
    expect(() => gaussianExpectation2((u, v) => u * v, 1, 1, 1.5)).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => gaussianExpectation2((u, v) => u * v, -1, 1, 0)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
