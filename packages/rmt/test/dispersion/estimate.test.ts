import { describe, expect, it } from 'vitest';
import { createRng } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import { dispersionEstimate } from '../../src/dispersion/index.js';

describe('dispersionEstimate', () => {
  it('computes mean(Θ²)/mean(Θ)² exactly on a small sample', () => {
    const e = dispersionEstimate([1, 2, 3]);
    expect(Math.abs(e.dispersion - 14 / 3 / 4)).toBeLessThan(1e-15);
    expect(e.mean).toBe(2);
    expect(e.count).toBe(3);
    // Sample variance 1, so the standard error of the mean is 1/√3.
    expect(Math.abs(e.meanStderr - 1 / Math.sqrt(3))).toBeLessThan(1e-15);
  });

  it('the delta-method stderr matches the spread of 300 replicate estimates for Exp(1) (D = 2)', () => {
    const rng = createRng(11);
    const reps = 300;
    const n = 400;
    const ds: number[] = [];
    let meanSe = 0;
    for (let r = 0; r < reps; r++) {
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = -Math.log(1 - rng.uniform());
      const e = dispersionEstimate(x);
      ds.push(e.dispersion);
      meanSe += e.stderr / reps;
    }
    const avg = ds.reduce((a, b) => a + b, 0) / reps;
    const sd = Math.sqrt(ds.reduce((a, b) => a + (b - avg) ** 2, 0) / (reps - 1));
    // The SD of 300 replicates has relative standard error ≈ √((κ−1)/(4·300)) ≤ 8% for the mildly
    // heavy-tailed D̂ here; ±25% is ~3 of those. The mean of D̂ is 2 up to the O(1/n) delta-method bias
    // (≈ 0.02 at n = 400) plus 3 SE of the replicate mean (3·sd/√300 ≈ 0.02).
    expect(Math.abs(meanSe / sd - 1)).toBeLessThan(0.25);
    expect(Math.abs(avg - 2)).toBeLessThan(0.04 + (3 * sd) / Math.sqrt(reps));
  });

  it('throws E_INPUT for fewer than two samples, a zero mean or a NaN sample', () => {
    for (const s of [[1], [1, -1], [1, Number.NaN]]) {
      expectSpecError(() => dispersionEstimate(s), 'E_INPUT');
    }
  });

  it('is scale-free: samples × 1e200 and × 1e-200 give the same D and SE, and the mean scales (no Θ² overflow)', () => {
    const rng = createRng(2);
    const base = Array.from({ length: 500 }, () => Math.exp(rng.normal()));
    const ref = dispersionEstimate(base);
    for (const f of [1e200, 1e-200]) {
      const est = dispersionEstimate(base.map((v) => v * f));
      expect(Math.abs(est.dispersion - ref.dispersion)).toBeLessThan(1e-12 * ref.dispersion);
      expect(Math.abs(est.stderr - ref.stderr)).toBeLessThan(1e-10 * ref.stderr);
      expect(Math.abs(est.mean - ref.mean * f)).toBeLessThan(1e-12 * ref.mean * f);
    }
  });
});
