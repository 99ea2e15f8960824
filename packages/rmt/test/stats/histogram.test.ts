import { describe, expect, it } from 'vitest';
import { histogram } from '../../src/stats/histogram.js';

describe('histogram', () => {
  it('counts sum to n, density integrates to 1, values on the right edge go to the last bin', () => {
    const v = Float64Array.from({ length: 1001 }, (_, i) => i / 1000);
    const h = histogram(v, { bins: 10 });
    expect(h.counts.reduce((s, c) => s + c, 0)).toBe(1001);
    expect(h.counts[9]).toBe(101); // [0.9, 1.0] includes 1.0
    const w = h.edges[1] - h.edges[0];
    expect(Math.abs(h.density.reduce((s, d) => s + d * w, 0) - 1)).toBeLessThan(1e-12);
  });
  it('values outside an explicit range are reported, not counted; bad bins throw', () => {
    const h = histogram(new Float64Array([-1, 0.5, 2]), { bins: 2, range: [0, 1] });
    expect(h.outside).toBe(2);
    expect(Array.from(h.counts)).toEqual([0, 1]);
    expect(() => histogram(new Float64Array([1]), { bins: 0 })).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
