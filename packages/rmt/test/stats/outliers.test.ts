import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { outliers } from '../../src/stats/outliers.js';

describe('outliers beyond the right edge (apps/docs/theory/spectral-evolution.md#quantities)', () => {
  it('uses the Tracy–Widom-sized margin 4·edge·n^{−2/3} and returns values beyond it, descending', () => {
    const n = 1000;
    const rng = createRng(3);
    const bulk = Float64Array.from({ length: n }, () => 4 * rng.uniform());
    const spiked = Float64Array.from([...bulk, 4.02, 7, 5]);
    const r = outliers(spiked, 4, { n });
    expect(Math.abs(r.margin - 4 * 4 * n ** (-2 / 3))).toBeLessThan(1e-15); // 0.16
    expect(Array.from(r.values)).toEqual([7, 5]); // 4.02 is within the margin
    expect(outliers(spiked, 4, { margin: 0 }).values.length).toBe(3);
  });
});
