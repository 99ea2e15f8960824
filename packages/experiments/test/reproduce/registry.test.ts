import { describe, expect, it } from 'vitest';
import { erfNtkRate, getReproduction, reproductions } from '@spec/experiments';

describe('reproduction registry', () => {
  it('lists every reproduction once, each with both sizes, and finds them by name', () => {
    const names = reproductions.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of reproductions) {
      expect(r.sizes.quick.length).toBeGreaterThan(0);
      expect(r.sizes.full.length).toBeGreaterThan(0);
      expect(getReproduction(r.name)).toBe(r);
    }
    expect(() => getReproduction('nope')).toThrow(/unknown reproduction/);
  });
});

describe('erfNtkRate (ntk-power-series)', () => {
  it('is 1/ρ* for the nearest singularity of the composed arcsin maps', () => {
    // One hidden layer: arcsin(2ρ/3) is singular at ρ = 3/2 (closed form,
    // apps/docs/theory/toolkit.md#gaussian-kernel-maps).
    expect(erfNtkRate(1)).toBeCloseTo(2 / 3, 14);
    // Two: f(ρ) = arcsin(2ρ/3)/arcsin(2/3) reaches 3/2 at ρ = 1.5·sin(1.5·arcsin(2/3)); check f(1/r) = 3/2.
    const rho = 1 / erfNtkRate(2);
    expect(Math.asin((2 * rho) / 3) / Math.asin(2 / 3)).toBeCloseTo(1.5, 12);
    // Deeper layers move the singularity towards ρ = 1 (slower decay), never past it.
    expect(erfNtkRate(3)).toBeGreaterThan(erfNtkRate(2));
    expect(erfNtkRate(10)).toBeLessThan(1);
  });
});
