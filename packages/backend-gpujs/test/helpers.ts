import type { Matrix } from '@spec/core';

/**
 * Entry-wise float32 error bound of a product op(A)·op(B) with inner dimension k: inputs rounded to
 * float32 (relative u each), k float32 multiply-adds (relative ≤ k·u), so
 * |C₃₂ − C₆₄|_ij ≤ (k + 2)·u·(|op(A)| |op(B)|)_ij with u = 2⁻²⁴ ≈ 5.96e-8 (Higham, Accuracy and
 * Stability, §3.1). For k ≤ 100 that is ≤ 6.1e-6 ≤ 1e-5, the backend's relative tolerance for float32 products;
 * the tests below keep k ≤ 100 so 1e-5 is a proven bound, not a fitted one.
 */
export const PRODUCT_RTOL = 1e-5;

/** max_ij |C − R|_ij / (|op(A)| |op(B)|)_ij, the error relative to the magnitude bound (0/0 counts as 0). */
export function productError(C: Matrix, R: Matrix, absBound: Matrix): number {
  let worst = 0;
  for (let i = 0; i < C.data.length; i++) {
    const d = Math.abs(C.data[i] - R.data[i]);
    if (d === 0) continue;
    worst = Math.max(worst, d / absBound.data[i]);
  }
  return worst;
}

/** |M| entry-wise, float64. */
export function abs(M: Matrix): Matrix {
  return { rows: M.rows, cols: M.cols, data: Float64Array.from(M.data, Math.abs) };
}

/** Naive float64 triple loop op(A)·op(B), an independent route from both backends. */
export function naiveProduct(A: Matrix, B: Matrix, transA = false, transB = false): Matrix {
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const n = transB ? B.rows : B.cols;
  const a = (i: number, q: number) => (transA ? A.data[q * A.cols + i] : A.data[i * A.cols + q]);
  const b = (q: number, j: number) => (transB ? B.data[j * B.cols + q] : B.data[q * B.cols + j]);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a(i, q) * b(q, j);
      out[i * n + j] = s;
    }
  return { rows: m, cols: n, data: out };
}
