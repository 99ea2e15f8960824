/**
 * One Householder reflector (LAPACK `dlarfg`), shared by the dense-to-band and band-to-tridiagonal reductions.
 *
 * For x = H[x0 … x0 + len): finds τ and v with v[0] = 1 such that (I − τ v vᵀ) x = (β, 0, …, 0). Writes β to H[x0]
 * and v[1 …] over x[1 …]; returns τ (0 when x[1 …] is already zero: then the reflector is the identity and x is left
 * as it is). `sumSquares` is Σ x[1 …]², computed by the caller's kernel.
 */
export function reflector(H: Float64Array, x0: number, len: number, sumSquares: number): number {
  if (len < 2 || sumSquares === 0) return 0;
  const alpha = H[x0];
  const norm = Math.sqrt(alpha * alpha + sumSquares);
  const beta = alpha >= 0 ? -norm : norm;
  const scale = 1 / (alpha - beta);
  for (let l = x0 + 1; l < x0 + len; l++) H[l] *= scale;
  H[x0] = beta;
  return (beta - alpha) / beta;
}
