import { dotKernel } from './dot-kernel.js';
import { WASM_MIN_DEPTH, wasmDotKernel, wasmTiles } from './wasm-kernel.js';

/**
 * The product kernel of the calling thread: {@link wasmDotKernel} (WebAssembly SIMD) when available and
 * the depth k is at least 16 (and `simd` is not false), else the scalar {@link dotKernel}. Same contract as {@link dotKernel}.
 */
export function productKernel(
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
  simd = true,
): void {
  const tiles = simd && k >= WASM_MIN_DEPTH ? wasmTiles() : null;
  if (tiles !== null && wasmDotKernel(tiles, m, n, k, alpha, P, Q, C, ldc, offC, upper, rowStart, rowEnd)) return;
  dotKernel(m, n, k, alpha, P, Q, C, ldc, offC, upper, rowStart, rowEnd);
}
