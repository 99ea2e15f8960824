import { describe, expect, it } from 'vitest';
import { type Activation } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import { builtinActivations } from '../src/activations/builtins.js';
import { gaussianConstants } from '../src/gaussian-constants.js';
import { normalizeActivation } from '../src/normalize.js';
import { gaussianExpectation } from '../src/quadrature/gaussian-expectation.js';

const byName = (name: string): Activation => {
  const a = builtinActivations.find((x) => x.name === name);
  if (a === undefined) throw new Error(name);
  return a;
};

// apps/docs/theory/toolkit.md#normalised-activations table: m, s, b, a, b², c_2, c_3, then c_4..c_8 (values printed to
// 6 decimals).
const TABLE: Record<string, number[]> = {
  relu: [0.398942, 0.583819, 0.856429, 1.466942, 0.733471, 0.483188, 0, -0.139484, 0, 0.076399, 0, -0.051046],
  tanh: [0, 0.627929, 0.964609, 1.177807, 0.93047, 0, -0.236392, 0, 0.099609, 0, -0.050078, 0],
  erf: [0, 0.681586, 0.955815, 1.2257, 0.913583, 0, -0.26014, 0, 0.116338, 0, -0.059838, 0],
  sigmoid: [0.5, 0.208276, 0.992052, 1.033592, 0.984167, 0, -0.122305, 0, 0.028218, 0, -0.00829, 0],
  softplus: [0.806059, 0.521071, 0.959563, 1.080528, 0.920761, 0.28039, 0, -0.024443, 0, 0.004605, 0, -0.001172],
  gelu: [0.282095, 0.587915, 0.850463, 1.318845, 0.723288, 0.508929, 0, -0.122429, 0, 0.04694, 0, -0.020162],
  swish: [0.206621, 0.559538, 0.893594, 1.212081, 0.79851, 0.443375, 0, -0.067565, 0, 0.017564, 0, -0.005577],
};

describe('gaussianConstants (apps/docs/theory/toolkit.md#normalised-activations)', () => {
  for (const [name, row] of Object.entries(TABLE)) {
    it(`matches every column of the apps/docs/theory/toolkit.md#normalised-activations table for ${name} to 1e-6`, () => {
      const k = gaussianConstants(byName(name));
      const got = [k.mean, k.sd, k.b, k.a, k.b * k.b, ...Array.from(k.hermite.subarray(2, 9))];
      // The table is rounded to 6 decimals: |error| ≤ 5e-7 from rounding, plus quadrature error ≪ 1e-9.
      got.forEach((v, i) => expect(Math.abs(v - row[i]), `${name} column ${i}`).toBeLessThan(1e-6));
      // Stein: c_1(σ̃) = E σ̃′ = b (two different integrals).
      expect(k.hermite[1]).toBeCloseTo(k.b, 10);
    });
  }

  it('reproduces the relu closed forms to 1e-12 (kink split)', () => {
    const k = gaussianConstants(byName('relu'));
    expect(k.mean).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 12);
    expect(k.sd * k.sd).toBeCloseTo(0.5 - 1 / (2 * Math.PI), 12);
    expect(k.b).toBeCloseTo(1 / Math.sqrt(2 - 2 / Math.PI), 12);
    expect(k.a).toBeCloseTo(1 / (1 - 1 / Math.PI), 12);
    // Raw Hermite: μ_1 = 1/2, μ_2j = (−1)^{j+1}(2j−3)!!/(√(2π)√((2j)!)), odd μ_{≥3} = 0.
    expect(k.rawHermite[1]).toBeCloseTo(0.5, 12);
    let dfact = 1; // (2j−3)!!, with (−1)!! = 1
    let fact = 2; // (2j)!
    for (let j = 1; j <= 8; j++) {
      if (j >= 2) dfact *= 2 * j - 3;
      if (j >= 2) fact *= (2 * j - 1) * (2 * j);
      const mu = ((-1) ** (j + 1) * dfact) / (Math.sqrt(2 * Math.PI) * Math.sqrt(fact));
      expect(k.rawHermite[2 * j], `μ_${2 * j}`).toBeCloseTo(mu, 12);
      if (j >= 2) expect(Math.abs(k.rawHermite[2 * j - 1])).toBeLessThan(1e-12);
    }
  });

  it('reproduces the erf and gelu closed forms to 1e-12', () => {
    const e = gaussianConstants(byName('erf'));
    expect(e.sd * e.sd).toBeCloseTo((2 / Math.PI) * Math.asin(2 / 3), 12);
    expect(e.meanDerivative).toBeCloseTo(2 / Math.sqrt(3 * Math.PI), 12);
    expect(e.meanSquaredDerivative).toBeCloseTo(4 / (Math.PI * Math.sqrt(5)), 12);
    expect(gaussianConstants(byName('gelu')).mean).toBeCloseTo(1 / (2 * Math.sqrt(Math.PI)), 12);
  });

  it('gives Σ c_k² → E σ̃² = 1 (Parseval, apps/docs/theory/toolkit.md#hermite-expansions) and a ≥ b² (Jensen)', () => {
    for (const act of builtinActivations) {
      const k = gaussianConstants(act, { hermiteDegree: 40 });
      let s = 0;
      for (const c of k.hermite) s += c * c;
      // Smooth σ: coefficients decay geometrically, the tail beyond 40 is < 1e-6. Kinked σ (relu: c_k² ~ k^{-5/2}):
      // the tail Σ_{k>40} c_k² ≈ 0.3·40^{-3/2}·(2/3) ≈ 1e-3, so 2e-3 there.
      const tol = act.kinks ? 2e-3 : 1e-6;
      expect(Math.abs(s - 1), act.name).toBeLessThan(tol);
      expect(k.a).toBeGreaterThanOrEqual(k.b * k.b - 1e-12);
    }
  });

  it('exact values for linear, quadratic and sin', () => {
    const lin = gaussianConstants(byName('linear'));
    expect([lin.mean, lin.sd, lin.a, lin.b]).toEqual([0, 1, 1, 1].map((v) => expect.closeTo(v, 12)));
    const quad = gaussianConstants(byName('quadratic'));
    // x² = 1 + √2 h_2: m = 1, s = √2, b = 0, a = E(2ξ)²/2 = 2, c_2 = 1.
    expect(quad.mean).toBeCloseTo(1, 12);
    expect(quad.sd).toBeCloseTo(Math.SQRT2, 12);
    expect(quad.b).toBeCloseTo(0, 12);
    expect(quad.a).toBeCloseTo(2, 12);
    expect(quad.hermite[2]).toBeCloseTo(1, 12);
    const s = gaussianConstants(byName('sin'));
    // E sin² = (1 − e^{−2})/2, E cos = e^{−1/2}, E cos² = (1 + e^{−2})/2.
    expect(s.sd * s.sd).toBeCloseTo((1 - Math.exp(-2)) / 2, 12);
    expect(s.meanDerivative).toBeCloseTo(Math.exp(-0.5), 12);
    expect(s.meanSquaredDerivative).toBeCloseTo((1 + Math.exp(-2)) / 2, 12);
  });

  it('throws E_INPUT for a constant activation and for non-finite values', () => {
    const constant: Activation = { name: 'one', fn: () => 1, deriv: () => 0 };
    expect(() => gaussianConstants(constant)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    const nan: Activation = { name: 'nan', fn: (x) => (x > 3 ? Number.NaN : x), deriv: () => 1 };
    expectSpecError(() => gaussianConstants(nan), 'E_INPUT', /not finite/);
  });
});

describe('normalizeActivation (apps/docs/theory/toolkit.md#normalised-activations)', () => {
  it('has mean 0, variance 1, and b, a unchanged', () => {
    for (const act of builtinActivations) {
      const n = normalizeActivation(act);
      const kinks = act.kinks;
      const mean = gaussianExpectation(n.fn, { kinks });
      const second = gaussianExpectation((x) => n.fn(x) ** 2, { kinks });
      expect(Math.abs(mean), act.name).toBeLessThan(1e-12);
      expect(second, act.name).toBeCloseTo(1, 11);
      const kn = gaussianConstants(n);
      const kr = gaussianConstants(act);
      expect(kn.b).toBeCloseTo(kr.b, 11);
      expect(kn.a).toBeCloseTo(kr.a, 11);
      expect(n.name).toBe(`${act.name}~`);
      expect(normalizeActivation(n)).toBe(n);
    }
  });

  it('keeps the GPU source consistent with fn and deriv', () => {
    for (const act of builtinActivations) {
      const n = normalizeActivation(act);
      const src = n.source;
      expect(src, act.name).toBeDefined();
      const f = new Function('x', `return ${src?.fn};`) as (x: number) => number;
      const d = new Function('x', `return ${src?.deriv};`) as (x: number) => number;
      for (const x of [-3.1, -0.7, 0.2, 1.3, 2.9]) {
        // erf/gelu sources use Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7, scaled by 1/s ≤ 5); others are exact.
        expect(Math.abs(f(x) - n.fn(x)), `${act.name} fn(${x})`).toBeLessThan(1e-6);
        expect(Math.abs(d(x) - n.deriv(x)), `${act.name} deriv(${x})`).toBeLessThan(1e-6);
      }
    }
  });
});
