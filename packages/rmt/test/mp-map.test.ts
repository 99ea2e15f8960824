import { describe, expect, it } from 'vitest';
import { mpMap } from '../src/mp-map.js';
import { mpStieltjes } from '../src/mp.js';

describe('mpMap (apps/docs/theory/toolkit.md#marchenko-pastur (MP))', () => {
  it('ν = δ_1 gives the MP Stieltjes transform (closed form) to 1e-10', () => {
    for (const g of [0.5, 2]) {
      for (const z of [
        { re: -1, im: 0 },
        { re: 1, im: 0.1 },
        { re: 3, im: 1e-3 },
      ]) {
        const m = mpMap(z, { kind: 'atoms', x: new Float64Array([1]) }, g);
        const e = mpStieltjes(z, g);
        expect(Math.abs(m.re - e.re) + Math.abs(m.im - e.im)).toBeLessThan(1e-10);
      }
    }
  });

  it('ν = δ_c scales: m(z) = m_MP(z/c)/c; MP input equals its law form', () => {
    const c = 2.5;
    const z = { re: 2, im: 0.3 };
    const m = mpMap(z, { kind: 'atoms', x: new Float64Array([c]), weights: new Float64Array([7]) }, 0.7);
    const e = mpStieltjes({ re: z.re / c, im: z.im / c }, 0.7);
    expect(Math.abs(m.re - e.re / c) + Math.abs(m.im - e.im / c)).toBeLessThan(1e-10);
    const viaMp = mpMap(z, { kind: 'mp', samplesPerDim: 1.5 }, 0.7);
    const viaLaw = mpMap(z, { kind: 'law', stieltjes: (w) => mpStieltjes(w, 1.5), support: [0, 5], atom0: 1 / 3 }, 0.7);
    expect(Math.abs(viaMp.re - viaLaw.re) + Math.abs(viaMp.im - viaLaw.im)).toBeLessThan(1e-12);
    expect(viaMp.im).toBeGreaterThan(0);
  });

  it('bad ratios throw E_INPUT', () => {
    expect(() => mpMap({ re: 1, im: 1 }, { kind: 'mp', samplesPerDim: 1 }, -2)).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => mpMap({ re: 1, im: 1 }, { kind: 'atoms', x: new Float64Array([-1]) }, 1)).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
  });
});
