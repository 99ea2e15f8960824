import { describe, expect, it } from 'vitest';
import { mpAtom, mpCdf, mpDensity, mpEdges, mpMoments, mpQuantile, mpStieltjes } from '../src/mp.js';

// Closed forms of apps/docs/theory/toolkit.md#marchenko-pastur, apps/docs/theory/reference-values.md#mp-law; tolerance
// 1e-9 as in apps/docs/theory/reference-values.md unless a quadrature is involved.
describe('Marchenko–Pastur law (apps/docs/theory/toolkit.md#marchenko-pastur, apps/docs/theory/reference-values.md#mp-law)', () => {
  it('m(−1) = (√17 − 3)/2 for γ = 1/2 and 1/√2 for γ = 2', () => {
    const a = mpStieltjes({ re: -1, im: 0 }, 0.5);
    expect(Math.abs(a.re - (Math.sqrt(17) - 3) / 2)).toBeLessThan(1e-9);
    expect(Math.abs(a.im)).toBeLessThan(1e-12);
    const b = mpStieltjes({ re: -1, im: 0 }, 2);
    expect(Math.abs(b.re - Math.SQRT1_2)).toBeLessThan(1e-9);
  });

  it('m(z) solves γ z m² + (z − 1 + γ) m + 1 = 0 with Im m > 0 on C⁺ and m ~ −1/z', () => {
    for (const g of [0.3, 1, 2.5]) {
      for (const z of [
        { re: 0.5, im: 0.01 },
        { re: 3, im: 1 },
        { re: -2, im: 0.3 },
        { re: 1, im: 1e-9 },
      ]) {
        const m = mpStieltjes(z, g);
        const zm = { re: z.re * m.re - z.im * m.im, im: z.re * m.im + z.im * m.re };
        const m2 = { re: m.re * m.re - m.im * m.im, im: 2 * m.re * m.im };
        const resRe = g * (z.re * m2.re - z.im * m2.im) + (z.re - 1 + g) * m.re - z.im * m.im + 1;
        const resIm = g * (z.re * m2.im + z.im * m2.re) + (z.re - 1 + g) * m.im + z.im * m.re;
        expect(Math.hypot(resRe, resIm)).toBeLessThan(1e-9 * (1 + Math.hypot(zm.re, zm.im)));
        expect(m.im).toBeGreaterThan(0);
      }
      const big = mpStieltjes({ re: 1e6, im: 1 }, g);
      expect(Math.abs(big.re * 1e6 + 1)).toBeLessThan(1e-4); // m ≈ −1/z − 1/z², so |z m + 1| ≈ 1/|z|
    }
  });

  it('edges (1 ± √γ)², atom max(0, 1 − 1/γ), and Im m(x + i0)/π equals the density', () => {
    expect(mpEdges(0.25)).toEqual([0.25, 2.25]);
    expect(mpAtom(0.5)).toBe(0);
    expect(Math.abs(mpAtom(4) - 0.75)).toBeLessThan(1e-15);
    for (const g of [0.5, 2]) {
      const [lo, hi] = mpEdges(g);
      for (let k = 1; k < 10; k++) {
        const x = lo + ((hi - lo) * k) / 10;
        const m = mpStieltjes({ re: x, im: 0 }, g);
        expect(Math.abs(m.im / Math.PI - mpDensity(x, g))).toBeLessThan(1e-9);
      }
      expect(mpDensity(lo - 1e-3, g)).toBe(0);
      expect(mpDensity(hi + 1e-3, g)).toBe(0);
    }
  });

  it('density integrates to 1 − atom and the closed-form CDF matches quadrature (γ = 1/2, 2)', () => {
    for (const g of [0.5, 2]) {
      const [lo, hi] = mpEdges(g);
      // Substitution x = lo + (hi − lo)(1 − cos θ)/2 removes the √ edge singularities: the integrand is
      // smooth and periodic in θ, so the 4000-point midpoint rule over [0, π] is accurate to ≪ 1e-9.
      const N = 4000;
      const f = (th: number): number => {
        const x = lo + ((hi - lo) * (1 - Math.cos(th))) / 2;
        return mpDensity(x, g) * ((hi - lo) / 2) * Math.sin(th);
      };
      let s = 0;
      for (let i = 0; i < N; i++) s += f((Math.PI * (i + 0.5)) / N) * (Math.PI / N);
      expect(Math.abs(s - (1 - mpAtom(g)))).toBeLessThan(1e-9);
      // Partial integrals up to θ = kπ/4 by composite Simpson (error O(h⁴) ≈ 1e-13 with 4000 panels).
      const simpson = (b: number): number => {
        const h = b / N;
        let t = f(0) + f(b);
        for (let i = 1; i < N; i++) t += (i % 2 ? 4 : 2) * f(i * h);
        return (t * h) / 3;
      };
      for (const k of [1, 2, 3]) {
        const x = lo + ((hi - lo) * (1 - Math.cos((Math.PI * k) / 4))) / 2;
        expect(Math.abs(mpCdf(x, g) - mpAtom(g) - simpson((Math.PI * k) / 4))).toBeLessThan(1e-9);
      }
      expect(mpCdf(hi + 1, g)).toBe(1);
      expect(mpCdf(-1, g)).toBe(0);
    }
  });

  it('quantile inverts the CDF; p below the atom gives 0', () => {
    for (const g of [0.5, 1, 3]) {
      for (const p of [0.8, 0.9, 0.99]) expect(Math.abs(mpCdf(mpQuantile(p, g), g) - p)).toBeLessThan(1e-9);
    }
    expect(mpQuantile(0.5, 3)).toBe(0);
  });

  it('moments m2 = 1 + γ, m3 = 1 + 3γ + γ², m4 = 1 + 6γ + 6γ² + γ³', () => {
    const g = 0.7;
    const m = mpMoments(g, 4);
    expect(m[0]).toBe(1);
    expect(Math.abs(m[1] - 1)).toBeLessThan(1e-12);
    expect(Math.abs(m[2] - (1 + g))).toBeLessThan(1e-12);
    expect(Math.abs(m[3] - (1 + 3 * g + g * g))).toBeLessThan(1e-12);
    expect(Math.abs(m[4] - (1 + 6 * g + 6 * g * g + g ** 3))).toBeLessThan(1e-12);
  });

  it('bad ratios and NaN throw E_INPUT', () => {
    expect(() => mpEdges(-1)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => mpDensity(Number.NaN, 1)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => mpStieltjes({ re: 0, im: 0 }, 2)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => mpQuantile(1.5, 1)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
