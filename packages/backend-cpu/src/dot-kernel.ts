/**
 * The register-tiled core of the CPU products: C[i, j] += alpha · Σ_k P[i, k] · Q[j, k] for
 * i < m, j < n, where P (≥ ⌈m/4⌉·4 rows) and Q (≥ ⌈n/4⌉·4 rows) are contiguous row-major with `k`
 * columns, zero-padded to a multiple of 4 rows. Both operands are read along contiguous rows, so the
 * innermost loop is a 4 × 4 block of dot products held in 16 local accumulators; K is blocked for L1
 * and Q is blocked in panels for L2.
 *
 * With `upper`, only tiles on or above the diagonal are computed (for symmetric products, P = Q);
 * the caller mirrors them. C is addressed as `C[offC + i·ldc + j]`. Only rows `rowStart` ≤ i < `rowEnd`
 * (multiples of 4; default all) are computed, so threads can share the work.
 *
 * The function is self-contained (no module-level references): its source is also run by the worker
 * threads of `ThreadPool.dotKernel`.
 */
export function dotKernel(
  m: number,
  n: number,
  k: number,
  alpha: number,
  P: Float64Array,
  Q: Float64Array,
  C: Float64Array,
  ldc: number,
  offC: number,
  upper: boolean,
  rowStart = 0,
  rowEnd: number = (m + 3) & ~3,
): void {
  // Depth of a K block: 4 rows of each operand × 256 doubles = 16 KiB, resident in L1.
  const KC = 256;
  // Rows of the right operand per panel: 256 × 256 doubles = 512 KiB, resident in L2.
  const NC = 256;
  const np = (n + 3) & ~3;
  for (let kb = 0; kb < k; kb += KC) {
    const ke = Math.min(k, kb + KC);
    for (let jb = 0; jb < np; jb += NC) {
      const je = Math.min(np, jb + NC);
      for (let i = rowStart; i < rowEnd; i += 4) {
        const a0 = i * k;
        const a1 = a0 + k;
        const a2 = a1 + k;
        const a3 = a2 + k;
        const js = upper ? Math.max(jb, i) : jb;
        for (let j = js; j < je; j += 4) {
          const b0 = j * k;
          const b1 = b0 + k;
          const b2 = b1 + k;
          const b3 = b2 + k;
          let c00 = 0,
            c01 = 0,
            c02 = 0,
            c03 = 0;
          let c10 = 0,
            c11 = 0,
            c12 = 0,
            c13 = 0;
          let c20 = 0,
            c21 = 0,
            c22 = 0,
            c23 = 0;
          let c30 = 0,
            c31 = 0,
            c32 = 0,
            c33 = 0;
          for (let t = kb; t < ke; t++) {
            const x0 = P[a0 + t];
            const x1 = P[a1 + t];
            const x2 = P[a2 + t];
            const x3 = P[a3 + t];
            const y0 = Q[b0 + t];
            const y1 = Q[b1 + t];
            const y2 = Q[b2 + t];
            const y3 = Q[b3 + t];
            c00 += x0 * y0;
            c01 += x0 * y1;
            c02 += x0 * y2;
            c03 += x0 * y3;
            c10 += x1 * y0;
            c11 += x1 * y1;
            c12 += x1 * y2;
            c13 += x1 * y3;
            c20 += x2 * y0;
            c21 += x2 * y1;
            c22 += x2 * y2;
            c23 += x2 * y3;
            c30 += x3 * y0;
            c31 += x3 * y1;
            c32 += x3 * y2;
            c33 += x3 * y3;
          }
          const o = offC + i * ldc + j;
          if (i + 3 < m && j + 3 < n) {
            C[o] += alpha * c00;
            C[o + 1] += alpha * c01;
            C[o + 2] += alpha * c02;
            C[o + 3] += alpha * c03;
            const o1 = o + ldc;
            C[o1] += alpha * c10;
            C[o1 + 1] += alpha * c11;
            C[o1 + 2] += alpha * c12;
            C[o1 + 3] += alpha * c13;
            const o2 = o1 + ldc;
            C[o2] += alpha * c20;
            C[o2 + 1] += alpha * c21;
            C[o2 + 2] += alpha * c22;
            C[o2 + 3] += alpha * c23;
            const o3 = o2 + ldc;
            C[o3] += alpha * c30;
            C[o3 + 1] += alpha * c31;
            C[o3 + 2] += alpha * c32;
            C[o3 + 3] += alpha * c33;
          } else {
            const acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
            for (let r = 0; r < 4 && i + r < m; r++) {
              for (let s = 0; s < 4 && j + s < n; s++) C[o + r * ldc + s] += alpha * acc[r * 4 + s];
            }
          }
        }
      }
    }
  }
}
