/** Default memory for the per-sample gradient rows held at once (256 MiB). */
const DEFAULT_BLOCK_BYTES = 256 * 2 ** 20;

/**
 * The n × n Gram J Jᵀ of per-sample parameter gradients, where `fill(a, rows)` adds ∂f(x_a)/∂θ into `rows` (one
 * zeroed array per parameter, of the given `sizes`): the NTK share of a layer whose weights are used in ways that do
 * not factor into Grams of inputs and signals (apps/docs/theory/architectures.md#finite-layers). Time O(n² P) for P
 * parameters. The rows of at most `blockBytes` (default 256 MiB) are held at once: when all n rows do not fit, samples
 * go in blocks and each off-diagonal block pair recomputes the earlier block's rows (more `fill` calls, the same
 * numbers bit for bit, since every entry is the same dot product).
 */
export function perSampleGradientGram(
  n: number,
  sizes: ReadonlyArray<number>,
  fill: (a: number, rows: ReadonlyArray<Float64Array>) => void,
  blockBytes = DEFAULT_BLOCK_BYTES,
): Float64Array {
  const P = sizes.reduce((s, v) => s + v, 0);
  const block = Math.max(1, Math.min(n, Math.floor(blockBytes / (8 * Math.max(P, 1)))));
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
  if (block >= n) return rowGram(rowsOf(0, n), n, P);
  const G = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += block) {
    const i1 = Math.min(n, i0 + block);
    const JI = rowsOf(i0, i1);
    for (let k0 = 0; k0 <= i0; k0 += block) {
      const k1 = Math.min(n, k0 + block);
      const JK = k0 === i0 ? JI : rowsOf(k0, k1);
      for (let a = i0; a < i1; a++) {
        const ra = (a - i0) * P;
        for (let b = k0; b < Math.min(k1, a + 1); b++) {
          const rb = (b - k0) * P;
          let s = 0;
          for (let k = 0; k < P; k++) s += JI[ra + k] * JK[rb + k];
          G[a * n + b] = s;
          G[b * n + a] = s;
        }
      }
    }
  }
  return G;
}

/** M Mᵀ for M of n rows of length P (row-major), as an n × n row-major array. */
export function rowGram(M: Float64Array, n: number, P: number): Float64Array {
  const G = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const ra = a * P;
    for (let b = 0; b <= a; b++) {
      const rb = b * P;
      let s = 0;
      for (let k = 0; k < P; k++) s += M[ra + k] * M[rb + k];
      G[a * n + b] = s;
      G[b * n + a] = s;
    }
  }
  return G;
}

/** A ← A + B (n × n arrays); returns A. */
export function addInto(A: Float64Array, B: Float64Array): Float64Array {
  for (let i = 0; i < A.length; i++) A[i] += B[i];
  return A;
}
