import { describe, expect, it } from 'vitest';
import { perSampleGradientGram, rowGram } from '../../src/spatial/sample-gram.js';
import { ctx, expectClose } from './fd.js';

describe('per-sample gradient Gram', () => {
  it('equals the plain Gram of the stacked rows, whole or in blocks (each block pair recomputing its rows)', () => {
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
    // The reference: the stacked rows and their Gram as written-out dot products.
    const J = new Float64Array(n * 8);
    for (let a = 0; a < n; a++) fill(a, [J.subarray(a * 8, a * 8 + 5), J.subarray(a * 8 + 5, a * 8 + 8)]);
    const want = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) for (let k = 0; k < 8; k++) want[a * n + b] += J[a * 8 + k] * J[b * 8 + k];
    const whole = perSampleGradientGram(ctx.backend, n, sizes, counted);
    expect(calls).toBe(n);
    expectClose(whole, want, 1e-14, 'whole');
    expectClose(rowGram(ctx.backend, J, n, 8), want, 1e-14, 'rowGram');
    for (const rowsPerBlock of [1, 2, 3, 6]) {
      calls = 0;
      const blocked = perSampleGradientGram(ctx.backend, n, sizes, counted, rowsPerBlock * 8 * 8 * 2);
      expectClose(blocked, want, 1e-14, `blocks of ${rowsPerBlock}`);
      for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) expect(blocked[a * n + b]).toBe(blocked[b * n + a]);
      expect(calls).toBeGreaterThan(n);
    }
  });
});
