import type { Eigen } from '../backend.js';
import { SpecError } from '../errors.js';
import { assertFinite, assertSquare, type Matrix } from '../matrix.js';

/** Options of {@link jacobiEigen} and {@link jacobiEigenvalues}. */
export interface JacobiEigenOptions {
  /** Sweeps (each rotates every off-diagonal pair once) before `E_CONVERGENCE` (default 100; 6–12 is usual). */
  readonly maxSweeps?: number;
}

/**
 * Largest asymmetry |s_ij − s_ji| accepted, relative to max |s_ij|: round-off of a product computed twice,
 * not a different matrix.
 */
const SYMMETRY_TOLERANCE = 1e-10;

/** Convergence: the off-diagonal Frobenius norm below this fraction of the whole matrix's. */
const OFF_DIAGONAL_TOLERANCE = 1e-15;

/**
 * Cyclic Jacobi on the scaled symmetric matrix A (m × m, row-major, both triangles kept equal), in place.
 * Each rotation J(p, q, θ) zeroes a_pq: A ← JᵀAJ. Rows p and q are updated contiguously and mirrored into
 * columns p and q. With W non-null, row j of W accumulates the j-th eigenvector (W ← JᵀW on rows p, q).
 */
function jacobiSweeps(A: Float64Array, m: number, W: Float64Array | null, maxSweeps: number): void {
  if (!Number.isSafeInteger(maxSweeps) || maxSweeps < 1)
    throw new SpecError('E_INPUT', `maxSweeps must be a positive integer, got ${maxSweeps}`);
  let total = 0;
  for (let k = 0; k < m * m; k++) total += A[k] * A[k];
  const target = OFF_DIAGONAL_TOLERANCE * OFF_DIAGONAL_TOLERANCE * total;
  for (let sweep = 0; ; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += 2 * A[p * m + q] * A[p * m + q];
    if (off <= target) return;
    if (sweep === maxSweeps) {
      throw new SpecError(
        'E_CONVERGENCE',
        `Jacobi eigensolver did not converge in ${maxSweeps} sweeps (m = ${m}, relative off-diagonal norm ${Math.sqrt(off / total).toExponential(2)}); pass a larger maxSweeps`,
      );
    }
    for (let p = 0; p < m - 1; p++) {
      const rp = p * m;
      for (let q = p + 1; q < m; q++) {
        const rq = q * m;
        const apq = A[rp + q];
        if (apq === 0) continue;
        const app = A[rp + p];
        const aqq = A[rq + q];
        // After the first sweeps an a_pq below 1e-18 of both diagonal entries would move the eigenvalues by
        // less than a_pq²/|a_pp − a_qq|, far below round-off: zero it instead of rotating (Numerical Recipes §11.1).
        if (sweep > 3 && Math.abs(apq) < 1e-18 * Math.abs(app) && Math.abs(apq) < 1e-18 * Math.abs(aqq)) {
          A[rp + q] = 0;
          A[rq + p] = 0;
          continue;
        }
        // tan of the rotation angle, the smaller root of t² + 2θt − 1 = 0 (Golub & Van Loan §8.5.2).
        const theta = (aqq - app) / (2 * apq);
        const t =
          Math.abs(theta) > 1e150
            ? 1 / (2 * theta)
            : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = A[rp + k];
          const akq = A[rq + k];
          const bkp = c * akp - s * akq;
          const bkq = s * akp + c * akq;
          A[rp + k] = bkp;
          A[rq + k] = bkq;
          A[k * m + p] = bkp;
          A[k * m + q] = bkq;
        }
        A[rp + p] = app - t * apq;
        A[rq + q] = aqq + t * apq;
        A[rp + q] = 0;
        A[rq + p] = 0;
        if (W !== null) {
          for (let k = 0; k < m; k++) {
            const wp = W[rp + k];
            const wq = W[rq + k];
            W[rp + k] = c * wp - s * wq;
            W[rq + k] = s * wp + c * wq;
          }
        }
      }
    }
  }
}

/**
 * Checks S (square, finite, symmetric to round-off) and returns a symmetrised copy scaled by a power of two
 * so that its largest entry lies in [1, 2) (sums of squares can then neither overflow nor underflow), with
 * that scale; a zero matrix has scale 1.
 */
function scaledCopy(S: Matrix, what: string): { A: Float64Array; scale: number } {
  assertSquare(S, what);
  assertFinite(S, what);
  const m = S.rows;
  const src = S.data;
  let maxAbs = 0;
  for (let k = 0; k < m * m; k++) maxAbs = Math.max(maxAbs, Math.abs(src[k]));
  const scale = maxAbs > 0 ? 2 ** Math.floor(Math.log2(maxAbs)) : 1;
  const A = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      const a = src[i * m + j];
      const b = src[j * m + i];
      if (Math.abs(a - b) > SYMMETRY_TOLERANCE * maxAbs) {
        throw new SpecError(
          'E_INPUT',
          `${what} is not symmetric: entry (${i}, ${j}) is ${a} but (${j}, ${i}) is ${b}; pass (S + Sᵀ)/2`,
        );
      }
      A[i * m + j] = A[j * m + i] = (a / 2 + b / 2) / scale;
    }
  }
  return { A, scale };
}

function ascendingOrder(A: Float64Array, m: number): number[] {
  return Array.from({ length: m }, (_, i) => i).sort((a, b) => A[a * m + a] - A[b * m + b]);
}

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * Matrix Computations, §8.5): sweeps of plane rotations, each zeroing one off-diagonal pair, until the
 * off-diagonal Frobenius norm is below 1e-15 of the matrix's. A route independent of the Householder + QL
 * solvers of the backends, kept as their test reference and as the default where no backend is at hand.
 * O(m³) per sweep with typically 6–12 sweeps: about a second for m = 200, minutes for m in the thousands —
 * pass a backend's `eigh` for those.
 *
 * Returns ascending eigenvalues and unit eigenvectors as the columns of an m × m matrix, like
 * `Backend.eigh`. The input is not modified. `E_SHAPE` when S is not square, `E_INPUT` on NaN/±Inf or an
 * asymmetry beyond round-off (1e-10 of the largest entry), `E_CONVERGENCE` after `maxSweeps` sweeps.
 *
 * @example
 * ```ts
 * const { values } = jacobiEigen(fromRows([[2, 1], [1, 2]])); // [1, 3]
 * ```
 */
export function jacobiEigen(S: Matrix, options: JacobiEigenOptions = {}): Eigen {
  const m = S.rows;
  const { A, scale } = scaledCopy(S, 'jacobiEigen: the matrix');
  const W = new Float64Array(m * m);
  for (let i = 0; i < m; i++) W[i * m + i] = 1;
  jacobiSweeps(A, m, W, options.maxSweeps ?? 100);
  const order = ascendingOrder(A, m);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((src, j) => {
    values[j] = A[src * m + src] * scale;
    for (let k = 0; k < m; k++) vectors[k * m + j] = W[src * m + k];
  });
  return { values, vectors: { rows: m, cols: m, data: vectors } };
}

/**
 * The eigenvalues alone, ascending, of a real symmetric matrix by the same cyclic Jacobi sweeps as
 * {@link jacobiEigen} (about half the work, since no eigenvectors are accumulated). Same errors.
 */
export function jacobiEigenvalues(S: Matrix, options: JacobiEigenOptions = {}): Float64Array {
  const m = S.rows;
  const { A, scale } = scaledCopy(S, 'jacobiEigenvalues: the matrix');
  jacobiSweeps(A, m, null, options.maxSweeps ?? 100);
  const values = new Float64Array(m);
  for (let i = 0; i < m; i++) values[i] = A[i * m + i] * scale;
  return values.sort();
}
