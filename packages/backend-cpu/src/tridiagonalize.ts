import { productKernel } from './product-kernel.js';
import * as rowsTs from './symmetric-rows.js';
import type { ReductionSession, ThreadPool } from './thread-pool.js';
import type { WasmTiles } from './wasm-kernel.js';

/**
 * Rows per panel (LAPACK's `nb`): the trailing update is a rank-2·PANEL product (depth 2·PANEL on the tile kernel); the
 * panel sweep that chose it is in bench/README.md#why-the-code-is-the-way-it-is (`pnpm bench eigvalsh`).
 */
export const PANEL = 16;

/**
 * Doubles of workspace the blocked reduction needs right after the n × n matrix: the panel's W (PANEL rows), one
 * n-vector for the worker's partial products, and the packed operands of the trailing update (two (n + 4) × 2·PANEL).
 */
export function blockedWorkspace(n: number): number {
  return (PANEL + 1) * n + 4 * PANEL * (n + 4);
}

/**
 * Trailing rows below which a step's symmetric product stays on the calling thread: the hand-off would cost more
 * (bench/README.md#why-the-code-is-the-way-it-is).
 */
const SESSION_MIN_ROWS = 256;

/** The three vector kernels over one array `H` with element offsets (wasm or TypeScript). */
interface RowKernels {
  symvRows(a: number, v: number, p: number, n: number, jStart: number, jEnd: number): void;
  dot(x: number, y: number, len: number): number;
  axpy2(alpha: number, x: number, beta: number, z: number, y: number, len: number): void;
}

function wasmKernels(tiles: WasmTiles): RowKernels & { wasm: true } {
  const { symvRows, dot, axpy2 } = tiles;
  return {
    wasm: true,
    symvRows: (a, v, p, n, js, je) => symvRows(8 * a, 8 * v, 8 * p, n, js, je),
    dot: (x, y, len) => dot(8 * x, 8 * y, len),
    axpy2: (alpha, x, beta, z, y, len) => axpy2(alpha, 8 * x, beta, 8 * z, 8 * y, len),
  };
}

function tsKernels(H: Float64Array): RowKernels & { wasm: false } {
  return {
    wasm: false,
    symvRows: (a, v, p, n, js, je) => rowsTs.symvRows(H, a, v, p, n, js, je),
    dot: (x, y, len) => rowsTs.dot(H, x, y, len),
    axpy2: (alpha, x, beta, z, y, len) => rowsTs.axpy2(H, alpha, x, beta, z, y, len),
  };
}

/** Options of {@link tridiagonalize}. */
export interface BlockedReductionOptions {
  /** Threads for the trailing products, and (with `session`) a second thread for the symmetric products. */
  readonly pool?: ThreadPool;
  /** Run the vector kernels on this tile module; `A` must then be a view on its memory. */
  readonly wasm?: WasmTiles;
  /**
   * A worker session on the same tile module (on a shared memory; see `ThreadPool.startReductionSession`) that takes
   * part of every symmetric product and trailing update. Only used with `wasm`.
   */
  readonly session?: ReductionSession | null;
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, T = Qᵀ A Q, blocked as LAPACK `dsytrd` (`uplo = 'L'`
 * in column-major terms, i.e. the UPPER triangle of a row-major matrix, reduced from the top so every reflector is a
 * contiguous row). The theory pages have no formula here; the reference is Golub & Van Loan §8.3.1 and LAPACK's
 * `dlatrd`.
 *
 * Panels of {@link PANEL} rows are reduced one row at a time against the not-yet-updated trailing matrix: the
 * row is first brought up to date with the panel's earlier reflectors (V, W), its reflector v is formed, then
 * p = B v − V (Wᵀv) − W (Vᵀv) and w = τ p − (τ²/2)(pᵀv)·v with one pass over the trailing triangle B (read
 * only: the memory-bound half, `symvRows`). After the panel the trailing matrix takes the whole rank-2b update
 * B ← B − V Wᵀ − W Vᵀ as one product (the compute-bound half: in place on the wasm `dotBlock` kernel, shared with
 * the `session`'s worker; or through the product kernel and `pool`). Each element of B is thus written once per
 * panel instead of once per row.
 *
 * Works in place on the upper triangle of the n × n row-major `A`, which must be followed in its buffer by
 * {@link blockedWorkspace}(n) free doubles (the lower triangle is scratch: it may be overwritten near the diagonal).
 * On return `d[i]` is T's diagonal, `e[i]` couples i and i + 1 (`e[n − 1] = 0`), and row i of A holds the reflector
 * vᵢ in entries i + 1 … n − 1 (vᵢ[i + 1] = 1) with scale `tau[i]`: Q = H₀ H₁ ⋯ H_{n−2}, Hᵢ = I − τᵢ vᵢ vᵢᵀ
 * (see {@link applyReflectorsToRows}).
 */
export function tridiagonalize(
  n: number,
  A: Float64Array,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
  options: BlockedReductionOptions = {},
): void {
  if (n === 0) return;
  tau.fill(0);
  e[n - 1] = 0;
  const { pool, wasm } = options;
  const H = new Float64Array(A.buffer);
  const base = A.byteOffset / 8;
  const row = (i: number): number => base + i * n;
  const wBase = base + n * n;
  const wRow = (k: number): number => wBase + k * n;
  const pw = wBase + PANEL * n;
  const kernels = wasm !== undefined && A.buffer === wasm.memory.buffer ? wasmKernels(wasm) : tsKernels(H);
  const { symvRows, dot, axpy2 } = kernels;
  const pack = { p: pw + n, q: pw + n + 2 * PANEL * (n + 4) };
  const simd = pool?.simd ?? true;
  const session = kernels.wasm && options.session !== undefined ? options.session : null;
  for (let s = 0; s < n - 1; s += PANEL) {
    const b = Math.min(PANEL, n - 1 - s);
    for (let k = 0; k < b; k++) {
      const i = s + k;
      const ri = row(i);
      // 1. Bring row i (entries i … n − 1) up to date with the panel's earlier reflectors.
      for (let q = 0; q < k; q++) {
        const rq = row(s + q);
        const wq = wRow(q);
        axpy2(-H[wq + i], rq + i, -H[rq + i], wq + i, ri + i, n - i);
      }
      d[i] = H[ri + i];
      // 2. Reflector of row i (LAPACK dlarfg): v[i + 1] = 1, v[i + 2 …] = x / (alpha − beta).
      const m = n - i - 1;
      const alpha = H[ri + i + 1];
      const sigma = m > 1 ? dot(ri + i + 2, ri + i + 2, m - 1) : 0;
      const wk = wRow(k);
      H.fill(0, wk + i + 1, wk + n);
      if (sigma === 0) {
        e[i] = alpha;
        tau[i] = 0;
        H[ri + i + 1] = 1;
        continue; // τ = 0: H_i = I and w = 0
      }
      const norm = Math.sqrt(alpha * alpha + sigma);
      const beta = alpha >= 0 ? -norm : norm;
      const scale = 1 / (alpha - beta);
      for (let l = ri + i + 2; l < ri + n; l++) H[l] *= scale;
      H[ri + i + 1] = 1;
      e[i] = beta;
      const t = (beta - alpha) / beta;
      tau[i] = t;
      // 3. p = B v over the trailing triangle (rows i + 1 … n − 1); a session's worker takes the shorter lower rows
      //    (half the work) into its own vector, added afterwards.
      const split = session !== null && m >= SESSION_MIN_ROWS ? i + 1 + Math.floor(m * (1 - Math.SQRT1_2)) : n;
      if (split < n) session!.symv(8 * base, 8 * ri, 8 * pw, n, split, n);
      symvRows(base, ri, wk, n, i + 1, split);
      if (split < n) {
        session!.wait();
        for (let l = split; l < n; l++) H[wk + l] += H[pw + l];
      }
      // 4. Subtract the panel's pending update: p −= V (Wᵀv) + W (Vᵀv).
      for (let q = 0; q < k; q++) {
        const rq = row(s + q);
        const wq = wRow(q);
        const wv = dot(wq + i + 1, ri + i + 1, m);
        const vv = dot(rq + i + 1, ri + i + 1, m);
        axpy2(-wv, rq + i + 1, -vv, wq + i + 1, wk + i + 1, m);
      }
      // 5. w = τ p − (τ/2)(τ pᵀv) v.
      let pv = 0;
      for (let l = i + 1; l < n; l++) {
        const x = H[wk + l] * t;
        H[wk + l] = x;
        pv += x * H[ri + l];
      }
      const c = -0.5 * t * pv;
      for (let l = i + 1; l < n; l++) H[wk + l] += c * H[ri + l];
    }
    // Trailing update B ← B − V Wᵀ − W Vᵀ on rows/columns s + b … n − 1: C[r, c] −= Σ_q P[r, q] Q[c, q] with
    // P = [V | W] and Q = [W | V] (both m × 2b), upper tiles only.
    const top = s + b;
    if (top >= n) continue;
    const panel: Panel = { n, H, base, s, b, wBase, top, m: n - top };
    if (kernels.wasm) trailingUpdateWasm(panel, pack, wasm!, session);
    else trailingUpdate(panel, A, pool, simd);
  }
  d[n - 1] = H[row(n - 1) + n - 1];
}

/** A finished panel: rows s … s + b − 1 of the n × n matrix at H[base], their W rows at H[wBase], trailing rows top … top + m − 1. */
interface Panel {
  readonly n: number;
  readonly H: Float64Array;
  readonly base: number;
  readonly s: number;
  readonly b: number;
  readonly wBase: number;
  readonly top: number;
  readonly m: number;
}

/**
 * Packs the trailing update's operands for rows top … top + m − 1: P[r] = sign·[V | W][top + r] at P[p0 + 2b·r …] and
 * Q[r] = [W | V][top + r] at Q[q0 + 2b·r …], V being the panel's reflector rows s … s + b − 1 of the matrix at H[base]
 * and W its rows at H[wBase], so that Σ_t P[r, t] Q[c, t] = sign·(V Wᵀ + W Vᵀ)[top + r, top + c].
 */
function packPanel(panel: Panel, P: Float64Array, p0: number, Q: Float64Array, q0: number, sign: number): void {
  const { n, H, base, s, b, wBase, top, m } = panel;
  const K = 2 * b;
  for (let k = 0; k < b; k++) {
    const v = base + (s + k) * n + top;
    const w = wBase + k * n + top;
    for (let r = 0; r < m; r++) {
      const x = H[v + r];
      const y = H[w + r];
      const o = r * K;
      P[p0 + o + k] = sign * x;
      P[p0 + o + b + k] = sign * y;
      Q[q0 + o + k] = y;
      Q[q0 + o + b + k] = x;
    }
  }
}

/**
 * The panel's rank-2b update of the trailing block at (top, top) on the tile module itself: P = −[V | W] and
 * Q = [W | V] are packed into its memory and `dotBlock` adds P Qᵀ to the upper tiles of the block in place (one call
 * per thread: the session's worker takes the lower rows, half the work); the last m mod 4 rows in scalar code.
 */
function trailingUpdateWasm(
  panel: Panel,
  pack: { p: number; q: number },
  wasm: WasmTiles,
  session: ReductionSession | null,
): void {
  const { n, H, base, b, top, m } = panel;
  const K = 2 * b;
  const mp = ((m + 3) & ~3) + 4;
  const { p, q } = pack;
  H.fill(0, p + m * K, p + mp * K);
  H.fill(0, q + m * K, q + mp * K);
  packPanel(panel, H, p, H, q, -1);
  const m4 = m & ~3;
  const c = base + top * n + top;
  // Upper-triangle work of rows [0, r) ∝ r·m − r²/2: the worker takes the rows past m(1 − 1/√2) (half of it).
  const split = session !== null && m4 >= 64 ? Math.floor(m * (1 - Math.SQRT1_2)) & ~3 : m4;
  if (split < m4)
    session!.dotBlock(8 * (p + split * K), 8 * q, K, 8 * K, m4 - split, m, 8 * (c + split * n), 8 * n, split);
  if (split > 0) wasm.dotBlock(8 * p, 8 * q, K, 8 * K, split, m, 8 * c, 8 * n, 0);
  for (let r = m4; r < m; r++) {
    const pr = p + r * K;
    for (let j = r; j < m; j++) {
      const qj = q + j * K;
      let acc = 0;
      for (let t = 0; t < K; t++) acc += H[pr + t] * H[qj + t];
      H[c + r * n + j] += acc;
    }
  }
  if (split < m4) session!.wait();
}

/** The panel's rank-2b update of the trailing m × m block at (top, top), upper triangle, as one product (TypeScript path). */
function trailingUpdate(panel: Panel, A: Float64Array, pool: ThreadPool | undefined, simd: boolean): void {
  const { n, b, top, m } = panel;
  const K = 2 * b;
  const mp = (m + 3) & ~3;
  const threaded = pool !== undefined && pool.threads > 1 && A.buffer instanceof SharedArrayBuffer;
  const P = threaded ? pool.scratch(0, mp * K) : new Float64Array(mp * K);
  const Q = threaded ? pool.scratch(1, mp * K) : new Float64Array(mp * K);
  if (threaded) {
    P.fill(0, m * K);
    Q.fill(0, m * K);
  }
  packPanel(panel, P, 0, Q, 0, 1);
  const offC = top * n + top;
  if (threaded) pool.dotKernel(m, m, K, -1, P, Q, A, n, offC, true);
  else productKernel(m, m, K, -1, P, Q, A, n, offC, true, 0, mp, simd);
}

/**
 * Back-transformation after {@link tridiagonalize}: replaces each of the `count` rows y of `Y` (row length n)
 * by Q y = H₀ (H₁ (⋯ H_{n−2} y)), the reflectors stored in the upper triangle of `reflectors` with scales `tau`.
 * Rows of Y are eigenvectors of T on input and of A on output. Four rows share each pass over a reflector.
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
    for (let i = n - 2; i >= 0; i--) {
      const t = tau[i];
      if (t === 0) continue;
      const vi = i * n;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let l = i + 1; l < n; l++) {
        const x = reflectors[vi + l];
        s0 += x * Y[y0 + l];
        s1 += x * Y[y1 + l];
        s2 += x * Y[y2 + l];
        s3 += x * Y[y3 + l];
      }
      s0 *= t;
      s1 *= t;
      s2 *= t;
      s3 *= t;
      for (let l = i + 1; l < n; l++) {
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
    for (let i = n - 2; i >= 0; i--) {
      const t = tau[i];
      if (t === 0) continue;
      const vi = i * n;
      let s = 0;
      for (let l = i + 1; l < n; l++) s += reflectors[vi + l] * Y[y0 + l];
      s *= t;
      for (let l = i + 1; l < n; l++) Y[y0 + l] -= s * reflectors[vi + l];
    }
  }
}
