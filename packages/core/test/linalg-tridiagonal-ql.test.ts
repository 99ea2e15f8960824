import { describe, expect, it } from 'vitest';
import { createRng, tridiagonalQL } from '../src/index.js';

function randomTridiagonal(n: number, seed: number): { d: Float64Array; e: Float64Array } {
  const rng = createRng(seed);
  const d = Float64Array.from({ length: n }, () => rng.normal());
  const e = Float64Array.from({ length: n }, (_, i) => (i < n - 1 ? rng.normal() : 0));
  return { d, e };
}

function values(d: Float64Array, e: Float64Array): Float64Array {
  const [dd, ee] = [Float64Array.from(d), Float64Array.from(e)];
  tridiagonalQL(dd, ee, null);
  return dd;
}

describe('tridiagonalQL (values only, fast pythag)', () => {
  it('scales exactly with the matrix, also where the squares would overflow or underflow', () => {
    // Eigenvalues of cT are c·λ(T). At c = 1e±152 the squares leave the double range, so pythag takes its Math.hypot
    // branch; the QL is backward stable, so both routes agree to O(n·ε·‖T‖) ≈ 1e-13·‖T‖ at n = 400 (1e-10 leaves margin).
    const { d, e } = randomTridiagonal(400, 4);
    const ref = values(d, e);
    let norm = 0;
    for (let i = 0; i < d.length; i++)
      norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
    for (const c of [1e-152, 1e152]) {
      const scaled = values(
        d.map((x) => x * c),
        e.map((x) => x * c),
      );
      for (let i = 0; i < d.length; i++) expect(Math.abs(scaled[i] / c - ref[i])).toBeLessThan(1e-10 * norm);
    }
    for (let i = 1; i < ref.length; i++) expect(ref[i]).toBeGreaterThanOrEqual(ref[i - 1]);
  });

  it('gives the same values bit for bit with and without rotations, and z holds the eigenvectors', () => {
    const n = 60;
    const { d, e } = randomTridiagonal(n, 8);
    const d1 = values(d, e);
    const [d2, e2] = [Float64Array.from(d), Float64Array.from(e)];
    const z = new Float64Array(n * n);
    for (let i = 0; i < n; i++) z[i * n + i] = 1;
    tridiagonalQL(d2, e2, z);
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

  it('leaves a diagonal matrix and n = 1 unchanged up to sorting', () => {
    expect(Array.from(values(Float64Array.of(3, -1, 2), new Float64Array(3)))).toEqual([-1, 2, 3]);
    expect(Array.from(values(Float64Array.of(5), new Float64Array(1)))).toEqual([5]);
  });
});
