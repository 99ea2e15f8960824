/**
 * One row range of the fused step of {@link tridiagonalize}: for rows jStart ≤ j < jEnd of the lower
 * triangle of the n × n row-major `A`, applies the rank-2 update A ← A − v wᵀ − w vᵀ of the current
 * step and accumulates the next step's symmetric product pNext += A·vNext (restricted to those rows'
 * contributions: entry l of row j adds to pNext[j] and pNext[l]). Every inner loop is contiguous.
 *
 * Self-contained (no module-level references): worker threads run its source too.
 */
export function fusedTridiagonalRows(
  n: number,
  A: Float64Array,
  v: Float64Array,
  w: Float64Array,
  vNext: Float64Array,
  pNext: Float64Array,
  jStart: number,
  jEnd: number,
): void {
  for (let j = jStart; j < jEnd; j++) {
    const rj = j * n;
    const vj = v[j];
    const wj = w[j];
    const uj = vNext[j];
    let s = 0;
    for (let l = 0; l < j; l++) {
      const a = A[rj + l] - (vj * w[l] + wj * v[l]);
      A[rj + l] = a;
      s += a * vNext[l];
      pNext[l] += a * uj;
    }
    const diag = A[rj + j] - 2 * vj * wj;
    A[rj + j] = diag;
    pNext[j] += s + diag * uj;
  }
}
