import { type Eigen, type Matrix, SpecError } from '@spec/core';

/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (Golub & Van Loan §8.5):
 * rotations annihilate off-diagonal entries until their Frobenius norm is below 1e-14 of the total.
 * O(m³) per sweep, typically 6–10 sweeps: use it for m up to a few hundred; larger problems should
 * pass a backend's `eigh`. Returns ascending eigenvalues and unit eigenvectors as columns, like
 * `Backend.eigh`. `E_CONVERGENCE` after 100 sweeps.
 */
export function jacobiEigen(S: Matrix): Eigen {
  const m = S.rows;
  if (S.cols !== m) throw new SpecError('E_SHAPE', `jacobiEigen needs a square matrix, got ${S.rows} × ${S.cols}`);
  const A = Float64Array.from(S.data);
  const V = new Float64Array(m * m);
  for (let i = 0; i < m; i++) V[i * m + i] = 1;
  let total = 0;
  for (let k = 0; k < m * m; k++) total += A[k] * A[k];
  const target = 1e-28 * total;
  let sweep = 0;
  for (; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += 2 * A[p * m + q] ** 2;
    if (off <= target) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = A[p * m + q];
        if (apq === 0) continue;
        const app = A[p * m + p];
        const aqq = A[q * m + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = A[k * m + p];
          const akq = A[k * m + q];
          A[k * m + p] = c * akp - s * akq;
          A[k * m + q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = A[p * m + k];
          const aqk = A[q * m + k];
          A[p * m + k] = c * apk - s * aqk;
          A[q * m + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = V[k * m + p];
          const vkq = V[k * m + q];
          V[k * m + p] = c * vkp - s * vkq;
          V[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  if (sweep === 100)
    throw new SpecError('E_CONVERGENCE', `Jacobi eigensolver did not converge in 100 sweeps (m = ${m})`);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => A[a * m + a] - A[b * m + b]);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((src, j) => {
    values[j] = A[src * m + src];
    for (let k = 0; k < m; k++) vectors[k * m + j] = V[k * m + src];
  });
  return { values, vectors: { rows: m, cols: m, data: vectors } };
}
