import { describe, expect, it } from 'vitest';
import { expectSpecError } from '@spec/testing';
import { createRng } from '@spec/core';
import {
  dispersionBiases,
  dispersionEstimate,
  dispersionLimit,
  dispersionWeights,
  ntkMeans,
  scalarNtkSamples,
} from '../../src/dispersion/index.js';

describe('ntkMeans (apps/docs/theory/dispersion.md#exact-finite-width, apps/docs/theory/reference-values.md#ntk-means)', () => {
  it('n0 = M = 20, L = 6, σ_w² = 2 gives 7 + 7 = 14', () => {
    expect(ntkMeans({ width: 20, inputDim: 20, depth: 6, sigmaW2: 2 })).toEqual({ weights: 7, biases: 7, total: 14 });
    const m = ntkMeans({ width: 10, inputDim: 5, depth: 3, sigmaW2: 1 });
    expect(Math.abs(m.weights - 0.125 * 7)).toBeLessThan(1e-15);
    expect(Math.abs(m.biases - 1.875)).toBeLessThan(1e-15);
  });
});

describe('scalarNtkSamples (apps/docs/theory/dispersion.md#exact-finite-width)', () => {
  it('sample means match the exact means within 3 standard errors (EOC and ordered)', () => {
    for (const sigmaW2 of [2, 1.5]) {
      const opts = { width: 20, inputDim: 20, depth: 6, sigmaW2 };
      const s = scalarNtkSamples({ ...opts, samples: 20000, rng: createRng(3) });
      const exact = ntkMeans(opts);
      const w = dispersionEstimate(s.weights);
      const b = dispersionEstimate(s.biases);
      // Θ has finite variance at M = 20: the sample mean is within 3 SE except with probability 0.3%.
      expect(Math.abs(w.mean - exact.weights)).toBeLessThan(3 * w.meanStderr);
      expect(Math.abs(b.mean - exact.biases)).toBeLessThan(3 * b.meanStderr);
    }
  });

  it('homogeneity: Θ_w(σ_w²) = (σ_w²/2)^L Θ_w(2) sample by sample for the same seed', () => {
    const base = { width: 50, inputDim: 10, depth: 10, samples: 200 };
    const a = scalarNtkSamples({ ...base, sigmaW2: 2, rng: createRng(5) });
    const b = scalarNtkSamples({ ...base, sigmaW2: 1.3, rng: createRng(5) });
    const scale = 0.65 ** 10;
    for (let i = 0; i < base.samples; i++) {
      // Same random draws, so only rounding differs: ~L·1e-16 relative per product.
      expect(Math.abs(b.weights[i] - scale * a.weights[i])).toBeLessThan(1e-12 * scale * a.weights[i]);
    }
    // The bias part is not homogeneous: that is where the phases differ.
    expect(Math.abs(b.biases[0] - a.biases[0])).toBeGreaterThan(1e-3);
  });

  it('beyond float64 (χ = 50, L = 100: Θ ≈ 1e171, Θ² overflows) the samples come rescaled, still homogeneous', () => {
    const base = { width: 30, inputDim: 30, depth: 100, samples: 300 };
    const eoc = scalarNtkSamples({ ...base, sigmaW2: 2, rng: createRng(9) });
    const chaotic = scalarNtkSamples({ ...base, sigmaW2: 100, rng: createRng(9) });
    expect(eoc.logScale).toBe(0);
    expect(chaotic.logScale).toBeGreaterThan(300);
    // log Θ_w(100) = L log 50 + log Θ_w(2) sample by sample: the log-space route against the linear one on the same
    // draws (the EOC values are ordinary numbers). Rounding: ~L·1e-16 of a log of size ~400.
    let live = 0;
    for (let i = 0; i < base.samples; i++) {
      if (eoc.weights[i] === 0) continue; // a dead network (no active unit in a layer)
      live++;
      const logChaotic = Math.log(chaotic.weights[i]) + chaotic.logScale;
      const logPredicted = base.depth * Math.log(50) + Math.log(eoc.weights[i]);
      expect(Math.abs(logChaotic - logPredicted)).toBeLessThan(1e-9 * Math.abs(logPredicted));
    }
    expect(live).toBeGreaterThan(base.samples / 2);
    for (const v of chaotic.total) expect(Number.isFinite(v)).toBe(true);
    // The mean, scaled back, against E Θ = χ^L(1 + LM/n0) + Σ χ^k ≈ 8e171. At λ = 3.3 (M = 30) Θ is log-normal-like
    // with a log-variance near 5λ, so its sample mean is no Gaussian: compare at M = 1000 (λ = 0.1, D ≈ 1.5), where
    // the same magnitudes arise and the central limit theorem applies; 4 SE.
    const wide = { width: 1000, inputDim: 1000, depth: 100, sigmaW2: 100 };
    const w = scalarNtkSamples({ ...wide, samples: 2000, rng: createRng(10) });
    expect(w.logScale).toBeGreaterThan(300);
    const est = dispersionEstimate(w.total);
    const exact = ntkMeans(wide).total;
    const scale = Math.exp(w.logScale);
    expect(exact).toBeGreaterThan(1e171);
    expect(Math.abs(est.mean * scale - exact)).toBeLessThan(4 * est.meanStderr * scale);
  });

  it('ordered and deep (σ_w² = 0.5, M = 30, L = 1000: Θ_w ≈ 0.25^1000 underflows): finite, mean and D as in theory', () => {
    const opts = { width: 30, inputDim: 30, depth: 1000, sigmaW2: 0.5 };
    const s = scalarNtkSamples({ ...opts, samples: 2000, rng: createRng(4) });
    for (const v of s.total) expect(Number.isFinite(v)).toBe(true);
    const est = dispersionEstimate(s.total);
    // E Θ = Σ_{k≤L} χ^k → 1/(1 − χ) = 4/3 (Θ_w ≈ 0); D → 1 + 5χ²/((1 − χ²)M) = 1.0111. Within 4 SE.
    expect(Math.abs(est.mean - ntkMeans(opts).total)).toBeLessThan(4 * est.meanStderr);
    const theory = dispersionLimit({ lambda: 1000 / 30, phase: 'ordered', sigmaW2: 0.5, width: 30 }).dispersion;
    expect(Math.abs(est.dispersion - theory)).toBeLessThan(4 * est.stderr + 2 / 30 ** 2);
  });

  it('EOC, M = 200, λ = 0.25: weight and bias dispersions match D_ww, D_bb within finite-M + MC error', () => {
    const M = 200;
    const L = 50;
    const lambda = L / M;
    // n0 = 1 makes r0 = M/n0 = 200, so the first-layer term (weight 1/(1 + LM/n0)) is negligible.
    const s = scalarNtkSamples({ width: M, inputDim: 1, depth: L, sigmaW2: 2, samples: 100000, rng: createRng(42) });
    const w = dispersionEstimate(s.weights);
    const b = dispersionEstimate(s.biases);
    // Finite-M bias: the limit replaces each layer's exact pair moment 1 + ρ/M + c/M² by e^{ρ/M}; the largest mismatch
    // is E F² = 1 + 5/M vs e^{5/M} (c − ρ²/2 = −12.5), plus −2 for each of the two E B in the squared mean, so the
    // L-fold products are off by a factor e^{±16.5 L/M²} = 1 ± 16.5λ/M; doubling for the Riemann sums over layer
    // positions gives |D_M − D| ≲ 2·16.5·λ/M·D ≈ 4% of D. (apps/docs/theory/reference-values.md#how-checked saw +0.6%
    // at M = 400.)
    const finiteM = (2 * 16.5 * lambda) / M;
    expect(Math.abs(w.dispersion - dispersionWeights(lambda))).toBeLessThan(
      finiteM * dispersionWeights(lambda) + 3 * w.stderr,
    );
    expect(Math.abs(b.dispersion - dispersionBiases(lambda))).toBeLessThan(
      finiteM * dispersionBiases(lambda) + 3 * b.stderr,
    );
    // And the test can tell the two apart: D_ww − D_bb ≈ 1.07 is many tolerances wide.
    expect(w.dispersion - b.dispersion).toBeGreaterThan(0.5);
  });

  it('ordered, σ_w² = 1, M = 400, λ = 0.25: D = 1 + 5χ²/((1−χ²)M) within 3 SE + O(1/M²)', () => {
    const M = 400;
    const s = scalarNtkSamples({ width: M, inputDim: M, depth: 100, sigmaW2: 1, samples: 10000, rng: createRng(9) });
    const e = dispersionEstimate(s.total);
    const limit = dispersionLimit({ lambda: 0.25, sigmaW2: 1, width: M }).dispersion;
    // The o(1/M) remainder is O(1/M²) with a coefficient of the order of the squared first-order one
    // ((5χ²/(1−χ²))² ≈ 2.8): allow 10/M² ≈ 6e-5 on top of 3 SE (≈ 2.4e-4).
    expect(Math.abs(e.dispersion - limit)).toBeLessThan(3 * e.stderr + 10 / M ** 2);
    // The finite-width correction (0.0042) is resolved, not lost in the noise.
    expect(e.dispersion - 1).toBeGreaterThan(0.003);
  });

  it('rejects bad sizes and σ_w² with E_INPUT', () => {
    const ok = { width: 10, inputDim: 10, depth: 3, sigmaW2: 2, samples: 10, rng: createRng(0) };
    for (const bad of [{ width: 0 }, { depth: 1.5 }, { samples: 0 }, { sigmaW2: -1 }, { inputDim: Number.NaN }]) {
      expectSpecError(() => scalarNtkSamples({ ...ok, ...bad }), 'E_INPUT');
    }
  });
});
