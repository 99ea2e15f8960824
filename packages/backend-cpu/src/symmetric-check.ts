import { type FloatArray, SpecError } from '@spec/core';

/** Relative asymmetry tolerated by the eigensolvers: |a_ij − a_ji| ≤ 1e-8 · max_kl |a_kl|. */
export const SYMMETRY_TOLERANCE = 1e-8;

/**
 * Checks that the n × n row-major `A` is finite (`E_INPUT` naming the first bad entry) and symmetric
 * within {@link SYMMETRY_TOLERANCE} relative to its largest entry (`E_INPUT` naming the worst pair).
 * The scale is the largest entry rather than each pair's own size, so rounding noise on tiny entries
 * of a computed kernel matrix does not count as asymmetry.
 */
export function checkSymmetric(n: number, A: FloatArray, what: string): void {
  let maxAbs = 0;
  for (let k = 0; k < n * n; k++) {
    const x = A[k];
    if (!Number.isFinite(x)) {
      const i = Math.floor(k / n);
      throw new SpecError('E_INPUT', `${what} has a non-finite value (${x}) at row ${i}, column ${k - i * n}`);
    }
    const a = Math.abs(x);
    if (a > maxAbs) maxAbs = a;
  }
  let worst = 0;
  let wi = 0;
  let wj = 0;
  const B = 64;
  for (let i0 = 0; i0 < n; i0 += B) {
    for (let j0 = 0; j0 <= i0; j0 += B) {
      const i1 = Math.min(n, i0 + B);
      for (let i = i0; i < i1; i++) {
        const j1 = Math.min(i, j0 + B);
        for (let j = j0; j < j1; j++) {
          const diff = Math.abs(A[i * n + j] - A[j * n + i]);
          if (diff > worst) {
            worst = diff;
            wi = i;
            wj = j;
          }
        }
      }
    }
  }
  if (worst > SYMMETRY_TOLERANCE * maxAbs) {
    throw new SpecError(
      'E_INPUT',
      `${what} is not symmetric: entries (${wi}, ${wj}) = ${A[wi * n + wj]} and (${wj}, ${wi}) = ${A[wj * n + wi]} ` +
        `differ by ${worst.toExponential(3)} > ${SYMMETRY_TOLERANCE} × max|a| = ${(SYMMETRY_TOLERANCE * maxAbs).toExponential(3)}; ` +
        'symmetrise it, e.g. (S + Sᵀ)/2',
    );
  }
}
