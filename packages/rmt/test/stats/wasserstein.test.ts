import { describe, expect, it } from 'vitest';
import { ckLimit } from '../../src/ck-limit.js';
import { mpQuantile } from '../../src/mp.js';
import { wasserstein1, wasserstein1TwoSample } from '../../src/stats/wasserstein.js';

describe('1-Wasserstein distance (apps/docs/theory/spectral-evolution.md#quantities)', () => {
  it('two samples: a shift by c gives exactly c; W1 is symmetric', () => {
    const a = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i) * 3);
    expect(
      Math.abs(
        wasserstein1TwoSample(
          a,
          a.map((v) => v + 0.7),
        ) - 0.7,
      ),
    ).toBeLessThan(1e-12);
    const b = Float64Array.from({ length: 37 }, (_, i) => i / 10);
    expect(Math.abs(wasserstein1TwoSample(a, b) - wasserstein1TwoSample(b, a))).toBeLessThan(1e-12);
  });

  it('against a law: a sample shifted right of the law by c gives c + mean(sample) − mean(law)', () => {
    const g = 0.5;
    const law = ckLimit({ samplesPerNeuron: [g], b: 0, input: { kind: 'mp', samplesPerDim: 1 } });
    const n = 400;
    const x = Float64Array.from({ length: n }, (_, i) => mpQuantile((i + 0.5) / n, g));
    // the quantile sample is close to the law: W1 ≤ (support width)/n
    expect(wasserstein1(x, law)).toBeLessThan(2.9 / n);
    // shifted by c = 0.5 > max gap between Q_n and Q, F_n ≤ F everywhere, so W1 = ∫(F − F_n) = mean(x) + c − mean(law);
    // the law's mean is 1 (MP), the recovered one within 5e-4 (ck-limit moment test)
    const c = 0.5;
    const mean = x.reduce((s, v) => s + v, 0) / n;
    expect(
      Math.abs(
        wasserstein1(
          x.map((v) => v + c),
          law,
        ) -
          (mean + c - 1),
      ),
    ).toBeLessThan(5e-4);
  });
});
