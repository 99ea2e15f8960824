import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { createThreadPool, dgemm, sharedFloat64 } from '../src/index.js';

const EPS = Number.EPSILON;

/** Naive triple loop for C ← alpha op(A) op(B) + beta C, plus Σ|terms| for the error bound. */
function naive(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  beta: number,
  C: Float64Array,
): { value: Float64Array; magnitude: Float64Array } {
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let t = 0; t < k; t++) {
        const a = transA ? A[t * m + i] : A[i * k + t];
        const b = transB ? B[j * k + t] : B[t * n + j];
        s += a * b;
        abs += Math.abs(a * b);
      }
      value[i * n + j] = alpha * s + beta * C[i * n + j];
      magnitude[i * n + j] = Math.abs(alpha) * abs + Math.abs(beta * C[i * n + j]);
    }
  }
  return { value, magnitude };
}

function randomArray(len: number, seed: number, f32 = false): Float64Array | Float32Array {
  const out = f32 ? new Float32Array(len) : new Float64Array(len);
  createRng(seed).fillNormal(out);
  return out;
}

describe('dgemm', () => {
  const sizes: Array<[number, number, number]> = [
    [1, 1, 1],
    [7, 7, 7],
    [33, 33, 33],
    [65, 65, 65],
    [7, 33, 65],
    [65, 1, 7],
    [1, 65, 33],
    [33, 7, 1],
    // Crosses the 256-deep K block and the 256-row panel of the kernel.
    [9, 261, 300],
  ];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`matches a naive triple loop for transA = ${transA}, transB = ${transB} with alpha, beta and C at odd sizes`, () => {
        let seed = 1;
        for (const [m, n, k] of sizes) {
          for (const f32 of [false, true]) {
            const A = randomArray(m * k, seed++, f32);
            const B = randomArray(k * n, seed++, f32);
            const C0 = randomArray(m * n, seed++) as Float64Array;
            const alpha = -0.75;
            const beta = 0.5;
            const C = Float64Array.from(C0);
            dgemm(transA, transB, m, n, k, alpha, A, transA ? m : k, 0, B, transB ? k : n, 0, beta, C, n, 0);
            const ref = naive(transA, transB, m, n, k, alpha, A, B, beta, C0);
            let worst = 0;
            for (let i = 0; i < m * n; i++) {
              // Both sums are k-term dot products in different orders: each is within γ_k·Σ|terms|
              // of the exact value (γ_k ≈ k·ε), so they differ by at most 2(k + 2)·ε·Σ|terms|.
              worst = Math.max(worst, Math.abs(C[i] - ref.value[i]) / (2 * (k + 2) * EPS * ref.magnitude[i]));
            }
            expect(worst, `${m}×${n}×${k} f32=${f32}`).toBeLessThanOrEqual(1);
          }
        }
      });
    }
  }

  it('respects leading dimensions and offsets (a view inside a larger buffer)', () => {
    // A is the 5 × 3 block at row 1, column 2 of an 8 × 6 buffer; B the 3 × 4 block at (2, 1) of 5 × 7.
    const bufA = randomArray(48, 11) as Float64Array;
    const bufB = randomArray(35, 12) as Float64Array;
    // C is the 5 × 4 block at offset 2 of a buffer with 9 entries per row.
    const bigC = new Float64Array(6 * 9).fill(7);
    dgemm(false, false, 5, 4, 3, 1, bufA, 6, 1 * 6 + 2, bufB, 7, 2 * 7 + 1, 0, bigC, 9, 2);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let t = 0; t < 3; t++) s += bufA[(1 + i) * 6 + 2 + t] * bufB[(2 + t) * 7 + 1 + j];
        expect(bigC[2 + i * 9 + j]).toBeCloseTo(s, 13);
      }
      // Entries outside the C view are untouched.
      expect(bigC[i * 9]).toBe(7);
      expect(bigC[i * 9 + 8]).toBe(7);
    }
  });

  it('with beta = 0 overwrites C even where it holds NaN (BLAS semantics)', () => {
    const C = new Float64Array(4).fill(NaN);
    dgemm(false, false, 2, 2, 1, 1, new Float64Array([1, 2]), 1, 0, new Float64Array([3, 4]), 2, 0, 0, C, 2, 0);
    expect([...C]).toEqual([3, 4, 6, 8]);
  });

  it('uses operands already in packed form (rows a multiple of 4, ld = k) as they are, serial and threaded, leaving them unchanged', () => {
    const pool = createThreadPool(2);
    try {
      // m = 260 and n = 8 rows of op(A) and op(B)ᵀ, k = 300: A (no transpose) and B (transposed) qualify; 260·8·300 is
      // below the threading threshold, so the 600-row case runs on both threads with SharedArrayBuffer operands.
      for (const [m, n, k, shared] of [
        [260, 8, 300, false],
        [600, 120, 300, true],
      ] as const) {
        const make = (len: number, seed: number): Float64Array => {
          const a = shared ? sharedFloat64(len) : new Float64Array(len);
          a.set(randomArray(len, seed));
          return a;
        };
        const A = make(m * k, 1);
        const B = make(n * k, 2);
        const A0 = Float64Array.from(A);
        const B0 = Float64Array.from(B);
        const C = new Float64Array(m * n);
        dgemm(false, true, m, n, k, 0.5, A, k, 0, B, k, 0, 0, C, n, 0, pool);
        const { value, magnitude } = naive(false, true, m, n, k, 0.5, A0, B0, 0, new Float64Array(m * n));
        for (let i = 0; i < m * n; i++)
          expect(Math.abs(C[i] - value[i])).toBeLessThanOrEqual(2 * (k + 2) * EPS * magnitude[i]);
        expect(A).toEqual(A0);
        expect(B).toEqual(B0);
      }
    } finally {
      pool.dispose();
    }
  });
});
