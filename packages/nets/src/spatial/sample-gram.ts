/**
 * The n × n Gram J Jᵀ of per-sample parameter gradients, where `fill(a, rows)` adds ∂f(x_a)/∂θ into `rows` (one
 * zeroed array per parameter, of the given `sizes`): the NTK share of a layer whose weights are used in ways that do
 * not factor into Grams of inputs and signals (apps/docs/theory/architectures.md#finite-layers). Memory n·P floats for
 * P parameters; time O(n² P).
 */
export function perSampleGradientGram(
  n: number,
  sizes: ReadonlyArray<number>,
  fill: (a: number, rows: ReadonlyArray<Float64Array>) => void,
): Float64Array {
  const P = sizes.reduce((s, v) => s + v, 0);
  const J = new Float64Array(n * P);
  for (let a = 0; a < n; a++) {
    const rows: Float64Array[] = [];
    let offset = a * P;
    for (const size of sizes) {
      rows.push(J.subarray(offset, offset + size));
      offset += size;
    }
    fill(a, rows);
  }
  return rowGram(J, n, P);
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
