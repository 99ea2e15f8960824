import type { FloatArray } from '@spec/core';
import { productKernel } from './product-kernel.js';
import { packRows } from './pack.js';
import { PARALLEL_MIN_WORK, type ThreadPool, sharedFloat64 } from './thread-pool.js';

/**
 * General matrix product, BLAS `dgemm` semantics on row-major storage with explicit leading
 * dimensions and offsets (stdlib's `ndarray` convention):
 *
 *   C ← alpha · op(A) · op(B) + beta · C,   op(A) is m × k, op(B) is k × n, C is m × n.
 *
 * A is m × k (or k × m with `transA`) at `A[offA + i·lda + j]`; likewise B (k × n, or n × k with
 * `transB`) and C. A and B may be float32 (converted while packing); C is float64. `beta = 0`
 * overwrites C (even NaN in C is cleared, as in BLAS).
 *
 * Implementation: op(A) and op(B)ᵀ are packed once into contiguous row-major panels (the transpose
 * trick), then the product kernel ({@link productKernel}: WebAssembly SIMD 4 × 2 tiles, or the scalar
 * 4 × 4 register-tiled kernel blocked for L1/L2) accumulates into C.
 * With a `pool` of more than one thread, large products are split by rows across worker threads
 * (results are bitwise those of the serial kernel when beta = 0). No argument checking here; the
 * backend's `gemm` checks shapes.
 */
export function dgemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: FloatArray,
  lda: number,
  offA: number,
  B: FloatArray,
  ldb: number,
  offB: number,
  beta: number,
  C: Float64Array,
  ldc: number,
  offC: number,
  pool?: ThreadPool,
): void {
  // C ← beta · C
  for (let i = 0; i < m; i++) {
    const o = offC + i * ldc;
    if (beta === 0) C.fill(0, o, o + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) C[o + j] *= beta;
  }
  if (m === 0 || n === 0 || k === 0 || alpha === 0) return;
  const mp = (m + 3) & ~3;
  const np = (n + 3) & ~3;
  // P = op(A), m × k contiguous; Q = op(B)ᵀ, n × k contiguous (padding rows stay zero).
  const threaded = pool !== undefined && pool.threads > 1 && m * n * k >= PARALLEL_MIN_WORK;
  // An operand already laid out as its packed form (float64, contiguous rows of length k from offset 0, a multiple of 4
  // rows so no padding row is needed, and shareable with the workers when threaded) is used as is, not copied: e.g. a
  // stored n × n kernel applied at every Lanczos step.
  const asIs = (M: FloatArray, rows: number, ld: number, off: number): M is Float64Array =>
    M instanceof Float64Array &&
    ld === k &&
    off === 0 &&
    rows % 4 === 0 &&
    (!threaded || (M.buffer instanceof SharedArrayBuffer && M.byteOffset === 0));
  const directA = !transA && asIs(A, m, lda, offA);
  const directB = transB && asIs(B, n, ldb, offB);
  const P = directA ? A : threaded ? pool.scratch(0, mp * k) : new Float64Array(mp * k);
  const Q = directB ? B : threaded ? pool.scratch(1, np * k) : new Float64Array(np * k);
  if (!directA) {
    if (threaded) P.fill(0, m * k);
    if (transA) packRows(m, k, A, 1, lda, offA, P, k);
    else packRows(m, k, A, lda, 1, offA, P, k);
  }
  if (!directB) {
    if (threaded) Q.fill(0, n * k);
    if (transB) packRows(n, k, B, ldb, 1, offB, Q, k);
    else packRows(n, k, B, 1, ldb, offB, Q, k);
  }
  if (!threaded) {
    productKernel(m, n, k, alpha, P, Q, C, ldc, offC, false, 0, mp, pool?.simd ?? true);
    return;
  }
  // A zeroed SharedArrayBuffer-backed C is written in place; otherwise workers write into a shared m × n
  // buffer, which is then added to C (same sums either way: the tiles start from 0).
  if (beta === 0 && C.buffer instanceof SharedArrayBuffer) {
    pool.dotKernel(m, n, k, alpha, P, Q, C, ldc, offC, false);
    return;
  }
  const T = sharedFloat64(m * n);
  pool.dotKernel(m, n, k, alpha, P, Q, T, n, 0, false);
  for (let i = 0; i < m; i++) {
    const o = offC + i * ldc;
    const t = i * n;
    for (let j = 0; j < n; j++) C[o + j] += T[t + j];
  }
}
