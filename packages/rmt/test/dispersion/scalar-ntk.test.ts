import { describe, expect, it } from 'vitest';
import { expectInputError } from '../expect-input-error.js';
import { createRng } from '@spec/core';
import {
  dispersionBiases,
  dispersionEstimate,
  dispersionLimit,
  dispersionWeights,
  ntkMeans,
  scalarNtkSamples,
} from '../../src/dispersion/index.js';

describe('ntkMeans (MATH.md §6.2, §7 item 11)', () => {
  it('n0 = M = 20, L = 6, σ_w² = 2 gives 7 + 7 = 14', () => {
    expect(ntkMeans({ width: 20, inputDim: 20, depth: 6, sigmaW2: 2 })).toEqual({ weights: 7, biases: 7, total: 14 });
    const m = ntkMeans({ width: 10, inputDim: 5, depth: 3, sigmaW2: 1 });
    expect(Math.abs(m.weights - 0.125 * 7)).toBeLessThan(1e-15);
    expect(Math.abs(m.biases - 1.875)).toBeLessThan(1e-15);
  });
});

describe('scalarNtkSamples (MATH.md §6.2)', () => {
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

  it('EOC, M = 200, λ = 0.25: weight and bias dispersions match D_ww, D_bb within finite-M + MC error', () => {
    const M = 200;
    const L = 50;
    const lambda = L / M;
    // n0 = 1 makes r0 = M/n0 = 200, so the first-layer term (weight 1/(1 + LM/n0)) is negligible.
    const s = scalarNtkSamples({ width: M, inputDim: 1, depth: L, sigmaW2: 2, samples: 100000, rng: createRng(42) });
    const w = dispersionEstimate(s.weights);
    const b = dispersionEstimate(s.biases);
    // Finite-M bias: the limit replaces each layer's exact pair moment 1 + ρ/M + c/M² by e^{ρ/M}; the largest
    // mismatch is E F² = 1 + 5/M vs e^{5/M} (c − ρ²/2 = −12.5), plus −2 for each of the two E B in the squared
    // mean, so the L-fold products are off by a factor e^{±16.5 L/M²} = 1 ± 16.5λ/M; doubling for the Riemann
    // sums over layer positions gives |D_M − D| ≲ 2·16.5·λ/M·D ≈ 4% of D. (MATH.md §8 saw +0.6% at M = 400.)
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
      expectInputError(() => scalarNtkSamples({ ...ok, ...bad }));
    }
  });
});
