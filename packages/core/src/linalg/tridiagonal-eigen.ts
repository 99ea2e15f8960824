import { SpecError } from '../errors.js';

/** Options of {@link tridiagonalEigen}. */
export interface TridiagonalEigenOptions {
  /** Also compute the eigenvectors (default false). */
  readonly vectors?: boolean;
  /**
   * Compute only the first component of every eigenvector (default false): all Golub–Welsch quadrature needs, in
   * O(n²) instead of the O(n³) of the full vectors (the rotations act on each column of Qᵀ independently).
   */
  readonly firstComponents?: boolean;
}

/** Result of {@link tridiagonalEigen}. */
export interface TridiagonalEigenResult {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /**
   * With `vectors: true`: n × n row-major; column j is the unit eigenvector of `values[j]`
   * (entry i of that vector is `vectors[i * n + j]`).
   */
  readonly vectors?: Float64Array;
  /** With `firstComponents: true`: entry j is the first component of the unit eigenvector of `values[j]`. */
  readonly firstComponents?: Float64Array;
}

/** Most QL sweeps allowed per eigenvalue before giving up (EISPACK uses 30; LAPACK 30 per value). */
const MAX_SWEEPS_PER_VALUE = 60;

/**
 * √(a² + b²) without spurious overflow or underflow: the plain formula where the squares are safe (|a|, |b| within
 * 2^±500), `Math.hypot` otherwise. V8's `Math.hypot` is a generic variadic builtin, much slower than `Math.sqrt`, and
 * the QL sweep calls it once per rotation (bench/README.md#why-the-code-is-the-way-it-is).
 */
function pythag(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  const big = x > y ? x : y;
  if (big < 3.0e150 && big > 3.0e-150) return Math.sqrt(a * a + b * b);
  return Math.hypot(a, b);
}

/**
 * In-place implicit QL with Wilkinson shifts on a symmetric tridiagonal matrix (the EISPACK `tql2`
 * algorithm), the kernel behind {@link tridiagonalEigen} and the CPU backend's symmetric eigensolver.
 *
 * - `d` (length n): the diagonal; on return the eigenvalues, ascending.
 * - `e` (length ≥ n): `e[j]` couples rows j and j+1 for j < n − 1; `e[n − 1]` is scratch. Destroyed.
 * - `z` (optional, n × w row-major with w = z.length / n, or `null`): every plane rotation is applied to the
 *   ROWS of `z`, i.e. `z ← Qᵀ z` where T = Q Λ Qᵀ. Starting from the n × n identity, row j of `z` ends as the
 *   unit eigenvector of `d[j]` (rows, not columns, so the rotations run over contiguous memory); starting from
 *   the first unit vector (w = 1), entry j ends as that eigenvector's first component.
 *
 * Inputs are not checked here (see {@link tridiagonalEigen}). Throws `E_CONVERGENCE` when an
 * eigenvalue needs more than 60 sweeps (which does not happen for finite input in practice).
 */
export function tridiagonalQL(d: Float64Array, e: Float64Array, z: Float64Array | null): void {
  const n = d.length;
  if (n === 0) return;
  const w = z === null ? 0 : z.length / n;
  e[n - 1] = 0;
  const eps = Number.EPSILON;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    // Find a negligible sub-diagonal element to split the matrix.
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
        // Wilkinson shift: the eigenvalue of the leading 2 × 2 block closer to d[l].
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
        // Implicit QL sweep from m − 1 up to l.
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
            const a = i * w;
            const b = a + w;
            for (let k = 0; k < w; k++) {
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
    d.sort(); // typed-array sort: numeric, ascending
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
      const a = i * w;
      const b = k * w;
      for (let j = 0; j < w; j++) {
        const t = z[a + j];
        z[a + j] = z[b + j];
        z[b + j] = t;
      }
    }
  }
}

/**
 * Eigenvalues (ascending) and optionally eigenvectors of the symmetric tridiagonal matrix with
 * diagonal `diag` (length n) and off-diagonal `offDiag` (length n − 1; `offDiag[j]` couples j and
 * j + 1), by implicit QL with Wilkinson shifts (EISPACK `tql2`). Used for Golub–Welsch Gauss
 * quadrature: with the Jacobi matrix of an orthogonal-polynomial family, the values are the nodes and
 * the squared first components of the vectors, times the total mass, are the weights.
 *
 * Inputs are not modified. Throws `E_SHAPE` on mismatched lengths, `E_INPUT` on NaN/±Inf, and
 * `E_CONVERGENCE` if the QL iteration stalls.
 *
 * @example
 * ```ts
 * const { values } = tridiagonalEigen(new Float64Array([2, 2]), new Float64Array([-1])); // [1, 3]
 * ```
 */
export function tridiagonalEigen(
  diag: Float64Array,
  offDiag: Float64Array,
  options?: TridiagonalEigenOptions,
): TridiagonalEigenResult {
  const n = diag.length;
  if (offDiag.length !== Math.max(n - 1, 0)) {
    throw new SpecError(
      'E_SHAPE',
      `tridiagonalEigen: offDiag must have length n − 1 = ${Math.max(n - 1, 0)} for a diagonal of length ${n}, got ${offDiag.length}`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(diag[i]))
      throw new SpecError('E_INPUT', `tridiagonalEigen: diag[${i}] is not finite (${diag[i]})`);
  }
  for (let i = 0; i < n - 1; i++) {
    if (!Number.isFinite(offDiag[i]))
      throw new SpecError('E_INPUT', `tridiagonalEigen: offDiag[${i}] is not finite (${offDiag[i]})`);
  }
  const d = Float64Array.from(diag);
  const e = new Float64Array(n);
  e.set(offDiag);
  if (options?.firstComponents && !options.vectors) {
    const first = new Float64Array(n);
    if (n > 0) first[0] = 1;
    tridiagonalQL(d, e, first);
    return { values: d, firstComponents: first };
  }
  if (!options?.vectors) {
    tridiagonalQL(d, e, null);
    return { values: d };
  }
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  tridiagonalQL(d, e, z);
  // Rows of z are the eigenvectors; the contract is columns.
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const row = j * n;
    for (let i = 0; i < n; i++) vectors[i * n + j] = z[row + i];
  }
  if (!options.firstComponents) return { values: d, vectors };
  const firstComponents = new Float64Array(n);
  for (let j = 0; j < n; j++) firstComponents[j] = z[j * n];
  return { values: d, vectors, firstComponents };
}
