/**
 * Householder reduction of a symmetric matrix to tridiagonal form, T = Qᵀ A Q (LAPACK `dsytd2`
 * with `uplo = 'L'`, reduced from the bottom row up so every reflector is a contiguous row).
 *
 * Works in place on the LOWER triangle of the n × n row-major `A` (the upper triangle is neither
 * read nor written). On return:
 * - `d[i]` is T's diagonal, `e[i]` couples i and i + 1 (i < n − 1; `e[n − 1] = 0`);
 * - row i of A holds the reflector vᵢ in entries 0 … i − 1 (`vᵢ[i − 1] = 1`), with scale `tau[i]`,
 *   so that Q = H_{n−1} ⋯ H_2 with Hᵢ = I − tau[i] vᵢ vᵢᵀ acting on indices 0 … i − 1
 *   (see {@link applyReflectorsToRows}).
 *
 * Step i: vᵢ annihilates row i left of the sub-diagonal; the leading i × i block B is updated as
 * B ← B − v wᵀ − w vᵀ with p = τ B v, w = p − (τ/2)(pᵀv) v, one contiguous row of the lower triangle
 * at a time: the symmetric product B v and the rank-2 update each read row j's entries 0 … j only.
 */
export function tridiagonalize(n: number, A: Float64Array, d: Float64Array, e: Float64Array, tau: Float64Array): void {
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  if (n === 0) return;
  e[n - 1] = 0;
  tau.fill(0);
  for (let i = n - 1; i >= 1; i--) {
    const ri = i * n;
    d[i] = A[ri + i];
    const alpha = A[ri + i - 1];
    let sigma = 0;
    for (let l = 0; l < i - 1; l++) sigma += A[ri + l] * A[ri + l];
    if (sigma === 0) {
      // Row i is already tridiagonal: H = I.
      e[i - 1] = alpha;
      A[ri + i - 1] = 1;
      continue;
    }
    const norm = Math.sqrt(alpha * alpha + sigma);
    const beta = alpha >= 0 ? -norm : norm;
    const t = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let l = 0; l < i - 1; l++) {
      const x = A[ri + l] * scale;
      A[ri + l] = x;
      v[l] = x;
    }
    A[ri + i - 1] = 1;
    v[i - 1] = 1;
    e[i - 1] = beta;
    tau[i] = t;
    // p = τ · B v, with B the leading i × i block stored in the lower triangle.
    p.fill(0, 0, i);
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      const vj = v[j];
      let s = 0;
      for (let l = 0; l < j; l++) {
        const a = A[rj + l];
        s += a * v[l];
        p[l] += a * vj;
      }
      p[j] += s + A[rj + j] * vj;
    }
    let pv = 0;
    for (let l = 0; l < i; l++) {
      p[l] *= t;
      pv += p[l] * v[l];
    }
    // w = p − (τ/2)(pᵀv) v, stored over p.
    const K = 0.5 * t * pv;
    for (let l = 0; l < i; l++) p[l] -= K * v[l];
    // B ← B − v wᵀ − w vᵀ on the lower triangle.
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      const vj = v[j];
      const wj = p[j];
      for (let l = 0; l <= j; l++) A[rj + l] -= vj * p[l] + wj * v[l];
    }
  }
  d[0] = A[0];
}

/**
 * Back-transformation after {@link tridiagonalize}: replaces each of the `count` rows y of `Y`
 * (row-major, row length n) by Q y, where Q = H_{n−1} ⋯ H_2 is stored in the rows of `reflectors`
 * with scales `tau`. Rows of Y are eigenvectors of T on input and of A on output. Four rows are
 * processed together so each reflector is loaded once per four vectors.
 */
export function applyReflectorsToRows(
  n: number,
  reflectors: Float64Array,
  tau: Float64Array,
  Y: Float64Array,
  count: number,
): void {
  let r = 0;
  for (; r + 3 < count; r += 4) {
    const y0 = r * n;
    const y1 = y0 + n;
    const y2 = y1 + n;
    const y3 = y2 + n;
    for (let i = 2; i < n; i++) {
      const t = tau[i];
      if (t === 0) continue;
      const vi = i * n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let l = 0; l < i; l++) {
        const x = reflectors[vi + l];
        s0 += x * Y[y0 + l];
        s1 += x * Y[y1 + l];
        s2 += x * Y[y2 + l];
        s3 += x * Y[y3 + l];
      }
      s0 *= t; s1 *= t; s2 *= t; s3 *= t;
      for (let l = 0; l < i; l++) {
        const x = reflectors[vi + l];
        Y[y0 + l] -= s0 * x;
        Y[y1 + l] -= s1 * x;
        Y[y2 + l] -= s2 * x;
        Y[y3 + l] -= s3 * x;
      }
    }
  }
  for (; r < count; r++) {
    const y0 = r * n;
    for (let i = 2; i < n; i++) {
      const t = tau[i];
      if (t === 0) continue;
      const vi = i * n;
      let s = 0;
      for (let l = 0; l < i; l++) s += reflectors[vi + l] * Y[y0 + l];
      s *= t;
      for (let l = 0; l < i; l++) Y[y0 + l] -= s * reflectors[vi + l];
    }
  }
}
