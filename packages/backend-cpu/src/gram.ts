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
export function dgram(
  d: number,
  n: number,
  A: FloatArray,
  lda: number,
  offA: number,
  G: Float64Array,
  pool?: ThreadPool,
): void {
  gramOfPacked(d, n, G, pool, (At) => packRows(n, d, A, 1, lda, offA, At, d));
}

/**
 * Gram matrix G = A Aᵀ of an n × d matrix A (samples are rows, as layers lay out their activations), written to the
 * n × n `G`: {@link dgram} of Aᵀ, with A's rows copied as they are instead of transposed (same kernel, same bits as
 * `dgram` of the transposed matrix). A is read at `A[offA + i·lda + j]`.
 */
export function dgramRows(
  n: number,
  d: number,
  A: FloatArray,
  lda: number,
  offA: number,
  G: Float64Array,
  pool?: ThreadPool,
): void {
  gramOfPacked(d, n, G, pool, (At) => packRows(n, d, A, lda, 1, offA, At, d));
}

/** The Gram of the n rows of length d that `pack` writes into the packed operand. */
function gramOfPacked(
  d: number,
  n: number,
  G: Float64Array,
  pool: ThreadPool | undefined,
  pack: (At: Float64Array) => void,
): void {
  G.fill(0, 0, n * n);
  if (n === 0 || d === 0) return;
  const np = (n + 3) & ~3;
  const threaded = pool !== undefined && pool.threads > 1 && (n * n * d) / 2 >= PARALLEL_MIN_WORK;
  const At = threaded ? pool.scratch(0, np * d) : new Float64Array(np * d);
  if (threaded) At.fill(0, n * d);
  pack(At);
  if (threaded && !(G.buffer instanceof SharedArrayBuffer)) {
    const T = sharedFloat64(n * n);
    pool.dotKernel(n, n, d, 1, At, At, T, n, 0, true);
    G.set(T);
  } else if (threaded) {
    pool.dotKernel(n, n, d, 1, At, At, G, n, 0, true);
  } else {
    productKernel(n, n, d, 1, At, At, G, n, 0, true, 0, np, pool?.simd ?? true);
  }
  mirrorUpper(n, G);
}

/** Edge of the blocks in which {@link mirrorUpper} copies (two 64 × 64 blocks of doubles fit in L1). */
const MIRROR_BLOCK = 64;

/**
 * G[i, j] ← G[j, i] for j < i (the upper triangle wins; tiles straddling the diagonal computed both halves), block by
 * block so that the column-wise reads stay in cache (a plain row loop reads G with stride n and misses the cache on
 * every read; bench/README.md#why-the-code-is-the-way-it-is).
 */
function mirrorUpper(n: number, G: Float64Array): void {
  for (let i0 = 0; i0 < n; i0 += MIRROR_BLOCK) {
    const i1 = Math.min(n, i0 + MIRROR_BLOCK);
    for (let j0 = 0; j0 <= i0; j0 += MIRROR_BLOCK) {
      const j1 = Math.min(i1, j0 + MIRROR_BLOCK);
      for (let i = i0; i < i1; i++) {
        const row = i * n;
        const end = Math.min(j1, i);
        for (let j = j0; j < end; j++) G[row + j] = G[j * n + i];
      }
    }
  }
}
