import { SpecError } from './errors.js';
import type { Matrix } from './matrix.js';

function checkRange(from: number, count: number, size: number, what: string): void {
  if (!Number.isInteger(from) || !Number.isInteger(count) || from < 0 || count < 0 || from + count > size) {
    throw new SpecError('E_SHAPE', `${what} [${from}, ${from + count}) is outside 0..${size}`);
  }
}

/** A float64 copy of the columns [from, from + count) of A (samples are columns). */
export function columnRange(A: Matrix, from: number, count: number): Matrix {
  checkRange(from, count, A.cols, 'columns');
  const out = new Float64Array(A.rows * count);
  for (let p = 0; p < A.rows; p++) out.set(A.data.subarray(p * A.cols + from, p * A.cols + from + count), p * count);
  return { rows: A.rows, cols: count, data: out };
}

/** A float64 copy of the columns of A at `indices`, in that order. */
export function selectColumns(A: Matrix, indices: ArrayLike<number>): Matrix {
  const m = indices.length;
  for (let j = 0; j < m; j++) {
    const c = indices[j];
    if (!Number.isInteger(c) || c < 0 || c >= A.cols) {
      throw new SpecError('E_SHAPE', `column index ${c} is outside 0..${A.cols - 1}`);
    }
  }
  const out = new Float64Array(A.rows * m);
  for (let p = 0; p < A.rows; p++) {
    const row = p * A.cols;
    for (let j = 0; j < m; j++) out[p * m + j] = A.data[row + indices[j]];
  }
  return { rows: A.rows, cols: m, data: out };
}

/** [A B]: the columns of A followed by those of B (same number of rows). */
export function concatColumns(A: Matrix, B: Matrix): Matrix {
  if (A.rows !== B.rows) throw new SpecError('E_SHAPE', `concatColumns: ${A.rows} rows against ${B.rows}`);
  const n = A.cols + B.cols;
  const out = new Float64Array(A.rows * n);
  for (let p = 0; p < A.rows; p++) {
    out.set(A.data.subarray(p * A.cols, (p + 1) * A.cols), p * n);
    out.set(B.data.subarray(p * B.cols, (p + 1) * B.cols), p * n + A.cols);
  }
  return { rows: A.rows, cols: n, data: out };
}

/** A float64 copy of the block of rows [r0, r0 + rows) and columns [c0, c0 + cols) of A. */
export function block(A: Matrix, r0: number, rows: number, c0: number, cols: number): Matrix {
  checkRange(r0, rows, A.rows, 'rows');
  checkRange(c0, cols, A.cols, 'columns');
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    out.set(A.data.subarray((r0 + i) * A.cols + c0, (r0 + i) * A.cols + c0 + cols), i * cols);
  return { rows, cols, data: out };
}
