import { SpecError, type Matrix } from '@spec/core';

/*
 * Small O(rows·cols) element-wise helpers shared by the layer implementations. They run in plain
 * loops on the host: the O(n²·d) and O(n·d²) work always goes through the Backend.
 */

/** A ← s·A in place (A must be a fresh matrix owned by the caller); returns A. */
export function scaleInPlace(A: Matrix, s: number): Matrix {
  if (s === 1) return A;
  const d = A.data;
  for (let i = 0; i < d.length; i++) d[i] *= s;
  return A;
}

/** A ← A + s·B in place; returns A. */
export function addScaledInPlace(A: Matrix, B: Matrix, s = 1): Matrix {
  if (A.rows !== B.rows || A.cols !== B.cols) {
    throw new SpecError('E_SHAPE', `cannot add a ${B.rows} × ${B.cols} matrix to a ${A.rows} × ${A.cols} one`);
  }
  const a = A.data;
  const b = B.data;
  for (let i = 0; i < a.length; i++) a[i] += s * b[i];
  return A;
}

/** A ← A + s·v 1ᵀ in place (v has A.rows entries, stored as a rows × 1 matrix); returns A. */
export function addColumnInPlace(A: Matrix, v: Matrix, s: number): Matrix {
  if (v.rows !== A.rows || v.cols !== 1) {
    throw new SpecError('E_SHAPE', `bias must be ${A.rows} × 1, got ${v.rows} × ${v.cols}`);
  }
  const { cols, data } = A;
  for (let i = 0; i < A.rows; i++) {
    const bi = s * v.data[i];
    const base = i * cols;
    for (let j = 0; j < cols; j++) data[base + j] += bi;
  }
  return A;
}

/** s·(A 1) as a rows × 1 float64 matrix. */
export function rowSums(A: Matrix, s = 1): Matrix {
  const out = new Float64Array(A.rows);
  const { cols, data } = A;
  for (let i = 0; i < A.rows; i++) {
    let t = 0;
    const base = i * cols;
    for (let j = 0; j < cols; j++) t += data[base + j];
    out[i] = s * t;
  }
  return { rows: A.rows, cols: 1, data: out };
}

/** A float64 copy of A. */
export function copy(A: Matrix): Matrix {
  return { rows: A.rows, cols: A.cols, data: Float64Array.from(A.data) };
}
