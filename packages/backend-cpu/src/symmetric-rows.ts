/**
 * The blocked reduction's vector kernels in plain TypeScript, over one Float64Array `H` with element offsets:
 * the fallback where WebAssembly SIMD is unavailable (or `simd: false`), and the reference the wasm forms
 * (wasm-reduction.ts) are tested against. Same contracts as `WasmTiles.symvRows`, `dot` and `axpy2`.
 */

/** Rows jStart ≤ j < jEnd of p += B v, B in the upper triangle of the row-major n × n matrix at H[a]. */
export function symvRows(
  H: Float64Array,
  a: number,
  v: number,
  p: number,
  n: number,
  jStart: number,
  jEnd: number,
): void {
  for (let j = jStart; j < jEnd; j++) {
    const rj = a + j * n;
    const vj = H[v + j];
    let s = 0;
    for (let l = j + 1; l < n; l++) {
      const x = H[rj + l];
      s += x * H[v + l];
      H[p + l] += x * vj;
    }
    H[p + j] += s + H[rj + j] * vj;
  }
}

/** Σ_{l<len} H[x + l]·H[y + l]. */
export function dot(H: Float64Array, x: number, y: number, len: number): number {
  let s = 0;
  for (let l = 0; l < len; l++) s += H[x + l] * H[y + l];
  return s;
}

/** H[y + l] += alpha·H[x + l] + beta·H[z + l] for l < len. */
export function axpy2(
  H: Float64Array,
  alpha: number,
  x: number,
  beta: number,
  z: number,
  y: number,
  len: number,
): void {
  for (let l = 0; l < len; l++) H[y + l] += alpha * H[x + l] + beta * H[z + l];
}
