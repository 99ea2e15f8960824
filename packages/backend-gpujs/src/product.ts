import { SpecError, createRng } from '@spec/core';
import { type KernelCache, accumulateRows } from './kernel-cache.js';

/** Tile sizes of a product (see {@link defaultTiles}). */
export interface Tiles {
  /** Largest output tile side (rows and columns of C per kernel call). */
  readonly tile: number;
  /** Largest inner dimension per kernel call; partial sums are added in float64 on the host. */
  readonly kTile: number;
}

/**
 * Row-major dot-product kernel: thread (x, y) computes Σ_k a[y, k] · b[x, k], so both operands are
 * read contiguously (op(B) is passed transposed). The loop bound is a compile-time constant and
 * `loopMaxIterations` equals it, so GL modes can never truncate the loop silently (gpu.js's default
 * cap is 1000 iterations).
 */
const DOT_SOURCE =
  'function (a, b) { let s = 0; for (let k = 0; k < this.constants.K; k++) { s += a[this.thread.y * this.constants.K + k] * b[this.thread.x * this.constants.K + k]; } return s; }';

/** Copies rows [r0, r1) × columns [c0, c1) of a row-major matrix with `cols` columns into a new float32 array. */
function block(src: Float32Array, cols: number, r0: number, r1: number, c0: number, c1: number): Float32Array {
  if (c0 === 0 && c1 === cols) return src.subarray(r0 * cols, r1 * cols);
  const w = c1 - c0;
  const out = new Float32Array((r1 - r0) * w);
  for (let i = r0; i < r1; i++) out.set(src.subarray(i * cols + c0, i * cols + c1), (i - r0) * w);
  return out;
}

/** Inputs of {@link tiledProduct}: P = a · btᵀ with a (m × k) and bt (n × k), both row-major float32. */
export interface ProductInput {
  readonly a: Float32Array;
  readonly bt: Float32Array;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** When a and bt are the same matrix: compute the upper tiles only and mirror (exactly symmetric). */
  readonly symmetric?: boolean;
}

/**
 * P = a · btᵀ (m × n) in float32 kernels, tiled so no kernel sees more than `tile × kTile` inputs or
 * a `tile × tile` output (gpu.js issues 552/817/491: oversized textures fail silently), with the
 * partial sums over k-tiles added in float64 on the host. Returns the float64 accumulator.
 */
export function tiledProduct(cache: KernelCache, input: ProductInput, tiles: Tiles, mode: string): Float64Array {
  const { a, bt, m, n, k, symmetric = false } = input;
  const out = new Float64Array(m * n);
  if (k === 0 || m === 0 || n === 0) return out;
  // A symmetric product computes only tiles on or above the diagonal: with ≥ 4 tiles per side that is ≤ 10/16 of the
  // work, so symmetric products use tiles of at most ⌈m/4⌉ (but ≥ 256: smaller tiles cost more in per-call overhead
  // than they save; bench/README.md#why-the-code-is-the-way-it-is, `pnpm bench gpujs`).
  const tile = symmetric ? Math.min(tiles.tile, Math.max(256, Math.ceil(m / 4))) : tiles.tile;
  for (let i0 = 0; i0 < m; i0 += tile) {
    const i1 = Math.min(m, i0 + tile);
    for (let j0 = symmetric ? i0 : 0; j0 < n; j0 += tile) {
      const j1 = Math.min(n, j0 + tile);
      for (let k0 = 0; k0 < k; k0 += tiles.kTile) {
        const k1 = Math.min(k, k0 + tiles.kTile);
        const kk = k1 - k0;
        const rows = i1 - i0;
        const cols = j1 - j0;
        const kernel = cache.get(`dot:${rows}x${cols}x${kk}`, DOT_SOURCE, {
          output: [cols, rows],
          constants: { K: kk },
          loopMaxIterations: kk,
          precision: 'single',
        });
        const result = kernel(block(a, k, i0, i1, k0, k1), block(bt, k, j0, j1, k0, k1));
        if (!accumulateRows(result, rows, cols, out, i0 * n + j0, n)) {
          throw new SpecError(
            'E_BACKEND',
            `gpu.js (${mode}) returned a malformed result for a ${rows} × ${cols} product tile; try a smaller tile or --backend cpu`,
          );
        }
      }
    }
  }
  if (symmetric) {
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) out[i * n + j] = out[j * n + i];
  }
  return out;
}

/**
 * Relative tolerance of the probe check in {@link checkProduct}. Each entry of P is a sum of at
 * most kTile ≤ 1024 float32 products of float32-rounded inputs, so its error is at most
 * (kTile + 2)·u·(|a||bt|ᵀ)_ij with u = 2⁻²⁴ ≈ 6e-8, i.e. ≤ 6.2e-5 of the magnitude bound (the float64
 * host sums add nothing visible). 1e-3 can therefore never flag a correct product, while a tile of
 * zeros, garbage, or a truncated loop moves the probe by far more.
 */
export const PROBE_TOLERANCE = 1e-3;

/**
 * Cheap validation of P = a · btᵀ (O(mk + nk + mn) instead of O(mnk)): with a fixed Gaussian probe
 * x, compares P x against a (btᵀ x) in float64, entry by entry, relative to |a| (|bt|ᵀ |x|). Throws
 * `E_BACKEND` on a mismatch or a non-finite entry, naming the row.
 */
export function checkProduct(P: Float64Array, input: ProductInput, mode: string): void {
  const { a, bt, m, n, k } = input;
  const rng = createRng(0x5eed);
  const x = new Float64Array(n);
  rng.fillNormal(x);
  const y = new Float64Array(k);
  const yAbs = new Float64Array(k);
  for (let j = 0; j < n; j++) {
    const xj = x[j];
    const axj = Math.abs(xj);
    const base = j * k;
    for (let q = 0; q < k; q++) {
      const b = bt[base + q];
      y[q] += b * xj;
      yAbs[q] += Math.abs(b) * axj;
    }
  }
  for (let i = 0; i < m; i++) {
    let want = 0;
    let bound = 0;
    for (let q = 0; q < k; q++) {
      const v = a[i * k + q];
      want += v * y[q];
      bound += Math.abs(v) * yAbs[q];
    }
    let got = 0;
    for (let j = 0; j < n; j++) got += P[i * n + j] * x[j];
    if (!Number.isFinite(got)) {
      throw new SpecError(
        'E_BACKEND',
        `gpu.js (${mode}) produced a non-finite entry in row ${i} of a ${m} × ${n} product (float32 overflow?); use --backend cpu`,
      );
    }
    if (Math.abs(got - want) > PROBE_TOLERANCE * bound + 1e-300) {
      throw new SpecError(
        'E_BACKEND',
        `gpu.js (${mode}) returned a wrong ${m} × ${n} product (probe check failed in row ${i}: ${got} vs ${want}); ` +
          'this is the silent large-texture failure of gpu.js — use a smaller tile size or --backend cpu',
      );
    }
  }
}
