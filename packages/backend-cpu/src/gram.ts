import type { FloatArray } from '@spec/core';
import { productKernel } from './product-kernel.js';
import { packRows } from './pack.js';
import { PARALLEL_MIN_WORK, type ThreadPool, sharedFloat64 } from './thread-pool.js';

/**
 * Gram matrix G = AᵀA of a d × n matrix A (samples are columns), written to the n × n `G`
 * (row-major, leading dimension n, overwritten). A is read at `A[offA + i·lda + j]` and may be float32.
 *
 * Aᵀ is formed once (n × d, contiguous rows), then only the 4 × 4 tiles on or above the diagonal are
 * computed by the product kernel ({@link productKernel}) and mirrored, so G is exactly symmetric and costs half
 * a GEMM (the BLAS `dsyrk` idea). With a `pool` of more than one thread, large Gram matrices are split
 * across worker threads in row ranges of equal work (results bitwise equal to the serial kernel).
 */
export function dgram(d: number, n: number, A: FloatArray, lda: number, offA: number, G: Float64Array, pool?: ThreadPool): void {
  G.fill(0, 0, n * n);
  if (n === 0 || d === 0) return;
  const np = (n + 3) & ~3;
  const threaded = pool !== undefined && pool.threads > 1 && (n * n * d) / 2 >= PARALLEL_MIN_WORK;
  const At = threaded ? pool.scratch(0, np * d) : new Float64Array(np * d);
  if (threaded) At.fill(0, n * d);
  packRows(n, d, A, 1, lda, offA, At, d);
  if (threaded && !(G.buffer instanceof SharedArrayBuffer)) {
    const T = sharedFloat64(n * n);
    pool.dotKernel(n, n, d, 1, At, At, T, n, 0, true);
    G.set(T);
  } else if (threaded) {
    pool.dotKernel(n, n, d, 1, At, At, G, n, 0, true);
  } else {
    productKernel(n, n, d, 1, At, At, G, n, 0, true, 0, np, pool?.simd ?? true);
  }
  // Mirror the upper triangle (tiles straddling the diagonal computed both halves; the upper wins).
  for (let i = 1; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < i; j++) G[row + j] = G[j * n + i];
  }
}
