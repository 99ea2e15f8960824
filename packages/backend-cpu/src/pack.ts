import type { FloatArray } from '@spec/core';

/** Edge of the square tiles used by {@link packRows} when it transposes (fits two tiles in L1). */
const TILE = 32;

/**
 * Copies a `rows × cols` strided view of `src` (element (i, j) at `offset + i·stride1 + j·stride2`)
 * into `out` as a contiguous row-major matrix with `ld` ≥ cols entries per row, converting float32
 * to float64. With `stride2 === 1` rows are copied directly; otherwise the copy runs in 32 × 32 tiles
 * so that a transposing copy stays cache-friendly. This is the "transpose trick" that makes every
 * inner loop of the products a contiguous dot product.
 */
export function packRows(
  rows: number,
  cols: number,
  src: FloatArray,
  stride1: number,
  stride2: number,
  offset: number,
  out: Float64Array,
  ld: number,
): void {
  if (stride2 === 1) {
    for (let i = 0; i < rows; i++) {
      const s = offset + i * stride1;
      const o = i * ld;
      for (let j = 0; j < cols; j++) out[o + j] = src[s + j];
    }
    return;
  }
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(rows, i0 + TILE);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const o = i * ld;
        let s = offset + i * stride1 + j0 * stride2;
        for (let j = j0; j < j1; j++, s += stride2) out[o + j] = src[s];
      }
    }
  }
}
