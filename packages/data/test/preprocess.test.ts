import { fromRows } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { centerSamples } from '../src/center.js';
import { grayscale } from '../src/grayscale.js';
import { columnNorms, normalizeSamples } from '../src/normalize.js';
import { formatPreprocess, parsePreprocess } from '../src/preprocess.js';
import { expectSpecErrorAsync } from '@spec/testing';

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
    await expectSpecErrorAsync(
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
    await expectSpecErrorAsync(() => grayscale(fromRows([[1], [2]])), 'E_SHAPE', /multiple of 3/);
  });
});

describe('normalizeSamples at the edges of the float64 range', () => {
  it.each([1e-300, 1e300, 1e-320])(
    'scales samples multiplied by %s to unit norm (norms without overflow/underflow)',
    (scale) => {
      // Columns (3, 4) and (1, 1, …) of known norms 5 and √d, times scale: Σx² would under/overflow.
      const X = fromRows([
        [3 * scale, scale],
        [4 * scale, scale],
        [0, scale],
        [0, scale],
      ]);
      expect(Array.from(columnNorms(X)).map((v) => v / scale)).toEqual([5, 2].map((v) => expect.closeTo(v, 12)));
      const N = normalizeSamples(X);
      const want = [0.6, 0.5, 0.8, 0.5, 0, 0.5, 0, 0.5];
      // Subnormal inputs (1e−320) carry only ≈ 14 significant bits: 1e-4 there, round-off elsewhere.
      const tol = scale < 1e-310 ? 1e-4 : 1e-15;
      want.forEach((w, k) => expect(Math.abs(N.data[k] - w)).toBeLessThan(tol));
    },
  );
});

describe('parsePreprocess', () => {
  it('reads none, center, whiten, whiten:K and deflate:R and formats them back', () => {
    expect(parsePreprocess('none')).toEqual({ method: 'none' });
    expect(parsePreprocess(' Center ')).toEqual({ method: 'center' });
    expect(parsePreprocess('whiten:50')).toEqual({ method: 'whiten', components: 50 });
    expect(parsePreprocess('deflate:3')).toEqual({ method: 'deflate', components: 3 });
    expect(parsePreprocess('whiten')).toEqual({ method: 'whiten' });
    for (const t of ['none', 'center', 'whiten:7', 'deflate:2']) expect(formatPreprocess(parsePreprocess(t))).toBe(t);
  });

  it('rejects other forms with E_INPUT listing the valid ones', async () => {
    for (const t of ['whiten:0', 'deflate', 'deflate:-1', 'pca:3', 'whiten:2.5'])
      await expectSpecErrorAsync(() => parsePreprocess(t), 'E_INPUT', /none, center, whiten:K, deflate:R/);
  });
});
