import { describe, expect, it } from 'vitest';
import { expectSpecError } from '@spec/testing';
import { createRng, jacobiEigenvalues } from '@spec/core';
import {
  effectiveRank,
  effectiveRankBounds,
  powerSeriesCoefficients,
  reluHermite,
  scaleHermite,
} from '../../src/series/index.js';
import { reluNtk } from './relu-kernels.js';

/** n points uniform on S^{d−1} (normalised Gaussians) and their Gram matrix G = XᵀX. */
function sphereGram(n: number, d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      X[i * d + j] = v;
      s += v * v;
    }
    const r = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) X[i * d + j] *= r;
  }
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += X[i * d + k] * X[j * d + k];
      G[i * n + j] = s;
    }
  return G;
}

describe('effectiveRank', () => {
  it('is n for the identity and 1 for a rank-one matrix', () => {
    expect(effectiveRank(new Float64Array([1, 1, 1, 1]))).toBe(4);
    expect(effectiveRank([0, 0, 5])).toBe(1);
  });
  it('throws E_INPUT without a positive eigenvalue', () => {
    expectSpecError(() => effectiveRank([0, -1]), 'E_INPUT');
  });
});

describe('effectiveRankBounds', () => {
  it('one hidden ReLU layer: the constant bound is 2π (apps/docs/theory/power-series.md#effective-rank)', () => {
    const ps = powerSeriesCoefficients({ hermite: scaleHermite(reluHermite(40), Math.SQRT2), depth: 1, degree: 40 });
    const b = effectiveRankBounds({ coefficients: ps.ntk, gramEffectiveRank: 10, total: 2 });
    expect(Math.abs(b.viaConstant - 2 * Math.PI)).toBeLessThan(1e-12);
    expect(Math.abs(b.viaLinear - 20)).toBeLessThan(1e-12);
    expect(effectiveRankBounds({ coefficients: new Float64Array([0, 0, 1]), gramEffectiveRank: 3 }).viaLinear).toBe(
      Infinity,
    );
  });

  it('eff(K) obeys both bounds on 150 points of S^19, for one and two hidden ReLU layers', () => {
    const n = 150;
    const d = 20;
    const G = sphereGram(n, d, 7);
    const effG = effectiveRank(jacobiEigenvalues({ rows: n, cols: n, data: G }));
    // Sanity: for n/d = 7.5 the Gram spectrum is MP-like, eff(G) well above 1 and at most d.
    expect(effG).toBeGreaterThan(5);
    expect(effG).toBeLessThanOrEqual(d + 1e-9);
    for (const depth of [1, 2]) {
      const K = G.map((g) => reluNtk(g, depth));
      const effK = effectiveRank(jacobiEigenvalues({ rows: n, cols: n, data: K }));
      const ps = powerSeriesCoefficients({ hermite: scaleHermite(reluHermite(200), Math.SQRT2), depth, degree: 60 });
      // total = K(x,x) = depth + 1 (apps/docs/theory/reference-values.md#relu-ntk). The Hermite cut at K = 200 lowers
      // the reported diagonal: each layer's Σ̇(x,x) loses Σ_{k>K} k μ_k² ≈ 0.254/√K (κ_p ≈ 0.254 p^{-3/2}, even p),
      // multiplied by Θ^l ≤ l. (asymptotic estimate: allow 10% for its O(1/K) correction and the smaller NNGP loss).
      const lost = 1.1 * (0.254 / Math.sqrt(200)) * ((depth * (depth + 1)) / 2);
      expect(depth + 1 - ps.diagonal.ntk).toBeGreaterThan(0);
      expect(depth + 1 - ps.diagonal.ntk).toBeLessThan(lost);
      const b = effectiveRankBounds({ coefficients: ps.ntk, gramEffectiveRank: effG, total: depth + 1 });
      expect(effK).toBeLessThanOrEqual(b.viaConstant);
      expect(effK).toBeLessThanOrEqual(b.viaLinear);
      expect(effK).toBeGreaterThan(1);
    }
  });

  it('rejects negative coefficients and a total below the coefficient sum', () => {
    for (const f of [
      () => effectiveRankBounds({ coefficients: new Float64Array([1, -1]), gramEffectiveRank: 2 }),
      () => effectiveRankBounds({ coefficients: new Float64Array([1, 1]), gramEffectiveRank: 2, total: 1 }),
    ]) {
      expectSpecError(f, 'E_INPUT');
    }
  });
});
