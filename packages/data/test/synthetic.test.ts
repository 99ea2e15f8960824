import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { gaussianData } from '../src/gaussian.js';
import { gaussianMixture } from '../src/mixture.js';
import { sphereData } from '../src/sphere.js';
import { multiIndexTeacher, singleIndexTeacher } from '../src/teacher.js';
import { expectSpecErrorAsync } from '@spec/testing';

const colNormsSq = (data: Float64Array, d: number, n: number): Float64Array => {
  const out = new Float64Array(n);
  for (let p = 0; p < d; p++) for (let i = 0; i < n; i++) out[i] += data[p * n + i] ** 2;
  return out;
};
const mean = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + x, 0) / a.length;

describe('gaussianData', () => {
  it('has N(0, 1/d0) entries: mean squared column norm 1 within 5 standard errors', () => {
    const n = 200;
    const d0 = 100;
    const X = gaussianData({ n, d0, rng: createRng(1) });
    expect(X.rows).toBe(d0);
    expect(X.cols).toBe(n);
    // ‖x‖² = χ²_{d0}/d0 has variance 2/d0, so the mean over n columns has standard error √(2/(d0 n)).
    expect(Math.abs(mean(colNormsSq(X.data as Float64Array, d0, n)) - 1)).toBeLessThan(5 * Math.sqrt(2 / (d0 * n)));
    // The mean of the n·d0 entries has standard error (1/√d0)/√(n d0) = 1/(d0 √n).
    expect(Math.abs(mean(X.data))).toBeLessThan(5 / (d0 * Math.sqrt(n)));
  });

  it('is reproducible from the seed and rejects bad sizes', async () => {
    expect(gaussianData({ n: 3, d0: 4, rng: createRng(7) }).data).toEqual(
      gaussianData({ n: 3, d0: 4, rng: createRng(7) }).data,
    );
    await expectSpecErrorAsync(
      () => gaussianData({ n: 0, d0: 4, rng: createRng(7) }),
      'E_INPUT',
      /n must be a positive integer/,
    );
  });
});

describe('sphereData', () => {
  it('has unit columns and inner products with E(xᵀy)² = 1/d0', () => {
    const n = 400;
    const d0 = 50;
    const X = sphereData({ n, d0, rng: createRng(2) });
    for (const s of colNormsSq(X.data as Float64Array, d0, n)) expect(s).toBeCloseTo(1, 12);
    // Independent pairs (2k, 2k+1): (xᵀy)² has mean 1/d0 and variance ≈ 2/d0², so the mean over n/2 pairs has
    // standard error ≈ (2/√n)/d0; the pair mean of xᵀy has standard error √(2/(n d0)).
    const dots: number[] = [];
    for (let k = 0; k < n; k += 2) {
      let s = 0;
      for (let p = 0; p < d0; p++) s += X.data[p * n + k] * X.data[p * n + k + 1];
      dots.push(s);
    }
    expect(Math.abs(mean(dots.map((t) => t * t)) - 1 / d0)).toBeLessThan((5 * (2 / Math.sqrt(n))) / d0);
    expect(Math.abs(mean(dots))).toBeLessThan(5 * Math.sqrt(2 / (n * d0)));
  });
});

describe('gaussianMixture', () => {
  it('draws balanced labels, means of norm `separation`, and class averages near the means', () => {
    const n = 3000;
    const d0 = 40;
    const k = 3;
    const { X, labels, means } = gaussianMixture({ n, d0, classes: k, separation: 2, rng: createRng(3) });
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let p = 0; p < d0; p++) s += means.data[p * k + c] ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(2, 12);
      const idx = Array.from(labels.keys()).filter((i) => labels[i] === c);
      // Binomial(n, 1/k) count: standard deviation √(n (1/k)(1 − 1/k)).
      expect(Math.abs(idx.length - n / k)).toBeLessThan(5 * Math.sqrt((n * (k - 1)) / (k * k)));
      // Class average − μ_c has i.i.d. N(0, 1/(d0 n_c)) coordinates: its squared norm is χ²_{d0}/(d0 n_c),
      // mean 1/n_c, relative standard deviation √(2/d0).
      let err = 0;
      for (let p = 0; p < d0; p++) {
        const avg = mean(idx.map((i) => X.data[p * n + i]));
        err += (avg - means.data[p * k + c]) ** 2;
      }
      expect(err).toBeLessThan((1 + 5 * Math.sqrt(2 / d0)) / idx.length);
    }
  });
});

describe('teachers', () => {
  it('single-index: β is a unit vector and y = link(√d0 βᵀx) exactly without noise', () => {
    const n = 50;
    const d0 = 30;
    const { X, y, beta } = singleIndexTeacher({ n, d0, link: Math.tanh, rng: createRng(4) });
    expect(Math.hypot(...beta)).toBeCloseTo(1, 13);
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let p = 0; p < d0; p++) t += beta[p] * X.data[p * n + i];
      expect(y[i]).toBeCloseTo(Math.tanh(Math.sqrt(d0) * t), 13);
    }
  });

  it('single-index: the index is N(0, 1) and the noise has variance noise² (5 standard errors)', () => {
    const n = 2000;
    const d0 = 20;
    const noise = 0.5;
    const { X, y, beta } = singleIndexTeacher({ n, d0, link: (t) => t * t, noise, rng: createRng(5) });
    const idx = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let p = 0; p < d0; p++) idx[i] += Math.sqrt(d0) * beta[p] * X.data[p * n + i];
    // Sample second moments of n Gaussians: relative standard error √(2/n).
    const tol = 5 * Math.sqrt(2 / n);
    expect(Math.abs(mean(idx.map((t) => t * t)) - 1)).toBeLessThan(tol);
    const resid = Array.from(y, (v, i) => v - idx[i] * idx[i]);
    expect(Math.abs(mean(resid.map((r) => r * r)) / (noise * noise) - 1)).toBeLessThan(tol);
  });

  it('multi-index: orthonormal directions and y = g(√d0 Bᵀx)', async () => {
    const n = 20;
    const d0 = 15;
    const k = 3;
    const link = (z: Float64Array): number => z[0] * z[1] + Math.sin(z[2]);
    const { X, y, directions: B } = multiIndexTeacher({ n, d0, k, link, rng: createRng(6) });
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let s = 0;
        for (let p = 0; p < d0; p++) s += B.data[p * k + a] * B.data[p * k + b];
        expect(s).toBeCloseTo(a === b ? 1 : 0, 13);
      }
    }
    for (let i = 0; i < n; i++) {
      const z = new Float64Array(k);
      for (let j = 0; j < k; j++)
        for (let p = 0; p < d0; p++) z[j] += Math.sqrt(d0) * B.data[p * k + j] * X.data[p * n + i];
      expect(y[i]).toBeCloseTo(link(z), 12);
    }
    await expectSpecErrorAsync(
      () => multiIndexTeacher({ n, d0: 2, k: 3, link, rng: createRng(6) }),
      'E_INPUT',
      /k ≤ d0/,
    );
    await expectSpecErrorAsync(
      () => singleIndexTeacher({ n, d0, link: () => Number.NaN, rng: createRng(6) }),
      'E_INPUT',
      /link returned NaN/,
    );
  });
});
