import { describe, expect, it } from 'vitest';
import { createRng, SpecError } from '../src/index.js';

describe('createRng', () => {
  it('is reproducible from its seed and differs between seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xa = Array.from({ length: 5 }, () => a.normal());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.normal())).not.toEqual(xa);
  });

  it('gives child streams that do not depend on draws taken from the parent', () => {
    const a = createRng(1);
    const b = createRng(1);
    for (let i = 0; i < 100; i++) b.uniform();
    expect(a.split('w').normal()).toBe(b.split('w').normal());
    expect(a.split('w').normal()).not.toBe(a.split('v').normal());
  });

  it('draws N(0,1) normals: mean, variance and fourth moment within 5 standard errors', () => {
    const rng = createRng(3);
    const N = 200_000;
    const x = new Float64Array(N);
    rng.fillNormal(x);
    let m1 = 0,
      m2 = 0,
      m4 = 0;
    for (const v of x) {
      m1 += v;
      m2 += v * v;
      m4 += v ** 4;
    }
    m1 /= N;
    m2 /= N;
    m4 /= N;
    // SE of the mean 1/√N, of E x² √(2/N) (Var x² = 2), of E x⁴ √(96/N) (Var x⁴ = 105 − 9).
    expect(Math.abs(m1)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
  });

  it('draws uniforms on [0,1), balanced Rademacher signs and integers in range', () => {
    const rng = createRng(5);
    const N = 100_000;
    let s = 0,
      r = 0;
    for (let i = 0; i < N; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      r += rng.rademacher();
      const k = rng.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    // SE of a uniform mean √(1/12N); of a Rademacher sum √N.
    expect(Math.abs(s / N - 0.5)).toBeLessThan(5 * Math.sqrt(1 / (12 * N)));
    expect(Math.abs(r)).toBeLessThan(5 * Math.sqrt(N));
  });

  it('rejects negative or fractional seeds', () => {
    expect(() => createRng(-1)).toThrow(SpecError);
    expect(() => createRng(1.5)).toThrow(/seed/);
  });
});
