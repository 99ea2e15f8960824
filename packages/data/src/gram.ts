import type { Matrix } from '@spec/core';

/**
 * AᵀA (c × c for A of r × c, row-major), exactly symmetric: the default Gram product of preprocessing and
 * diagnostics when no backend is passed. The columns of A are copied into contiguous rows, then each pair
 * of 2 × 2 columns is reduced together (four dot products share their loads). O(r c²/2).
 */
export function gramMatrix(A: Matrix): Matrix {
  const { rows: r, cols: c, data } = A;
  const T = new Float64Array(r * c); // T[i * r + k] = A[k, i]
  for (let k = 0; k < r; k++) {
    const base = k * c;
    for (let i = 0; i < c; i++) T[i * r + k] = data[base + i];
  }
  const G = new Float64Array(c * c);
  for (let i = 0; i < c; i += 2) {
    const i1 = Math.min(i + 1, c - 1);
    const a0 = i * r;
    const a1 = i1 * r;
    for (let j = i; j < c; j += 2) {
      const j1 = Math.min(j + 1, c - 1);
      const b0 = j * r;
      const b1 = j1 * r;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < r; k++) {
        const x0 = T[a0 + k];
        const x1 = T[a1 + k];
        const y0 = T[b0 + k];
        const y1 = T[b1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      // Clamped indices (odd c) write the same value twice, which is harmless.
      G[i * c + j] = G[j * c + i] = s00;
      G[i * c + j1] = G[j1 * c + i] = s01;
      G[i1 * c + j] = G[j * c + i1] = s10;
      G[i1 * c + j1] = G[j1 * c + i1] = s11;
    }
  }
  return { rows: c, cols: c, data: G };
}
