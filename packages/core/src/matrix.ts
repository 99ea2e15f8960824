import { SpecError } from './errors.js';

/** Storage of a {@link Matrix}: float64 on the CPU, float32 where a GPU backend produced it. */
export type FloatArray = Float64Array | Float32Array;

/**
 * A dense row-major matrix: entry (i, j) is `data[i * cols + j]`.
 * Samples are columns of a data matrix X (d × n), as in the papers; kernels are n × n.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: FloatArray;
}

/** Creates a float64 matrix, zero-filled unless `data` is given (then its length must be rows·cols). */
export function matrix(rows: number, cols: number, data?: FloatArray): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new SpecError('E_SHAPE', `matrix dimensions must be non-negative integers, got ${rows} × ${cols}`);
  }
  if (data === undefined) return { rows, cols, data: new Float64Array(rows * cols) };
  if (data.length !== rows * cols) {
    throw new SpecError('E_SHAPE', `matrix ${rows} × ${cols} needs ${rows * cols} entries, got ${data.length}`);
  }
  return { rows, cols, data };
}

/** Builds a float64 matrix from nested rows (small matrices in tests and examples). */
export function fromRows(rows: ReadonlyArray<ReadonlyArray<number>>): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const out = new Float64Array(r * c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new SpecError('E_SHAPE', `row ${i} has ${row.length} entries, expected ${c}`);
    out.set(row, i * c);
  });
  return { rows: r, cols: c, data: out };
}

/** Entry (i, j). */
export function at(A: Matrix, i: number, j: number): number {
  return A.data[i * A.cols + j];
}

/** Edge of the blocks {@link transpose} copies in (reads and writes both stay in cache for large matrices). */
const TRANSPOSE_BLOCK = 32;

/** The transpose as a new float64 matrix, copied in 32 × 32 blocks. */
export function transpose(A: Matrix): Matrix {
  const { rows, cols, data } = A;
  const out = new Float64Array(rows * cols);
  for (let i0 = 0; i0 < rows; i0 += TRANSPOSE_BLOCK) {
    const i1 = Math.min(rows, i0 + TRANSPOSE_BLOCK);
    for (let j0 = 0; j0 < cols; j0 += TRANSPOSE_BLOCK) {
      const j1 = Math.min(cols, j0 + TRANSPOSE_BLOCK);
      for (let i = i0; i < i1; i++) {
        const base = i * cols;
        for (let j = j0; j < j1; j++) out[j * rows + i] = data[base + j];
      }
    }
  }
  return { rows: cols, cols: rows, data: out };
}

/** A float64 copy (also converts float32 storage). */
export function toFloat64(A: Matrix): Matrix {
  return { rows: A.rows, cols: A.cols, data: Float64Array.from(A.data) };
}

/** The n × n identity. */
export function identity(n: number): Matrix {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return { rows: n, cols: n, data: out };
}

/** Throws `E_SHAPE` unless A is rows × cols (use -1 for "any"). */
export function assertShape(A: Matrix, rows: number, cols: number, what: string): void {
  if ((rows >= 0 && A.rows !== rows) || (cols >= 0 && A.cols !== cols)) {
    const want = `${rows < 0 ? '*' : rows} × ${cols < 0 ? '*' : cols}`;
    throw new SpecError('E_SHAPE', `${what} must be ${want}, got ${A.rows} × ${A.cols}`);
  }
}

/** Throws `E_SHAPE` unless A is square. */
export function assertSquare(A: Matrix, what: string): void {
  if (A.rows !== A.cols) throw new SpecError('E_SHAPE', `${what} must be square, got ${A.rows} × ${A.cols}`);
}

/**
 * Throws `E_INPUT` (or the given code) at the first NaN or ±Inf entry, naming its position,
 * so bad values never propagate silently into a spectrum.
 */
export function assertFinite(A: Matrix, what: string, code: 'E_INPUT' | 'E_DATA' = 'E_INPUT'): void {
  const { data, cols } = A;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      const i = Math.floor(k / cols);
      throw new SpecError(code, `${what} has a non-finite value (${data[k]}) at row ${i}, column ${k - i * cols}`);
    }
  }
}
