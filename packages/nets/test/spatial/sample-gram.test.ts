import { describe, expect, it } from 'vitest';
import { perSampleGradientGram, rowGram } from '../../src/spatial/sample-gram.js';

describe('per-sample gradient Gram', () => {
  it('gives the same numbers bit for bit when the rows are processed in blocks', () => {
    const n = 7;
    const sizes = [5, 3];
    // Deterministic "gradients": row a of parameter k is sin(a·(k+1) + index).
    const fill = (a: number, rows: ReadonlyArray<Float64Array>) =>
      rows.forEach((r, k) => r.forEach((_, i) => (r[i] += Math.sin(a * (k + 1) + i))));
    let calls = 0;
    const counted = (a: number, rows: ReadonlyArray<Float64Array>) => {
      calls++;
      fill(a, rows);
    };
    const whole = perSampleGradientGram(n, sizes, counted);
    expect(calls).toBe(n);
    for (const rowsPerBlock of [1, 2, 3, 6]) {
      calls = 0;
      const blocked = perSampleGradientGram(n, sizes, counted, rowsPerBlock * 8 * 8);
      expect(Array.from(blocked)).toEqual(Array.from(whole));
      expect(calls).toBeGreaterThan(n);
    }
    // And against the plain Gram of the stacked rows.
    const J = new Float64Array(n * 8);
    for (let a = 0; a < n; a++) fill(a, [J.subarray(a * 8, a * 8 + 5), J.subarray(a * 8 + 5, a * 8 + 8)]);
    expect(Array.from(rowGram(J, n, 8))).toEqual(Array.from(whole));
  });
});
