import { join } from 'node:path';
import { createCpuBackend } from '@spec/backend-cpu';
import { type Matrix, createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { gaussianData } from '../src/gaussian.js';
import { loadDataset } from '../src/load-dataset.js';
import { writeNpy } from '../src/npy.js';
import { pcaDeflate, pcaWhiten } from '../src/pca.js';
import { memoryTable } from '../src/sample-table.js';
import { matrixStatistics, tableStatistics } from '../src/statistics.js';
import { tempDir } from './helpers.js';
import { expectSpecErrorAsync } from '@spec/testing';

const dir = tempDir();
const backend = createCpuBackend();

/** Samples with a correlated, anisotropic covariance: x = A g + offset, g ~ N(0, I), A fixed. */
function correlated(n: number, d: number, seed: number, offset = 0): Matrix {
  const G = gaussianData({ n, d0: d, rng: createRng(seed) });
  const A = gaussianData({ n: d, d0: d, rng: createRng(seed + 100) });
  const X = new Float64Array(d * n);
  for (let p = 0; p < d; p++)
    for (let q = 0; q < d; q++) {
      const a = A.data[p * d + q] * (1 + 3 * q); // column scales 1..3d−2: distinct variances
      for (let i = 0; i < n; i++) X[p * n + i] += a * G.data[q * n + i];
    }
  for (let k = 0; k < X.length; k++) X[k] += offset;
  return { rows: d, cols: n, data: X };
}

/** Reference mean and covariance by the textbook two-pass formula. */
function directCovariance(X: Matrix): { mean: number[]; C: Matrix } {
  const { rows: d, cols: n, data } = X;
  const mean = Array.from(
    { length: d },
    (_, p) => Array.from(data.subarray(p * n, (p + 1) * n)).reduce((s, v) => s + v, 0) / n,
  );
  const C = new Float64Array(d * d);
  for (let p = 0; p < d; p++)
    for (let q = 0; q < d; q++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (data[p * n + i] - mean[p]) * (data[q * n + i] - mean[q]);
      C[p * d + q] = s / n;
    }
  return { mean, C: { rows: d, cols: d, data: C } };
}

/** Top k eigenpairs (descending) of the direct covariance by the CPU backend's Householder + QL solver. */
function directComponents(X: Matrix, k: number): { values: number[]; U: number[][]; mean: number[] } {
  const { mean, C } = directCovariance(X);
  const d = X.rows;
  const e = backend.eigh(C);
  const values: number[] = [];
  const U: number[][] = [];
  for (let r = 0; r < k; r++) {
    const j = d - 1 - r;
    values.push(e.values[j]);
    U.push(Array.from({ length: d }, (_, p) => e.vectors.data[p * e.vectors.cols + j]));
  }
  return { values, U, mean };
}

/** (1/n) Z Zᵀ. */
function rowCovariance(Z: Matrix): number[][] {
  const { rows: k, cols: n, data } = Z;
  return Array.from({ length: k }, (_, a) =>
    Array.from({ length: k }, (_, b) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += data[a * n + i] * data[b * n + i];
      return s / n;
    }),
  );
}

describe('PCA whitening', () => {
  it.each([
    ['covariance route, n ≥ d', 300, 6],
    ['Gram route, n < d', 12, 30],
  ])('%s: Z = Λ_k^{-1/2} U_kᵀ(x − μ) of a direct eigendecomposition, (1/n) Z Zᵀ = I_k', (_, n, d) => {
    const X = correlated(n, d, 5);
    const k = 4;
    const Z = pcaWhiten(X, { components: k });
    const ref = directComponents(X, k);
    expect([Z.rows, Z.cols]).toEqual([k, n]);
    for (let r = 0; r < k; r++) {
      // Eigenvectors are defined up to sign: fix it by the first sample's coordinate.
      let first = 0;
      for (let p = 0; p < d; p++) first += ref.U[r][p] * (X.data[p * n] - ref.mean[p]);
      const sign = Math.sign(first) * Math.sign(Z.data[r * n]);
      for (let i = 0; i < n; i++) {
        let c = 0;
        for (let p = 0; p < d; p++) c += ref.U[r][p] * (X.data[p * n + i] - ref.mean[p]);
        // Two solvers on the same well-separated spectrum: agreement ≈ 1e-12 relative to the unit-variance coordinates.
        expect(Math.abs(sign * Z.data[r * n + i] - c / Math.sqrt(ref.values[r]))).toBeLessThan(1e-9);
      }
    }
    const S = rowCovariance(Z);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) expect(Math.abs(S[a][b] - (a === b ? 1 : 0))).toBeLessThan(1e-10);
  });

  it('keeps every non-null direction by default: n − 1 for n < d (the centred samples span one fewer)', () => {
    const X = gaussianData({ n: 8, d0: 20, rng: createRng(10) });
    expect(pcaWhiten(X).rows).toBe(7);
    expect(pcaWhiten(X, { linalg: backend }).rows).toBe(7);
  });

  it('refuses more components than non-null directions (E_DATA) or than the dimension (E_INPUT)', async () => {
    const X = gaussianData({ n: 4, d0: 10, rng: createRng(11) });
    await expectSpecErrorAsync(() => pcaWhiten(X, { components: 4 }), 'E_DATA', /only 3 directions/);
    await expectSpecErrorAsync(
      () => pcaWhiten(X, { components: 11 }),
      'E_INPUT',
      /11 components asked for samples of dimension 10/,
    );
  });
});

describe('PCA deflation', () => {
  it('removes exactly the top R directions: Uᵀ_R Y = 0 and cov(Y) = C − Σ_{r≤R} λ_r u_r u_rᵀ', () => {
    const n = 200;
    const d = 7;
    const R = 2;
    const X = correlated(n, d, 6);
    const Y = pcaDeflate(X, { components: R });
    expect([Y.rows, Y.cols]).toEqual([d, n]);
    const ref = directComponents(X, R);
    const { C } = directCovariance(X);
    const scale = ref.values[0];
    for (let r = 0; r < R; r++)
      for (let i = 0; i < n; i++) {
        let c = 0;
        for (let p = 0; p < d; p++) c += ref.U[r][p] * Y.data[p * n + i];
        expect(Math.abs(c)).toBeLessThan(1e-10 * Math.sqrt(scale));
      }
    const CY = directCovariance(Y).C;
    for (let p = 0; p < d; p++)
      for (let q = 0; q < d; q++) {
        let want = C.data[p * d + q];
        for (let r = 0; r < R; r++) want -= ref.values[r] * ref.U[r][p] * ref.U[r][q];
        expect(Math.abs(CY.data[p * d + q] - want)).toBeLessThan(1e-10 * scale);
      }
  });

  it('refuses R outside 1..d − 1', async () => {
    const X = gaussianData({ n: 20, d0: 5, rng: createRng(1) });
    await expectSpecErrorAsync(() => pcaDeflate(X, { components: 5 }), 'E_INPUT', /R = 5 .* 1\.\.4/);
  });
});

describe('statistics of a whole split, in chunks', () => {
  it('matches the two-pass mean and covariance for 2500 samples (3 chunks) offset by 1e6', async () => {
    const d = 5;
    const n = 2500;
    const X = correlated(n, d, 7, 1e6);
    const rows = new Float64Array(n * d);
    for (let p = 0; p < d; p++) for (let i = 0; i < n; i++) rows[i * d + p] = X.data[p * n + i];
    const ref = directCovariance(X);
    for (const stats of [
      await tableStatistics(memoryTable({ source: 't', rows, count: n, d })),
      await tableStatistics(memoryTable({ source: 't', rows, count: n, d }), backend),
      matrixStatistics(X),
    ]) {
      expect(stats.count).toBe(n);
      // Shifting by the first chunk's mean keeps the 1e6 offset from cancelling digits: the covariance (entries
      // up to ≈ 200) keeps ≈ 1e-9 relative accuracy instead of the ≈ 1e-4 a raw Σxxᵀ/n − μμᵀ would have.
      for (let p = 0; p < d; p++) expect(Math.abs(stats.mean[p] - ref.mean[p])).toBeLessThan(1e-8);
      for (let k = 0; k < d * d; k++) expect(Math.abs(stats.covariance.data[k] - ref.C.data[k])).toBeLessThan(1e-7);
    }
  });

  it('loadDataset whiten uses the split statistics: a subset is the matching columns of the whitened split', async () => {
    const n = 120;
    const d = 6;
    const X = correlated(n, d, 8);
    const rows = new Float64Array(n * d);
    for (let p = 0; p < d; p++) for (let i = 0; i < n; i++) rows[i * d + p] = X.data[p * n + i];
    const path = join(dir, 'split.npy');
    await writeNpy(path, rows, [n, d]);
    const rng = createRng(0);
    const pre = { method: 'whiten', components: 3, normalize: false } as const;
    const whole = await loadDataset({ kind: 'npy', path }, { rng, n, preprocess: pre });
    const sub = await loadDataset(
      { kind: 'npy', path },
      { rng, n: 30, subset: 'random', preprocess: pre, linalg: backend },
    );
    const own = await loadDataset(
      { kind: 'npy', path },
      { rng, n: 30, subset: 'random', preprocess: { ...pre, statistics: 'subset' } },
    );
    const S = rowCovariance(whole.X);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) expect(Math.abs(S[a][b] - (a === b ? 1 : 0))).toBeLessThan(1e-10);
    for (let r = 0; r < 3; r++) {
      const j0 = sub.indices![0];
      const sign = Math.sign(whole.X.data[r * n + j0]) * Math.sign(sub.X.data[r * 30]);
      for (let j = 0; j < 30; j++)
        expect(Math.abs(sign * sub.X.data[r * 30 + j] - whole.X.data[r * n + sub.indices![j]])).toBeLessThan(1e-9);
    }
    // With its own statistics the subset is white by itself, and differs from the split-whitened one.
    const So = rowCovariance(own.X);
    for (let a = 0; a < 3; a++) expect(Math.abs(So[a][a] - 1)).toBeLessThan(1e-10);
    expect(Math.abs(rowCovariance(sub.X)[0][0] - 1)).toBeGreaterThan(1e-3);
    expect(whole.preprocessing).toBe('whiten:3');
  });

  it('refuses impossible requests before reading: K > d0, R ≥ d0, deflate without R, K ≥ n with own statistics', async () => {
    const path = join(dir, 'small.npy');
    await writeNpy(path, correlated(10, 4, 9).data, [10, 4]);
    const rng = createRng(0);
    const spec = { kind: 'npy', path } as const;
    await expectSpecErrorAsync(
      loadDataset(spec, { rng, preprocess: { method: 'whiten', components: 5 } }),
      'E_INPUT',
      /--preprocess whiten:5: K = 5 exceeds the data's dimension d0 = 4/,
    );
    await expectSpecErrorAsync(
      loadDataset(spec, { rng, preprocess: { method: 'deflate', components: 4 } }),
      'E_INPUT',
      /deflate:4: R must be an integer in 1\.\.3/,
    );
    await expectSpecErrorAsync(loadDataset(spec, { rng, preprocess: { method: 'deflate' } }), 'E_INPUT', /needs R/);
    await expectSpecErrorAsync(
      loadDataset(spec, { rng, n: 3, preprocess: { method: 'whiten', components: 3, statistics: 'subset' } }),
      'E_INPUT',
      /whiten:3 with the statistics of the 3 loaded samples needs K ≤ n − 1 = 2/,
    );
  });
});
