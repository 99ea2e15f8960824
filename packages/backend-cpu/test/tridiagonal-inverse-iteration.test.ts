import { createRng, tridiagonalEigen } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { eigh, tridiagonalInverseIteration } from '../src/index.js';

const EPS = Number.EPSILON;

function randomTridiagonal(n: number, seed: number): { d: Float64Array; e: Float64Array } {
  const rng = createRng(seed);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  rng.fillNormal(d);
  rng.fillNormal(e, 0, n - 1);
  return { d, e };
}

describe('tridiagonalInverseIteration', () => {
  it('finds the top-k eigenvectors of a random tridiagonal matrix, matching QL vectors up to sign', () => {
    const n = 200;
    const k = 8;
    const { d, e } = randomTridiagonal(n, 31);
    const ref = tridiagonalEigen(d, e.subarray(0, n - 1), { vectors: true });
    const values = ref.values.slice(n - k);
    const Y = new Float64Array(k * n);
    expect(tridiagonalInverseIteration(d, e, values, Y)).toBe(true);
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += Y[j * n + i] * ref.vectors![i * n + (n - k + j)];
      // Both vectors are accurate to ~ε‖T‖/gap; random-matrix gaps at the top edge are ≳ 1e-3,
      // so |cos| − 1 is far below 1e-9.
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-9);
    }
  });

  it('reports failure (false) when a value is not an eigenvalue, so callers can fall back', () => {
    const n = 50;
    const { d, e } = randomTridiagonal(n, 32);
    const { values } = tridiagonalEigen(d, e.subarray(0, n - 1));
    const wrong = Float64Array.from([values[n - 1] + 0.1]);
    expect(tridiagonalInverseIteration(d, e, wrong, new Float64Array(n))).toBe(false);
  });

  it('eigh top-k stays orthonormal with a 4-fold top eigenvalue (cluster Gram–Schmidt or QL fallback)', () => {
    // S = Q diag(λ) Qᵀ with λ = 5 four times on top, via a product of Householder reflectors.
    const n = 64;
    const lambda = Float64Array.from({ length: n }, (_, i) => (i >= n - 4 ? 5 : i / n));
    const rng = createRng(33);
    const Q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) Q[i * n + i] = 1;
    const v = new Float64Array(n);
    for (let r = 0; r < 6; r++) {
      rng.fillNormal(v);
      const nn = v.reduce((a, b) => a + b * b, 0);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += Q[i * n + j] * v[j];
        for (let j = 0; j < n; j++) Q[i * n + j] -= (2 / nn) * s * v[j];
      }
    }
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += Q[i * n + t] * lambda[t] * Q[j * n + t];
        S[i * n + j] = S[j * n + i] = s;
      }
    }
    const k = 5;
    const { values, vectors } = eigh(n, S, k);
    for (let j = 1; j < k; j++) expect(Math.abs(values[j] - 5)).toBeLessThan(1e-13 * 5 * n);
    expect(Math.abs(values[0] - (n - 5) / n)).toBeLessThan(1e-13 * 5 * n);
    for (let a = 0; a < k; a++) {
      for (let b = 0; b <= a; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * k + a] * vectors[i * k + b];
        // Orthonormal to O(n·ε); 1e-12 allows c ≈ 70.
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-12);
      }
      let r2 = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += S[i * n + t] * vectors[t * k + a];
        r2 += (s - values[a] * vectors[i * k + a]) ** 2;
      }
      // Residual O(n·ε·‖S‖) with ‖S‖ = 5.
      expect(Math.sqrt(r2)).toBeLessThan(100 * n * EPS * 5);
    }
  });
});
