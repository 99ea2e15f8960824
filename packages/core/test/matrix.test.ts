import { describe, expect, it } from 'vitest';
import {
  assertFinite,
  assertShape,
  at,
  fromRows,
  identity,
  isSpecError,
  matrix,
  SpecError,
  toFloat64,
  transpose,
} from '../src/index.js';

describe('Matrix helpers', () => {
  it('stores row-major and transposes', () => {
    const A = fromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(at(A, 1, 2)).toBe(6);
    const T = transpose(A);
    expect([T.rows, T.cols]).toEqual([3, 2]);
    expect(Array.from(T.data)).toEqual([1, 4, 2, 5, 3, 6]);
    // Larger than one 32 × 32 block in both directions, ragged at the edges: every entry lands at (j, i).
    const B = matrix(
      45,
      70,
      Float64Array.from({ length: 45 * 70 }, (_, k) => k),
    );
    const Bt = transpose(B);
    expect([Bt.rows, Bt.cols]).toEqual([70, 45]);
    for (let i = 0; i < 45; i++) for (let j = 0; j < 70; j++) expect(at(Bt, j, i)).toBe(i * 70 + j);
    expect(Array.from(identity(2).data)).toEqual([1, 0, 0, 1]);
    expect(toFloat64({ rows: 1, cols: 2, data: new Float32Array([0.5, 2]) }).data).toBeInstanceOf(Float64Array);
  });

  it('rejects bad shapes and non-finite values with coded errors naming the place', () => {
    expect(() => matrix(2, 2, new Float64Array(3))).toThrow(/needs 4 entries/);
    expect(() => matrix(-1, 2)).toThrow(SpecError);
    expect(() => fromRows([[1, 2], [3]])).toThrow(/row 1/);
    expect(() => assertShape(fromRows([[1, 2]]), 2, -1, 'X')).toThrow(/X must be 2 × \*/);
    try {
      assertFinite(
        fromRows([
          [1, 2],
          [3, Number.NaN],
        ]),
        'kernel',
        'E_DATA',
      );
      expect.unreachable();
    } catch (e) {
      expect(isSpecError(e) && e.code).toBe('E_DATA');
      expect((e as Error).message).toContain('row 1, column 1');
    }
  });
});
