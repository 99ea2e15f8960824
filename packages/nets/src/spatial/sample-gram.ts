import type { Backend, Matrix } from '@spec/core';

/*
 * Grams over samples on the backend: the CK of a batch (⟨z_a, z_b⟩ over all positions and channels) and the NTK share
 * of a layer as the Gram of its per-sample parameter gradients (apps/docs/theory/architectures.md#finite-layers).
 */

/** Default memory for the per-sample gradient rows held at once (256 MiB: two blocks of half of it). */
export const DEFAULT_BLOCK_BYTES = 256 * 2 ** 20;

/** A backend result as float64 (a float32 backend's output is widened; a float64 one is returned as is). */
export function float64(m: Matrix): Float64Array {
  return m.data instanceof Float64Array ? m.data : Float64Array.from(m.data);
}

/** M Mᵀ (n × n, exactly symmetric) for M of n rows of length P (row-major): the backend's Gram of the rows. */
export function rowGram(backend: Backend, M: Float64Array, n: number, P: number): Float64Array {
  if (P === 0) return new Float64Array(n * n);
  return float64(backend.gram({ rows: n, cols: P, data: M }, { rows: true }));
}

/**
 * The n × n Gram J Jᵀ of per-sample rows of length P that `rowsOf(from, to)` produces for samples from … to − 1
 * ((to − from) × P, row-major), B samples at a time: each pair of blocks is one backend product, and with more than
 * one block each off-diagonal pair recomputes the earlier block's rows, so at most two blocks are held. Exactly
 * symmetric (the lower triangle is computed and mirrored).
 */
export function blockedRowGram(
  backend: Backend,
  n: number,
  P: number,
  B: number,
  rowsOf: (from: number, to: number) => Float64Array,
): Float64Array {
  const theta = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    const JI = rowsOf(i0, i1);
    for (let k0 = 0; k0 <= i0; k0 += B) {
      const k1 = Math.min(n, k0 + B);
      const JK = k0 === i0 ? JI : rowsOf(k0, k1);
      const w = k1 - k0;
      // A diagonal block is a Gram (half the work); the others a product with the earlier block.
      const block =
        k0 === i0
          ? rowGram(backend, JI, i1 - i0, P)
          : float64(
              backend.gemm({ rows: i1 - i0, cols: P, data: JI }, { rows: w, cols: P, data: JK }, { transB: true }),
            );
      for (let a = i0; a < i1; a++) {
        for (let b = k0; b < Math.min(k1, a + 1); b++) theta[a * n + b] = block[(a - i0) * w + (b - k0)];
      }
    }
  }
  return mirrorLower(theta, n);
}

/** Fills the upper triangle of an n × n matrix from its lower one (for routines that compute entries a ≥ b only). */
export function mirrorLower(theta: Float64Array, n: number): Float64Array {
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) theta[b * n + a] = theta[a * n + b];
  return theta;
}

/** Samples per block so that `perSample` float64s per sample fit in `blockBytes` (at least 1, at most n). */
export function samplesPerBlock(n: number, perSample: number, blockBytes: number): number {
  return Math.max(1, Math.min(n, Math.floor(blockBytes / (8 * Math.max(1, perSample)))));
}

/**
 * The n × n Gram J Jᵀ of per-sample parameter gradients, where `fill(a, rows)` adds ∂f(x_a)/∂θ into `rows` (one
 * zeroed array per parameter, of the given `sizes`): the NTK share of a layer whose weights are used in ways that do
 * not factor into Grams of inputs and signals (apps/docs/theory/architectures.md#finite-layers). Time O(n² P) for P
 * parameters, as backend products. Two blocks of rows of at most `blockBytes / 2` each (default 256 MiB in all) are held
 * at once ({@link blockedRowGram}).
 */
export function perSampleGradientGram(
  backend: Backend,
  n: number,
  sizes: ReadonlyArray<number>,
  fill: (a: number, rows: ReadonlyArray<Float64Array>) => void,
  blockBytes = DEFAULT_BLOCK_BYTES,
): Float64Array {
  const P = sizes.reduce((s, v) => s + v, 0);
  const rowsOf = (from: number, to: number): Float64Array => {
    const J = new Float64Array((to - from) * P);
    for (let a = from; a < to; a++) {
      const rows: Float64Array[] = [];
      let offset = (a - from) * P;
      for (const size of sizes) {
        rows.push(J.subarray(offset, offset + size));
        offset += size;
      }
      fill(a, rows);
    }
    return J;
  };
  return blockedRowGram(backend, n, P, samplesPerBlock(n, P, blockBytes / 2), rowsOf);
}

/** A ← A + B (n × n arrays); returns A. */
export function addInto(A: Float64Array, B: Float64Array): Float64Array {
  for (let i = 0; i < A.length; i++) A[i] += B[i];
  return A;
}
