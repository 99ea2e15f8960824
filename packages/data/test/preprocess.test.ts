import { createRng, fromRows, type Matrix } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { centerSamples } from '../src/center.js';
import { gaussianData } from '../src/gaussian.js';
import { grayscale } from '../src/grayscale.js';
import { jacobiEigen } from '../src/jacobi-eigen.js';
import { normalizeSamples } from '../src/normalize.js';
import { pcaWhiten } from '../src/pca-whiten.js';
import { expectSpecError } from './helpers.js';

/** AᵀB for small matrices (reference product). */
function tmul(A: Matrix, B: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < A.cols; i++) {
    out.push([]);
    for (let j = 0; j < B.cols; j++) {
      let s = 0;
      for (let p = 0; p < A.rows; p++) s += A.data[p * A.cols + i] * B.data[p * B.cols + j];
      out[i].push(s);
    }
  }
  return out;
}
const transposeM = (A: Matrix): Matrix => {
  const out = new Float64Array(A.rows * A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out[j * A.rows + i] = A.data[i * A.cols + j];
  return { rows: A.cols, cols: A.rows, data: out };
};

describe('centerSamples / normalizeSamples', () => {
  it('centres to a zero mean sample and scales columns to unit norm', () => {
    const X = fromRows([
      [1, 2, 6],
      [3, 0, 3],
    ]);
    expect(Array.from(centerSamples(X).data)).toEqual([-2, -1, 3, 1, -2, 1]);
    const N = normalizeSamples(X);
    expect(Array.from(N.data).map((v) => +v.toFixed(12))).toEqual([
      +(1 / Math.sqrt(10)).toFixed(12),
      1,
      +(6 / Math.sqrt(45)).toFixed(12),
      +(3 / Math.sqrt(10)).toFixed(12),
      0,
      +(3 / Math.sqrt(45)).toFixed(12),
    ]);
  });

  it('rejects a zero sample with E_DATA naming it', async () => {
    await expectSpecError(
      () =>
        normalizeSamples(
          fromRows([
            [1, 0],
            [1, 0],
          ]),
          'digits',
        ),
      'E_DATA',
      /digits: sample 1 has norm 0/,
    );
  });
});

describe('grayscale', () => {
  it('applies the luma weights to the R, G, B planes', () => {
    const X = fromRows([
      [1, 0],
      [0, 1],
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]); // p = 2 pixels, 2 images
    const G = grayscale(X);
    expect(G.rows).toBe(2);
    // Pixel 0: (R, G, B) = (1, 0, 0) and (0, 0, 1); pixel 1: (0, 1, 1) and (1, 0, 1).
    const want = [0.299, 0.114, 0.587 + 0.114, 0.299 + 0.114];
    want.forEach((w, k) => expect(G.data[k]).toBeCloseTo(w, 15));
  });

  it('rejects rows not divisible by 3', async () => {
    await expectSpecError(() => grayscale(fromRows([[1], [2]])), 'E_SHAPE', /multiple of 3/);
  });
});

describe('jacobiEigen', () => {
  it('finds the eigenvalues 1 and 3 of [[2, 1], [1, 2]]', () => {
    const { values } = jacobiEigen(
      fromRows([
        [2, 1],
        [1, 2],
      ]),
    );
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
  });

  it('satisfies S V = V Λ and VᵀV = I on a random symmetric matrix', () => {
    const m = 12;
    const A = gaussianData({ n: m, d0: m, rng: createRng(8) });
    const S = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) S[i * m + j] = A.data[i * m + j] + A.data[j * m + i];
    const { values, vectors: V } = jacobiEigen({ rows: m, cols: m, data: S });
    for (let j = 1; j < m; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
    const VtV = tmul(V, V);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        expect(VtV[i][j]).toBeCloseTo(i === j ? 1 : 0, 12);
        let sv = 0;
        for (let k = 0; k < m; k++) sv += S[i * m + k] * V.data[k * m + j];
        expect(sv).toBeCloseTo(values[j] * V.data[i * m + j], 12);
      }
    }
  });
});

describe('pcaWhiten', () => {
  it('gives (1/n) Z Zᵀ = I_k when n ≥ d (covariance route)', () => {
    const n = 60;
    const d = 5;
    const X = gaussianData({ n, d0: d, rng: createRng(9) });
    // Correlate the coordinates so whitening has work to do.
    for (let i = 0; i < n; i++) X.data[1 * n + i] += 3 * X.data[i];
    const Z = pcaWhiten(X);
    expect(Z.rows).toBe(d);
    const ZZt = tmul(transposeM(Z), transposeM(Z));
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) expect(ZZt[a][b] / n).toBeCloseTo(a === b ? 1 : 0, 10);
    const Z2 = pcaWhiten(X, { components: 2 });
    expect(Z2.rows).toBe(2);
    expect(Array.from(Z2.data).map(Math.abs)).toEqual(Array.from(Z.data.subarray(0, 2 * n)).map(Math.abs));
  });

  it('gives ZᵀZ = n I − 11ᵀ when n < d (Gram route: the centred rows span all but the constant vector)', () => {
    const n = 8;
    const d = 20;
    const X = gaussianData({ n, d0: d, rng: createRng(10) });
    const Z = pcaWhiten(X);
    expect(Z.rows).toBe(n - 1);
    const ZtZ = tmul(Z, Z);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) expect(ZtZ[a][b]).toBeCloseTo((a === b ? n : 0) - 1, 10);
  });

  it('refuses more components than non-null directions', async () => {
    const X = gaussianData({ n: 4, d0: 10, rng: createRng(11) });
    await expectSpecError(() => pcaWhiten(X, { components: 4 }), 'E_DATA', /only 3 directions/);
  });
});
