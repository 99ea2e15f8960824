import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { ckLimit } from '../../src/ck-limit.js';
import { mpCdf, mpQuantile } from '../../src/mp.js';
import { ksDistance, ksTwoSample } from '../../src/stats/ks.js';

describe('KS distance (apps/docs/theory/spectral-evolution.md#quantities)', () => {
  it('a sample at the MP quantiles (i + ½)/n has KS = 1/(2n) against the closed-form CDF', () => {
    const n = 500;
    const g = 0.5;
    const x = Float64Array.from({ length: n }, (_, i) => mpQuantile((i + 0.5) / n, g));
    // exact: at each x_i, F = (i + ½)/n sits halfway in the empirical jump; quantile error ≪ 1e-9
    expect(Math.abs(ksDistance(x, (t) => mpCdf(t, g)) - 1 / (2 * n))).toBeLessThan(1e-9);
  });

  it('atoms included: zeros against the atom at 0 and the rest at quantiles give KS ≤ 1/n', () => {
    const g = 2; // atom 1/2 at 0
    const law = ckLimit({ samplesPerNeuron: [g], b: 0, input: { kind: 'mp', samplesPerDim: 1 } });
    const n = 400;
    const x = Float64Array.from({ length: n }, (_, i) => mpQuantile((i + 0.5) / n, g));
    // 1/n for the discretisation, plus the law's CDF error (≤ 2e-4, limit-spectrum test)
    expect(ksDistance(x, law)).toBeLessThanOrEqual(1 / n + 2e-4);
    // without the atom in the sample the distance is the atom's mass
    const shifted = x.map((v) => v + (v === 0 ? 1e-3 : 0));
    expect(ksDistance(shifted, law)).toBeGreaterThan(0.49);
    // numerically-zero eigenvalues snap to the atom with atomTolerance
    const noisy = x.map((v) => (v === 0 ? 1e-13 : v));
    expect(ksDistance(noisy, law, { atomTolerance: 1e-9 })).toBeLessThanOrEqual(1 / n + 2e-4);
  });

  it('two-sample KS: identical samples 0, disjoint samples 1, and a known interleaving', () => {
    const a = new Float64Array([1, 2, 3, 4]);
    expect(ksTwoSample(a, a)).toBe(0);
    expect(
      ksTwoSample(
        a,
        a.map((v) => v + 10),
      ),
    ).toBe(1);
    expect(ksTwoSample(a, new Float64Array([1.5, 2.5, 3.5, 4.5]))).toBe(0.25);
    const rng = createRng(1);
    const u = Float64Array.from({ length: 2000 }, () => rng.normal());
    const v = Float64Array.from({ length: 2000 }, () => rng.normal());
    // same law: √(nm/(n+m))·D is Kolmogorov-distributed; P(K > 1.95) < 0.001 → D < 1.95/√1000 = 0.062
    expect(ksTwoSample(u, v)).toBeLessThan(0.062);
  });

  it('NaN in the sample throws E_INPUT', () => {
    expect(() => ksDistance(new Float64Array([1, Number.NaN]), (t) => t)).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
  });
});
