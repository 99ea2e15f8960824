/**
 * The dense-to-band reduction's vector kernels in plain TypeScript, over one Float64Array `H` with element offsets:
 * the fallback where WebAssembly SIMD is unavailable (or `simd: false`), and the reference the wasm forms
 * (wasm-reduction.ts) are tested against. Same contracts as `WasmTiles.dot` and `axpy2`.
 */

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
