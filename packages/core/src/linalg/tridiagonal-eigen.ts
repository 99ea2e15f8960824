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

/** Eigenvalues of the symmetric 2 × 2 matrix [[a, b], [b, c]] (LAPACK `dlae2`): [larger in absolute value, other]. */
function eigenvalues2x2(a: number, b: number, c: number): [number, number] {
  const sm = a + c;
  const adf = Math.abs(a - c);
  const ab = Math.abs(b + b);
  const [acmx, acmn] = Math.abs(a) > Math.abs(c) ? [a, c] : [c, a];
  let rt: number;
  if (adf > ab) rt = adf * Math.sqrt(1 + (ab / adf) ** 2);
  else if (adf < ab) rt = ab * Math.sqrt(1 + (adf / ab) ** 2);
  else rt = ab * Math.SQRT2;
  if (sm === 0) return [0.5 * rt, -0.5 * rt];
  const rt1 = sm < 0 ? 0.5 * (sm - rt) : 0.5 * (sm + rt);
  // The other one from the determinant, without cancellation.
  return [rt1, (acmx / rt1) * acmn - (b / rt1) * b];
}

/** LAPACK's unit roundoff (2⁻⁵³) and safe minimum (2⁻¹⁰²²). */
const UNIT_ROUNDOFF = Number.EPSILON / 2;
const SAFE_MIN = 2 ** -1022;

/**
 * In-place eigenvalues of a symmetric tridiagonal matrix by the root-free (Pal–Walker–Kahan) variant of implicit QL
 * and QR with Wilkinson-type shifts — LAPACK `dsterf`, the step numpy's `eigvalsh` ends with. Each unreduced block
 * works on the squared off-diagonal, so a sweep needs divisions but no square roots; QL or QR is chosen per block
 * so that the iteration chases from the end with the larger diagonal entry (graded matrices converge fast either
 * way round). Reference: Parlett, "The Symmetric Eigenvalue Problem", §8.15.
 *
 * - `d` (length n): the diagonal; on return the eigenvalues, ascending.
 * - `e` (length ≥ n − 1): `e[j]` couples j and j + 1; destroyed.
 *
 * Blocks whose largest entry is near overflow or underflow are scaled first. Inputs are not checked here (finite
 * values expected). Throws `E_CONVERGENCE` when 30·n sweeps in all do not suffice.
 */
export function tridiagonalEigenvalues(d: Float64Array, e: Float64Array): void {
  const n = d.length;
  if (n <= 1) return;
  const eps = UNIT_ROUNDOFF;
  const eps2 = eps * eps;
  const ssfmax = Math.sqrt(1 / SAFE_MIN) / 3;
  const ssfmin = Math.sqrt(SAFE_MIN) / eps2;
  const maxSweeps = 30 * n;
  let sweeps = 0;
  let l1 = 0;
  while (l1 < n) {
    if (l1 > 0) e[l1 - 1] = 0;
    // The unreduced block l1 … m.
    let m = l1;
    for (; m < n - 1; m++) {
      if (Math.abs(e[m]) <= Math.sqrt(Math.abs(d[m])) * Math.sqrt(Math.abs(d[m + 1])) * eps) {
        e[m] = 0;
        break;
      }
    }
    let l = l1;
    const lsv = l;
    let lend = m;
    const lendsv = lend;
    l1 = m + 1;
    if (lend === l) continue;
    let anorm = 0;
    for (let i = l; i <= lend; i++) anorm = Math.max(anorm, Math.abs(d[i]));
    for (let i = l; i < lend; i++) anorm = Math.max(anorm, Math.abs(e[i]));
    if (anorm === 0) continue;
    const scale = anorm > ssfmax ? ssfmax / anorm : anorm < ssfmin ? ssfmin / anorm : 1;
    if (scale !== 1) {
      for (let i = l; i <= lend; i++) d[i] *= scale;
      for (let i = l; i < lend; i++) e[i] *= scale;
    }
    for (let i = l; i < lend; i++) e[i] *= e[i];
    if (Math.abs(d[lend]) < Math.abs(d[l])) {
      lend = lsv;
      l = lendsv;
    }
    if (lend >= l) {
      // QL: deflate at the top.
      while (l <= lend) {
        let mm = l;
        while (mm < lend && Math.abs(e[mm]) > eps2 * Math.abs(d[mm] * d[mm + 1])) mm++;
        if (mm < lend) e[mm] = 0;
        if (mm === l) {
          l++;
          continue;
        }
        if (mm === l + 1) {
          const [rt1, rt2] = eigenvalues2x2(d[l], Math.sqrt(e[l]), d[l + 1]);
          d[l] = rt1;
          d[l + 1] = rt2;
          e[l] = 0;
          l += 2;
          continue;
        }
        if (sweeps === maxSweeps) break;
        sweeps++;
        const rte = Math.sqrt(e[l]);
        let sigma = (d[l + 1] - d[l]) / (2 * rte);
        const r0 = Math.hypot(sigma, 1);
        sigma = d[l] - rte / (sigma + (sigma >= 0 ? r0 : -r0));
        let c = 1;
        let s = 0;
        let gamma = d[mm] - sigma;
        let p = gamma * gamma;
        for (let i = mm - 1; i >= l; i--) {
          const bb = e[i];
          const r = p + bb;
          if (i !== mm - 1) e[i + 1] = s * r;
          const oldc = c;
          c = p / r;
          s = bb / r;
          const oldgam = gamma;
          const alpha = d[i];
          gamma = c * (alpha - sigma) - s * oldgam;
          d[i + 1] = oldgam + (alpha - gamma);
          p = c !== 0 ? (gamma * gamma) / c : oldc * bb;
        }
        e[l] = s * p;
        d[l] = sigma + gamma;
      }
    } else {
      // QR: deflate at the bottom.
      while (l >= lend) {
        let mm = l;
        while (mm > lend && Math.abs(e[mm - 1]) > eps2 * Math.abs(d[mm] * d[mm - 1])) mm--;
        if (mm > lend) e[mm - 1] = 0;
        if (mm === l) {
          l--;
          continue;
        }
        if (mm === l - 1) {
          const [rt1, rt2] = eigenvalues2x2(d[l], Math.sqrt(e[l - 1]), d[l - 1]);
          d[l] = rt1;
          d[l - 1] = rt2;
          e[l - 1] = 0;
          l -= 2;
          continue;
        }
        if (sweeps === maxSweeps) break;
        sweeps++;
        const rte = Math.sqrt(e[l - 1]);
        let sigma = (d[l - 1] - d[l]) / (2 * rte);
        const r0 = Math.hypot(sigma, 1);
        sigma = d[l] - rte / (sigma + (sigma >= 0 ? r0 : -r0));
        let c = 1;
        let s = 0;
        let gamma = d[mm] - sigma;
        let p = gamma * gamma;
        for (let i = mm; i < l; i++) {
          const bb = e[i];
          const r = p + bb;
          if (i !== mm) e[i - 1] = s * r;
          const oldc = c;
          c = p / r;
          s = bb / r;
          const oldgam = gamma;
          const alpha = d[i + 1];
          gamma = c * (alpha - sigma) - s * oldgam;
          d[i] = oldgam + (alpha - gamma);
          p = c !== 0 ? (gamma * gamma) / c : oldc * bb;
        }
        e[l - 1] = s * p;
        d[l] = sigma + gamma;
      }
    }
    if (scale !== 1) for (let i = lsv; i <= lendsv; i++) d[i] /= scale;
    if (sweeps >= maxSweeps) {
      throw new SpecError(
        'E_CONVERGENCE',
        `tridiagonal QL/QR did not converge for the ${n} × ${n} tridiagonal matrix after ${maxSweeps} sweeps ` +
          `(block ${lsv} … ${lendsv}); check the input for extreme scaling`,
      );
    }
  }
  d.sort(); // typed-array sort: numeric, ascending
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
