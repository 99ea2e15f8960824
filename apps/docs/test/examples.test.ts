import { describe, expect, it } from 'vitest';
import { spectrumExample } from '../examples/library/spectrum.js';

describe('guide examples', () => {
  it('spectrum guide: empirical CK and NTK of a tanh MLP (n = 400) sit near their limits, KS < 0.1', () => {
    const { ckKs, ntkKs } = spectrumExample();
    // n = 400: finite-size KS fluctuations are O(1/√n)·few ≈ 0.05–0.1, and the limit is exact only as n → ∞.
    expect(ckKs).toBeLessThan(0.1);
    expect(ntkKs).toBeLessThan(0.1);
  });
});
