import { describe, expect, it } from 'vitest';
import { block, columnRange, concatColumns, createRng, isSpecError, selectColumns, type Matrix } from '../src/index.js';

function random(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed);
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = rng.normal();
  return { rows, cols, data };
}

const at = (A: Matrix, i: number, j: number): number => A.data[i * A.cols + j];

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isSpecError(e) ? e.code : 'not a SpecError';
  }
  return undefined;
}

describe('column and block copies (checked entry by entry against the index definitions)', () => {
  const A = random(5, 7, 1);

  it('columnRange(A, from, count)[i, j] = A[i, from + j]', () => {
    const C = columnRange(A, 2, 4);
    expect([C.rows, C.cols]).toEqual([5, 4]);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 4; j++) expect(at(C, i, j)).toBe(at(A, i, 2 + j));
    expect(columnRange(A, 7, 0).cols).toBe(0);
  });

  it('selectColumns(A, idx)[i, j] = A[i, idx[j]], repeats and order kept; float32 input becomes float64', () => {
    const idx = [6, 0, 3, 3];
    const C = selectColumns(A, idx);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 4; j++) expect(at(C, i, j)).toBe(at(A, i, idx[j]));
    const F: Matrix = { rows: 5, cols: 7, data: Float32Array.from(A.data) };
    const G = selectColumns(F, [1]);
    expect(G.data).toBeInstanceOf(Float64Array);
    expect(G.data[0]).toBe(Math.fround(at(A, 0, 1)));
  });

  it('concatColumns(A, B) = [A B]', () => {
    const B = random(5, 3, 2);
    const C = concatColumns(A, B);
    expect([C.rows, C.cols]).toEqual([5, 10]);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 7; j++) expect(at(C, i, j)).toBe(at(A, i, j));
      for (let j = 0; j < 3; j++) expect(at(C, i, 7 + j)).toBe(at(B, i, j));
    }
  });

  it('block(A, r0, rows, c0, cols)[i, j] = A[r0 + i, c0 + j]', () => {
    const C = block(A, 1, 3, 4, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(at(C, i, j)).toBe(at(A, 1 + i, 4 + j));
  });

  it('out-of-range columns, rows or indices are E_SHAPE', () => {
    expect(code(() => columnRange(A, 5, 3))).toBe('E_SHAPE');
    expect(code(() => selectColumns(A, [7]))).toBe('E_SHAPE');
    expect(code(() => selectColumns(A, [1.5]))).toBe('E_SHAPE');
    expect(code(() => block(A, 4, 2, 0, 1))).toBe('E_SHAPE');
    expect(code(() => concatColumns(A, random(4, 2, 3)))).toBe('E_SHAPE');
  });
});
