import { describe, expect, it } from 'vitest';
import { createRng, tridiagonalQL } from '@spec/core';
import { tridiagonalValues } from '../src/tridiagonal-values.js';

/** Largest |λ − λ_ref| over ‖T‖_∞ between the fast route and core's tridiagonalQL on copies of (d, e). */
function relativeGap(d: Float64Array, e: Float64Array): number {
  const [d1, e1, d2, e2] = [Float64Array.from(d), Float64Array.from(e), Float64Array.from(d), Float64Array.from(e)];
  tridiagonalValues(d1, e1);
  tridiagonalQL(d2, e2, null);
  let norm = 0;
  for (let i = 0; i < d.length; i++) norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
  let worst = 0;
  for (let i = 0; i < d.length; i++) worst = Math.max(worst, Math.abs(d1[i] - d2[i]));
  for (let i = 1; i < d.length; i++) expect(d1[i]).toBeGreaterThanOrEqual(d1[i - 1]);
  return worst / norm;
}

describe('tridiagonalValues (eigenvalues only, fast pythag)', () => {
  // Both are backward stable with errors O(n·ε·‖T‖) ≈ 1e-13·‖T‖ at n = 800; 1e-10 relative (the bound for the
  // eigensolver routes) leaves three orders of margin.
  it('matches tridiagonalQL on random tridiagonals, Wilkinson W⁺ and extreme scales', () => {
    const rng = createRng(4);
    const n = 800;
    const d = new Float64Array(n);
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      d[i] = rng.normal();
      e[i] = i < n - 1 ? rng.normal() : 0;
    }
    expect(relativeGap(d, e)).toBeLessThan(1e-10);
    // Wilkinson W21⁺: close pairs of eigenvalues.
    const w = Float64Array.from({ length: 21 }, (_, i) => Math.abs(10 - i));
    const we = Float64Array.from({ length: 21 }, (_, i) => (i < 20 ? 1 : 0));
    expect(relativeGap(w, we)).toBeLessThan(1e-10);
    // Scales where the squares would overflow or underflow, so pythag takes its Math.hypot branch (beyond ≈ 1e±154 the
    // unscaled QL itself fails in both routes: products of two off-diagonals leave the double range).
    for (const scale of [1e-152, 1e152]) {
      const ds = d.map((x) => x * scale);
      const es = e.map((x) => x * scale);
      expect(relativeGap(ds, es)).toBeLessThan(1e-10);
    }
    // Already diagonal, and n = 1.
    expect(relativeGap(Float64Array.of(3, -1, 2), new Float64Array(3))).toBe(0);
    expect(relativeGap(Float64Array.of(5), new Float64Array(1))).toBe(0);
  });
});

describe('tridiagonalValues with rotations', () => {
  it('gives the same values bit for bit with and without z, and z holds orthonormal eigenvectors', () => {
    const rng = createRng(8);
    const n = 60;
    const d = Float64Array.from({ length: n }, () => rng.normal());
    const e = Float64Array.from({ length: n }, (_, i) => (i < n - 1 ? rng.normal() : 0));
    const [d1, e1, d2, e2] = [Float64Array.from(d), Float64Array.from(e), Float64Array.from(d), Float64Array.from(e)];
    const z = new Float64Array(n * n);
    for (let i = 0; i < n; i++) z[i * n + i] = 1;
    tridiagonalValues(d1, e1);
    tridiagonalValues(d2, e2, z);
    expect(Array.from(d2)).toEqual(Array.from(d1));
    // T z_j = λ_j z_j to O(n ε ‖T‖): residual bound 1e-12 with ‖T‖ ≈ 5.
    let worst = 0;
    for (let j = 0; j < n; j++) {
      const v = z.subarray(j * n, j * n + n);
      for (let i = 0; i < n; i++) {
        const tv = d[i] * v[i] + (i > 0 ? e[i - 1] * v[i - 1] : 0) + (i < n - 1 ? e[i] * v[i + 1] : 0);
        worst = Math.max(worst, Math.abs(tv - d1[j] * v[i]));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });
});
