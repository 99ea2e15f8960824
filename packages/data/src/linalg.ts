import { type Eigen, type Matrix, jacobiEigen, jacobiEigenvalues } from '@spec/core';
import { gramMatrix } from './gram.js';

/**
 * The linear algebra that preprocessing and diagnostics delegate, so a caller with a compute backend gets
 * its speed: a `Backend` from `@spec/core` satisfies this interface (pass the backend itself). Every member
 * is optional; the defaults are core's reference Jacobi eigensolver (fine up to a few hundred dimensions)
 * and a float64 Gram loop here.
 */
export interface DataLinalg {
  /** Symmetric eigendecomposition, ascending values, vectors as columns (`Backend.eigh`). */
  eigh?(S: Matrix): Eigen;
  /** Eigenvalues of a symmetric matrix, ascending (`Backend.eigvalsh`). */
  eigvalsh?(S: Matrix): Float64Array;
  /** AᵀA, exactly symmetric (`Backend.gram`). */
  gram?(A: Matrix): Matrix;
}

/** `linalg.eigh(S)`, or core's {@link jacobiEigen}. */
export function eighWith(linalg: DataLinalg | undefined, S: Matrix): Eigen {
  return linalg?.eigh ? linalg.eigh(S) : jacobiEigen(S);
}

/** `linalg.eigvalsh(S)`, else the values of `linalg.eigh(S)`, else core's {@link jacobiEigenvalues}. */
export function eigvalshWith(linalg: DataLinalg | undefined, S: Matrix): Float64Array {
  if (linalg?.eigvalsh) return linalg.eigvalsh(S);
  if (linalg?.eigh) return linalg.eigh(S).values;
  return jacobiEigenvalues(S);
}

/** `linalg.gram(A)`, or {@link gramMatrix}. */
export function gramWith(linalg: DataLinalg | undefined, A: Matrix): Matrix {
  return linalg?.gram ? linalg.gram(A) : gramMatrix(A);
}
