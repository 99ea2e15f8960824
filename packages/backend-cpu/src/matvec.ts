import type { FloatArray } from '@spec/core';

/**
 * y ← A x (or Aᵀ x with `trans`) for the rows × cols row-major A at `A[offA + i·lda + j]`, BLAS `dgemv`
 * with alpha = 1, beta = 0. Without `trans` each entry is a contiguous dot product with a row of A;
 * with `trans`, y accumulates x[i] · (row i of A), again over contiguous memory. `y` is overwritten
 * and has length cols (trans) or rows.
 */
export function dmatvec(
  trans: boolean,
  rows: number,
  cols: number,
  A: FloatArray,
  lda: number,
  offA: number,
  x: FloatArray,
  y: Float64Array,
): void {
  if (!trans) {
    for (let i = 0; i < rows; i++) {
      const o = offA + i * lda;
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 1 < cols; j += 2) {
        s0 += A[o + j] * x[j];
        s1 += A[o + j + 1] * x[j + 1];
      }
      if (j < cols) s0 += A[o + j] * x[j];
      y[i] = s0 + s1;
    }
    return;
  }
  y.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const o = offA + i * lda;
    const xi = x[i];
    if (xi === 0) continue;
    for (let j = 0; j < cols; j++) y[j] += xi * A[o + j];
  }
}
