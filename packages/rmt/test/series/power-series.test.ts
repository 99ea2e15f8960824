import { describe, expect, it } from 'vitest';
import { expectSpecError } from '@spec/testing';
import {
  evaluateSeries,
  hiddenLayersFromPaperDepth,
  powerSeriesCoefficients,
  reluHermite,
  scaleHermite,
} from '../../src/series/index.js';
import { reluNtk, reluNtkCoefficientsClosedForm } from './relu-kernels.js';

const sqrt2Relu = (K: number) => scaleHermite(reluHermite(K), Math.SQRT2);

/** Hermite coefficients of the normalised exponential φ(x) = e^{s x − s²}: μ_k = e^{−s²/2} s^k/√(k!), Σ μ_k² = 1. */
function expHermite(s: number, K: number): Float64Array {
  const mu = new Float64Array(K + 1);
  mu[0] = Math.exp((-s * s) / 2);
  for (let k = 1; k <= K; k++) mu[k] = (mu[k - 1] * s) / Math.sqrt(k);
  return mu;
}

/**
 * Closed-form NTK of the normalised exponential (Mehler: Σ μ_k² c^k = e^{s²(c−1)}),
 * apps/docs/theory/infinite-width.md#mlp-recursions recursion.
 */
function expNtk(rho: number, hidden: number, s2: number, w2: number, b2: number): { nngp: number; ntk: number } {
  let sigma = w2 * rho + b2;
  let theta = sigma;
  for (let l = 0; l < hidden; l++) {
    const e = Math.exp(s2 * (sigma - 1));
    sigma = w2 * e + b2;
    theta = sigma + theta * w2 * s2 * e;
  }
  return { nngp: sigma, ntk: theta };
}

describe('reluHermite', () => {
  it('matches the normalised relu coefficients c_2, c_4, c_6, c_8 of apps/docs/theory/toolkit.md#normalised-activations after dividing by s', () => {
    const mu = reluHermite(8);
    const s = Math.sqrt(0.5 - 1 / (2 * Math.PI));
    // The table gives 6 decimals: 5e-7 is its rounding.
    expect(mu[2] / s).toBeCloseTo(0.483188, 6);
    expect(Math.abs(mu[4] / s - -0.139484)).toBeLessThan(5e-7);
    expect(Math.abs(mu[6] / s - 0.076399)).toBeLessThan(5e-7);
    expect(Math.abs(mu[8] / s - -0.051046)).toBeLessThan(5e-7);
    expect(mu[0]).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
    expect(mu[1]).toBe(0.5);
    expect(mu[3]).toBe(0);
    expect(mu[5]).toBe(0);
  });

  it('sums μ_k² towards E relu² = 1/2 with the k^{-3/2} tail the closed form predicts', () => {
    const mu = reluHermite(4000);
    let s = 0;
    for (const v of mu) s += v * v;
    // μ_{2j}² ≈ 1/(2π^{3/2} (2j)^{5/2}) · 2^{5/2}/... ; tail Σ_{k>K} μ_k² ≈ (1/(3π^{3/2}))·(2/K)^{3/2}·... ≤ 2e-6 at K = 4000.
    expect(0.5 - s).toBeGreaterThan(0);
    expect(0.5 - s).toBeLessThan(2e-6);
  });

  it('rejects a negative degree with E_INPUT', () => {
    expect(() => reluHermite(-1)).toThrowError(/maxDegree/);
    expectSpecError(() => reluHermite(1.5), 'E_INPUT');
  });
});

describe('powerSeriesCoefficients', () => {
  it('one-hidden-layer ReLU NTK coefficients match apps/docs/theory/reference-values.md#power-series to 1e-9', () => {
    const s = powerSeriesCoefficients({ hermite: sqrt2Relu(60), depth: 1, degree: 60 });
    const k = s.ntk;
    const ref = [1 / Math.PI, 1, 3 / (2 * Math.PI), 0, 5 / (24 * Math.PI)];
    for (let p = 0; p < ref.length; p++) expect(Math.abs(k[p] - ref[p])).toBeLessThan(1e-9);
    // And every coefficient against the apps/docs/theory/power-series.md#power-series closed form κ_{2j+2} =
    // C_j(2j+3)/(π(2j+1)(2j+2)) (rounding only).
    const closed = reluNtkCoefficientsClosedForm(60);
    for (let p = 0; p <= 60; p++) expect(Math.abs(k[p] - closed[p])).toBeLessThan(1e-14);
  });

  it('the ReLU series at ρ = 0.5 sums to 0.9423311144 within its tail bound', () => {
    const s = powerSeriesCoefficients({ hermite: sqrt2Relu(60), depth: 1, degree: 60 });
    // Coefficients are ≥ 0, so the dropped part at ρ = 0.5 is ≤ tailMass · 0.5^61 (≈ 1e-19).
    const bound = s.tailMass.ntk * 0.5 ** 61 + 1e-14;
    expect(Math.abs(evaluateSeries(s.ntk, 0.5) - 0.9423311144)).toBeLessThan(1e-9 + bound);
    expect(Math.abs(evaluateSeries(s.ntk, 0.5) - reluNtk(0.5, 1))).toBeLessThan(bound);
    expect(Math.abs(evaluateSeries(s.nngp, 0.5) - 0.608997781)).toBeLessThan(1e-9);
  });

  it('the tail mass equals the closed-form coefficients beyond P (K = 400, P = 30)', () => {
    const K = 400;
    const s = powerSeriesCoefficients({ hermite: sqrt2Relu(K), depth: 1, degree: 30 });
    const closed = reluNtkCoefficientsClosedForm(K);
    let tail = 0;
    for (let p = 31; p <= K; p++) tail += closed[p];
    // Both are sums of ~200 positive terms of size ≤ 1: rounding ≤ 1e-13.
    expect(Math.abs(s.tailMass.ntk - tail)).toBeLessThan(1e-13);
    // κ_p ≈ 0.254 p^{-3/2} on even p, so Σ_{30<p≤400} ≈ 0.254(1/√30 − 1/√400) ≈ 0.034: the truncation is visible.
    expect(s.tailMass.ntk).toBeGreaterThan(0.02);
  });

  it('two hidden ReLU layers: coefficients of apps/docs/theory/power-series.md#power-series to 1e-6 and the apps/docs/theory/reference-values.md#relu-ntk value at ρ = 0.5', () => {
    const s = powerSeriesCoefficients({ hermite: sqrt2Relu(200), depth: 2, degree: 80 });
    const ref = [0.685709, 0.958113, 0.615557, 0.183993, 0.114646, 0.048682];
    // Reference values have 6 decimals (rounding 5e-7); Hermite truncation at K = 200 enters through
    // powers (1/π)^k of the constant term, negligible.
    for (let p = 0; p < ref.length; p++) expect(Math.abs(s.ntk[p] - ref[p])).toBeLessThan(5e-7);
    expect(Math.abs(s.ntk[0] - reluNtk(0, 2))).toBeLessThan(1e-12);
    // Series at ρ = 0.5: dropped part ≤ tailMass·0.5^81.
    expect(Math.abs(evaluateSeries(s.ntk, 0.5) - 1.3514795611)).toBeLessThan(1e-9);
    expect(Math.abs(evaluateSeries(s.nngp, 0.5) - 0.6839056509)).toBeLessThan(1e-9);
  });

  it('a smooth activation with biases: series equals the closed-form recursion at ρ = −0.7, 0.3, 0.9', () => {
    // σ_w² = σ_b² = 1/2 and Σ μ_k² = 1 keep the diagonal at 1 (apps/docs/theory/power-series.md#power-series).
    const s2 = 0.8;
    const hermite = expHermite(Math.sqrt(s2), 40);
    for (const depth of [1, 3]) {
      const ps = powerSeriesCoefficients({ hermite, depth, sigmaW2: 0.5, sigmaB2: 0.5, degree: 40 });
      const diag = expNtk(1, depth, s2, 0.5, 0.5);
      // Hermite truncation at K = 40 changes e^{s²(c−1)} by ≤ s^{80}/40! ≈ 1e-56: the diagonal is exact.
      expect(Math.abs(ps.diagonal.nngp - 1)).toBeLessThan(1e-14);
      expect(Math.abs(ps.diagonal.ntk - diag.ntk)).toBeLessThan(1e-12);
      for (const rho of [-0.7, 0.3, 0.9]) {
        const ref = expNtk(rho, depth, s2, 0.5, 0.5);
        // |error| ≤ tail mass (coefficients ≥ 0 and |ρ| ≤ 1) plus rounding.
        expect(Math.abs(evaluateSeries(ps.ntk, rho) - ref.ntk)).toBeLessThan(ps.tailMass.ntk * 0.9 ** 41 + 1e-13);
        expect(Math.abs(evaluateSeries(ps.nngp, rho) - ref.nngp)).toBeLessThan(ps.tailMass.nngp + 1e-13);
      }
      // The derivative kernel Σ̇^{(L+1)}: for one layer it is σ_w² s² e^{s²(Σ^1 − 1)}.
      if (depth === 1) {
        const rho = 0.3;
        const ref = 0.5 * s2 * Math.exp(s2 * (0.5 * rho + 0.5 - 1));
        expect(Math.abs(evaluateSeries(ps.derivative, rho) - ref)).toBeLessThan(1e-12);
      }
    }
  });

  it('converts the paper depth (2 = one hidden layer) and rejects bad options with E_INPUT', () => {
    expect(hiddenLayersFromPaperDepth(2)).toBe(1);
    expect(hiddenLayersFromPaperDepth(5)).toBe(4);
    const bad = [
      () => hiddenLayersFromPaperDepth(1),
      () => powerSeriesCoefficients({ hermite: sqrt2Relu(4), depth: 0, degree: 3 }),
      () => powerSeriesCoefficients({ hermite: sqrt2Relu(4), depth: 1, degree: -1 }),
      () => powerSeriesCoefficients({ hermite: new Float64Array(0), depth: 1, degree: 3 }),
      () => powerSeriesCoefficients({ hermite: new Float64Array([1, Number.NaN]), depth: 1, degree: 3 }),
      () => powerSeriesCoefficients({ hermite: sqrt2Relu(4), depth: 1, degree: 3, sigmaB2: -1 }),
      () => evaluateSeries(new Float64Array([1]), Number.NaN),
    ];
    for (const f of bad) {
      expectSpecError(f, 'E_INPUT');
    }
  });
});
