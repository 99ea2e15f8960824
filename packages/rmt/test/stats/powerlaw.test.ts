import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { powerLawFit } from '../../src/stats/powerlaw.js';

function pareto(n: number, alpha: number, xmin: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => xmin * Math.pow(1 - rng.uniform(), -1 / (alpha - 1)));
}

describe('power-law tail fit (Clauset–Shalizi–Newman, apps/docs/theory/spectral-evolution.md#quantities)', () => {
  it('recovers α of a Pareto sample with known xmin within 4 standard errors', () => {
    const x = pareto(4000, 2.5, 1, 11);
    const fit = powerLawFit(x, { xminCandidates: [1] });
    // MLE standard error (α − 1)/√n = 1.5/63 = 0.024; 4σ → 0.095 (false-failure probability 6e-5)
    expect(Math.abs(fit.alpha - 2.5)).toBeLessThan(4 * (1.5 / Math.sqrt(4000)));
    expect(fit.nTail).toBe(4000);
  });

  it('with a non-power-law body below the tail, the KS-chosen xmin finds the tail and α', () => {
    const rng = createRng(5);
    const body = Float64Array.from({ length: 2000 }, () => 2 * rng.uniform()); // uniform on [0, 2)
    const tail = pareto(2000, 3, 2, 6);
    const fit = powerLawFit(Float64Array.from([...body, ...tail]));
    expect(fit.xmin).toBeGreaterThan(1.8);
    // tail size k ≈ 2000: standard error (α − 1)/√k ≈ 0.045, 4σ ≈ 0.18; the KS choice of xmin adds a bias of order
    // 1/√k ≈ 0.02 plus the uniform body leaking into the tail; 0.07 allows for both
    expect(Math.abs(fit.alpha - 3)).toBeLessThan(4 * (2 / Math.sqrt(fit.nTail)) + 0.07);
  });

  it('too few tail points throws E_INPUT', () => {
    expect(() => powerLawFit(new Float64Array([1, 2, 3]), { minTail: 50 })).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
  });
});
