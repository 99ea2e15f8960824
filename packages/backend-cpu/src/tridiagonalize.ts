import { fusedTridiagonalRows } from './tridiagonal-step.js';
import { type ThreadPool, sharedFloat64 } from './thread-pool.js';
import type { WasmTiles } from './wasm-kernel.js';

/** A tile module on a shared memory (see `sharedWasmMemory`), with the bytes a worker instantiates it from. */
export interface SharedTiles {
  readonly tiles: WasmTiles;
  readonly bytes: Uint8Array;
}

/** Below this many rows a step runs on the calling thread (the hand-off costs ~10 µs). */
const SESSION_MIN_ROWS = 256;

/**
 * Householder vector of row i (entries 0 … i − 1) of the n × n row-major `A`, LAPACK `dlarfg` style:
 * Hᵢ x = beta·e_{i−1} with Hᵢ = I − τ v vᵀ, v[i − 1] = 1. Overwrites the row with v, copies v into
 * `v`, records `d[i]`, `e[i − 1] = beta` and `tau[i]`, and returns τ (0 when the row is already reduced).
 */
function householderRow(n: number, A: Float64Array, i: number, v: Float64Array, d: Float64Array, e: Float64Array, tau: Float64Array): number {
  const ri = i * n;
  d[i] = A[ri + i];
  const alpha = A[ri + i - 1];
  let sigma = 0;
  for (let l = 0; l < i - 1; l++) sigma += A[ri + l] * A[ri + l];
  if (sigma === 0) {
    e[i - 1] = alpha;
    tau[i] = 0;
    for (let l = 0; l < i - 1; l++) v[l] = 0;
    A[ri + i - 1] = 1;
    v[i - 1] = 1;
    return 0;
  }
  const norm = Math.sqrt(alpha * alpha + sigma);
  const beta = alpha >= 0 ? -norm : norm;
  const scale = 1 / (alpha - beta);
  for (let l = 0; l < i - 1; l++) {
    const x = A[ri + l] * scale;
    A[ri + l] = x;
    v[l] = x;
  }
  A[ri + i - 1] = 1;
  v[i - 1] = 1;
  e[i - 1] = beta;
  const t = (beta - alpha) / beta;
  tau[i] = t;
  return t;
}

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
 * Step i: vᵢ annihilates row i left of the sub-diagonal; the leading i × i block B becomes
 * B − v wᵀ − w vᵀ with p = τ B v, w = p − (τ/2)(pᵀv) v. The rank-2 update of step i is fused with
 * the symmetric product B v of step i − 1 (whose reflector comes from row i − 1, updated first), so
 * each step streams once over the rows of the lower triangle, every inner loop contiguous
 * ({@link fusedTridiagonalRows}). With a `pool` of more than one thread and `A` in a SharedArrayBuffer
 * (offset 0), n ≥ 256, one worker thread takes the longer half of the rows of every step. With `wasm`
 * and `A` a view on its memory followed by 4n free doubles (5n with `shared`), the rows run on the f64x2 kernel
 * (`WasmTiles.fusedRow`); with `shared` (the same module instantiated on a shared wasm memory, `A` followed by 5n
 * free doubles) and a pool, a worker instantiates it on that memory and takes the longer half of the rows of
 * every step from n = 256, its partial products in the fifth vector.
 */
export function tridiagonalize(
  n: number,
  A: Float64Array,
  d: Float64Array,
  e: Float64Array,
  tau: Float64Array,
  pool?: ThreadPool,
  wasm?: WasmTiles,
  shared?: SharedTiles,
): void {
  if (n === 0) return;
  e[n - 1] = 0;
  tau.fill(0);
  if (n === 1) {
    d[0] = A[0];
    return;
  }
  const simd = wasm !== undefined && A.buffer === wasm.memory.buffer;
  const threaded =
    !simd && pool !== undefined && pool.threads > 1 && n >= SESSION_MIN_ROWS && A.buffer instanceof SharedArrayBuffer && A.byteOffset === 0;
  const make = threaded ? sharedFloat64 : (len: number) => new Float64Array(len);
  // With the SIMD row kernel, the four work vectors follow A in the same wasm memory (the caller reserved 4n).
  const simdVector = (q: number): Float64Array => new Float64Array(A.buffer, A.byteOffset + 8 * (n * n + q * n), n).fill(0);
  const V0 = simd ? simdVector(0) : make(n);
  const V1 = simd ? simdVector(1) : make(n);
  const P0 = simd ? simdVector(2) : make(n);
  const P1 = simd ? simdVector(3) : make(n);
  let v = V0;
  let p = P0;
  let vNext = V1;
  let pNext = P1;
  let parity = 0;
  // SIMD on two threads: the tile module's memory is shared and the caller reserved a fifth n-vector for the
  // worker's partial products.
  const simdShared = simd && shared !== undefined && shared.tiles === wasm && pool !== undefined && pool.threads > 1 && n >= SESSION_MIN_ROWS;
  const session = threaded
    ? pool.startTridiagonalSession(n, A, V0, V1, P0, P1)
    : simdShared
      ? pool.startTridiagonalSession(n, A, V0, V1, P0, P1, { memory: wasm.memory, bytes: shared.bytes, PW: simdVector(4) })
      : null;
  // Step n − 1 starts with a plain symmetric product p = B v over the leading (n − 1) block.
  let t = householderRow(n, A, n - 1, v, d, e, tau);
  for (let j = 0; j < n - 1; j++) {
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
  for (let i = n - 1; i >= 1; i--) {
    // w = τ p − (τ/2)(τ pᵀv) v, over p.
    let pv = 0;
    for (let l = 0; l < i; l++) {
      p[l] *= t;
      pv += p[l] * v[l];
    }
    const K = 0.5 * t * pv;
    for (let l = 0; l < i; l++) p[l] -= K * v[l];
    const w = p;
    // Row i − 1 first: it holds the next reflector.
    const rl = (i - 1) * n;
    {
      const vj = v[i - 1];
      const wj = w[i - 1];
      for (let l = 0; l <= i - 1; l++) A[rl + l] -= vj * w[l] + wj * v[l];
    }
    if (i === 1) break;
    const tn = householderRow(n, A, i - 1, vNext, d, e, tau);
    pNext.fill(0, 0, i - 1);
    // Rows 0 … i − 2: rank-2 update of step i fused with the product B' vNext of step i − 1; with a
    // session, a worker takes the upper rows (∝ j² work split in half) and its partial sums are added.
    const rows = i - 1;
    if (simd) {
      // With a session, the worker takes rows split … rows − 1 (half the work, ∝ j per row) and its partial
      // products are added after the calling thread's rows 0 … split − 1.
      const split = session !== null && rows >= SESSION_MIN_ROWS ? Math.floor(rows * Math.SQRT1_2) : rows;
      if (split < rows) session!.step(parity, split, rows);
      const fusedRow = wasm.fusedRow;
      const aByte = A.byteOffset;
      const vb = v.byteOffset;
      const wb = w.byteOffset;
      const ub = vNext.byteOffset;
      const pb = pNext.byteOffset;
      // The row loop below, in wasm (one call per step): same arithmetic, same order.
      if (wasm.fusedRows !== undefined) wasm.fusedRows(aByte, vb, wb, ub, pb, n, 0, split);
      else for (let j = 0; j < split; j++) {
        const rj = j * n;
        const vj = v[j];
        const wj = w[j];
        const uj = vNext[j];
        const s = fusedRow(aByte + 8 * rj, vb, wb, ub, pb, j, vj, wj, uj);
        const diag = A[rj + j] - 2 * vj * wj;
        A[rj + j] = diag;
        pNext[j] += s + diag * uj;
      }
      if (split < rows) session!.wait(pNext, rows);
    } else if (session !== null && rows >= SESSION_MIN_ROWS) {
      const split = Math.floor(rows * Math.SQRT1_2);
      session.step(parity, split, rows);
      fusedTridiagonalRows(n, A, v, w, vNext, pNext, 0, split);
      session.wait(pNext, rows);
    } else {
      fusedTridiagonalRows(n, A, v, w, vNext, pNext, 0, rows);
    }
    t = tn;
    parity ^= 1;
    let swap = v;
    v = vNext;
    vNext = swap;
    swap = p;
    p = pNext;
    pNext = swap;
  }
  session?.close();
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
