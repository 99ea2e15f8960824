import { describe, expect, it } from 'vitest';
import { createRng } from '@spec/core';
import { pointGram, pointRows } from '../src/point-gram.js';

describe('pointGram', () => {
  it('equals the plain loop Σ_p x_{p,i} y_{p,j} bit for bit, symmetric or not, sizes off the 4 × 4 blocks', () => {
    const rng = createRng(4);
    const d = 7;
    const cols = (n: number): Float64Array => Float64Array.from({ length: d * n }, () => rng.normal());
    for (const [m, n] of [
      [1, 1],
      [5, 9],
      [8, 8],
      [11, 6],
    ]) {
      const X = cols(m);
      const Y = cols(n);
      const xs = pointRows(X, d, m);
      const ys = pointRows(Y, d, n);
      const g = pointGram(xs, m, ys, n, d, 0.5);
      const s = pointGram(xs, m, xs, m, d);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let t = 0;
          for (let p = 0; p < d; p++) t += X[p * m + i] * Y[p * n + j];
          // The same sums in the same order: identical, not merely close.
          expect(g[i * n + j]).toBe(t * 0.5);
        }
        for (let j = 0; j < m; j++) {
          let t = 0;
          for (let p = 0; p < d; p++) t += X[p * m + Math.min(i, j)] * X[p * m + Math.max(i, j)];
          expect(s[i * m + j]).toBe(t); // upper triangle computed, mirrored: exactly symmetric
        }
      }
    }
  });
});
