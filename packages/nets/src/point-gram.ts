/**
 * The columns of a d × n row-major matrix as contiguous rows (n × d), so that inner products of points run over
 * adjacent memory.
 */
export function pointRows(data: ArrayLike<number>, d: number, n: number): Float64Array {
  const t = new Float64Array(n * d);
  for (let p = 0; p < d; p++) for (let i = 0; i < n; i++) t[i * d + p] = data[p * n + i];
  return t;
}

/**
 * Inner products of points (apps/docs/theory/infinite-width.md#mlp-recursions: the Gram a layer's first kernel starts
 * from): entry (i, j) = scale · Σ_p a_{i,p} b_{j,p} over the rows of `a` (m × d) and `b` (n × d) from {@link pointRows},
 * each sum taken over p = 0..d−1 in order — so every entry has the bits of the plain loop — in 4 × 4 blocks (8 loads per
 * 16 multiply-adds). With `a === b` only the upper triangle is computed and mirrored (exactly symmetric).
 */
export function pointGram(a: Float64Array, m: number, b: Float64Array, n: number, d: number, scale = 1): Float64Array {
  const g = new Float64Array(m * n);
  const upper = a === b;
  let i = 0;
  for (; i + 3 < m; i += 4) {
    let j = upper ? i : 0;
    for (; j + 3 < n; j += 4) dot4x4(a, i, b, j, d, scale, g, n);
    for (; j < n; j++)
      for (let r = i; r < i + 4; r++) if (!upper || j >= r) g[r * n + j] = pointDot(a, r, b, j, d) * scale;
  }
  for (; i < m; i++) for (let j = upper ? i : 0; j < n; j++) g[i * n + j] = pointDot(a, i, b, j, d) * scale;
  if (upper) for (let r = 0; r < n; r++) for (let j = 0; j < r; j++) g[r * n + j] = g[j * n + r];
  return g;
}

/** Σ_p a_{i,p} b_{j,p} over rows of length d, in index order (the entries of {@link pointGram}). */
export function pointDot(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  const oa = i * d;
  const ob = j * d;
  let s = 0;
  for (let p = 0; p < d; p++) s += a[oa + p] * b[ob + p];
  return s;
}

/**
 * out[(i + r)·ld + j + c] = ⟨a_{i+r}, b_{j+c}⟩·scale for r, c = 0..3, rows of length d, each sum in index order (16
 * independent sums per pass, 8 loads for 16 multiply-adds).
 */
function dot4x4(
  a: Float64Array,
  i: number,
  b: Float64Array,
  j: number,
  d: number,
  scale: number,
  out: Float64Array,
  ld: number,
): void {
  const a0 = i * d;
  const a1 = a0 + d;
  const a2 = a1 + d;
  const a3 = a2 + d;
  const b0 = j * d;
  const b1 = b0 + d;
  const b2 = b1 + d;
  const b3 = b2 + d;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s23 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  let s33 = 0;
  for (let p = 0; p < d; p++) {
    const x0 = a[a0 + p];
    const x1 = a[a1 + p];
    const x2 = a[a2 + p];
    const x3 = a[a3 + p];
    const y0 = b[b0 + p];
    const y1 = b[b1 + p];
    const y2 = b[b2 + p];
    const y3 = b[b3 + p];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  const o = i * ld + j;
  out[o] = s00 * scale;
  out[o + 1] = s01 * scale;
  out[o + 2] = s02 * scale;
  out[o + 3] = s03 * scale;
  out[o + ld] = s10 * scale;
  out[o + ld + 1] = s11 * scale;
  out[o + ld + 2] = s12 * scale;
  out[o + ld + 3] = s13 * scale;
  out[o + 2 * ld] = s20 * scale;
  out[o + 2 * ld + 1] = s21 * scale;
  out[o + 2 * ld + 2] = s22 * scale;
  out[o + 2 * ld + 3] = s23 * scale;
  out[o + 3 * ld] = s30 * scale;
  out[o + 3 * ld + 1] = s31 * scale;
  out[o + 3 * ld + 2] = s32 * scale;
  out[o + 3 * ld + 3] = s33 * scale;
}
