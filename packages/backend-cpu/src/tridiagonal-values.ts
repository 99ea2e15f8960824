import { SpecError } from '@spec/core';

/** Most QL sweeps allowed per eigenvalue (as in `tridiagonalQL` of `@spec/core`). */
const MAX_SWEEPS_PER_VALUE = 60;

/**
 * √(a² + b²) without spurious overflow or underflow: the plain formula where the squares are safe (|a|, |b| within
 * 2^±500), `Math.hypot` otherwise. V8's `Math.hypot` is a generic variadic builtin several times slower than `Math.sqrt`,
 * and the QL sweep calls it once per rotation.
 */
function pythag(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  const big = x > y ? x : y;
  if (big < 3.0e150 && big > 3.0e-150) return Math.sqrt(a * a + b * b);
  return Math.hypot(a, b);
}

/**
 * Eigenvalues only (ascending, in `d`) of a symmetric tridiagonal matrix by implicit QL with Wilkinson shifts: the
 * arithmetic of `tridiagonalQL(d, e, null)` from `@spec/core` (EISPACK `tql2` without vectors), with a fast
 * {@link pythag} for `Math.hypot` (results agree to a few ulps of ‖T‖) and a typed-array sort for the selection sort.
 * `e[j]` couples rows j and j + 1 (j < n − 1); destroyed. With `z` (n × n row-major), every rotation is applied to its
 * rows as in `tridiagonalQL` (from the identity, row j ends as the eigenvector of `d[j]`); the values do not depend on
 * `z`, so `eigvalsh` and `eigh` of the CPU backend return the same eigenvalues bit for bit.
 * Throws `E_CONVERGENCE` after 60 sweeps for one value.
 */
export function tridiagonalValues(d: Float64Array, e: Float64Array, z: Float64Array | null = null): void {
  const n = d.length;
  if (n === 0) return;
  e[n - 1] = 0;
  const eps = Number.EPSILON;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > MAX_SWEEPS_PER_VALUE) {
          throw new SpecError(
            'E_CONVERGENCE',
            `tridiagonal QL did not converge for eigenvalue ${l} of ${n} after ${MAX_SWEEPS_PER_VALUE} sweeps ` +
              `(|e| = ${Math.abs(e[l])}); check the input for extreme scaling`,
          );
        }
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = pythag(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = e[i];
          g = c * ei;
          h = c * p;
          r = pythag(p, ei);
          e[i + 1] = s * r;
          s = ei / r;
          c = p / r;
          const di = d[i];
          p = c * di - s * g;
          d[i + 1] = h + s * (c * g + s * di);
          if (z !== null) {
            const a = i * n;
            const b = a + n;
            for (let k = 0; k < n; k++) {
              const zb = z[b + k];
              const za = z[a + k];
              z[b + k] = s * za + c * zb;
              z[a + k] = c * za - s * zb;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  if (z === null) {
    d.sort();
    return;
  }
  // Selection sort, ascending, swapping the rows of z along (at most n row swaps).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k !== i) {
      d[k] = d[i];
      d[i] = p;
      const a = i * n;
      const b = k * n;
      for (let j = 0; j < n; j++) {
        const t = z[a + j];
        z[a + j] = z[b + j];
        z[b + j] = t;
      }
    }
  }
}
