import { describe, expect, it } from 'vitest';
import { ckLimit } from '../src/ck-limit.js';
import { limitMoments } from '../src/limit-spectrum.js';
import { mpDensity, mpQuantile } from '../src/mp.js';

const b = 0.964609; // tanh, apps/docs/theory/toolkit.md#normalised-activations
const totalMass = (s: { mass: number; atoms: readonly { mass: number }[] }): number =>
  s.mass + s.atoms.reduce((t, a) => t + a.mass, 0);

describe('ckLimit (apps/docs/theory/fan-wang.md#ck-limit via apps/docs/theory/fan-wang.md#ntk-fixed-point)', () => {
  it('density plus atoms integrates to 1 within 1e-3 (γ < 1 and > 1, L = 1..3, MP and atoms input)', () => {
    const atomsInput = {
      kind: 'atoms' as const,
      x: Float64Array.from({ length: 200 }, (_, i) => mpQuantile((i + 0.5) / 200, 0.5)),
    };
    const configs = [
      { samplesPerNeuron: [0.5], input: { kind: 'mp' as const, samplesPerDim: 2 } },
      { samplesPerNeuron: [2], input: { kind: 'mp' as const, samplesPerDim: 0.5 } },
      { samplesPerNeuron: [1], input: { kind: 'mp' as const, samplesPerDim: 1 } },
      { samplesPerNeuron: [0.75, 1.5], input: { kind: 'mp' as const, samplesPerDim: 1.5 } },
      { samplesPerNeuron: [2 / 3, 4 / 3, 0.8], input: { kind: 'mp' as const, samplesPerDim: 2 } },
      { samplesPerNeuron: [0.5, 3], input: atomsInput },
    ];
    for (const c of configs) {
      const s = ckLimit({ ...c, b });
      expect(Math.abs(totalMass(s) - 1)).toBeLessThan(1e-3);
      expect(s.density.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      const gL = c.samplesPerNeuron[c.samplesPerNeuron.length - 1];
      expect(s.atoms.reduce((t, a) => t + a.mass, 0)).toBeCloseTo(Math.max(0, 1 - 1 / gL), 14);
    }
  });

  it('b = 0 gives the MP law of the last layer, whatever the input (apps/docs/theory/reference-values.md#iterated-mp)', () => {
    for (const g of [0.5, 2]) {
      const s = ckLimit({ samplesPerNeuron: [1.3, g], b: 0, input: { kind: 'mp', samplesPerDim: 1.5 } });
      // Im m(x + iη)/π differs from the density by O(η/√dist) near the edges and O(η) inside (η = 1e-8·scale):
      // compare at points at least 1e-3 inside the support; 1e-5 covers the smoothing there.
      let worst = 0;
      for (let i = 0; i < s.x.length; i++) {
        const x = s.x[i];
        const [lo, hi] = [(1 - Math.sqrt(g)) ** 2, (1 + Math.sqrt(g)) ** 2];
        if (x > lo + 1e-3 && x < hi - 1e-3) worst = Math.max(worst, Math.abs(s.density[i] - mpDensity(x, g)));
      }
      expect(worst).toBeLessThan(1e-5);
      expect(Math.abs(s.support[0][0] - (1 - Math.sqrt(g)) ** 2)).toBeLessThan(1e-4); // edge bisection to ~1e-6·scale plus η-blur
      expect(Math.abs(s.support[s.support.length - 1][1] - (1 + Math.sqrt(g)) ** 2)).toBeLessThan(1e-4);
    }
  });

  it('moments of the density match the CK moment recursion for tanh (apps/docs/theory/fan-wang.md#ck-limit, apps/docs/theory/reference-values.md#iterated-mp)', () => {
    const s = ckLimit({ samplesPerNeuron: [2 / 3, 4 / 3, 0.8], b, input: { kind: 'mp', samplesPerDim: 2 } });
    const m = limitMoments(s, 3);
    // Trapezoid on the edge-clustered 1000-point grid: interior error ≈ h²/12·∫|x^k ρ''| with h ≈ 2.5·13/1000,
    // i.e. ~1e-4·(x^k scale) at worst; η-smoothing adds O(η) = 1e-7. Relative tolerance 5e-4.
    expect(Math.abs(m[1] - 1)).toBeLessThan(5e-4);
    expect(Math.abs(m[2] - 4.752) / 4.752).toBeLessThan(5e-4);
    expect(Math.abs(m[3] - 32.7304) / 32.7304).toBeLessThan(5e-4);
    expect(Math.abs(s.mean - 1)).toBeLessThan(5e-4);
  });

  it('an atom at 0 in the input propagates for a linear network and the mass still sums to 1', () => {
    const x = new Float64Array(300);
    for (let i = 100; i < 300; i++) x[i] = 1.5; // 1/3 of the mass at 0
    const s = ckLimit({ samplesPerNeuron: [0.5], b: 1, input: { kind: 'atoms', x } });
    expect(s.atoms).toHaveLength(1);
    expect(s.atoms[0].mass).toBeCloseTo(1 / 3, 12);
    expect(Math.abs(totalMass(s) - 1)).toBeLessThan(1e-3);
  });

  it('a two-atom input with a small ratio gives two support intervals, each of mass 1/2', () => {
    const s = ckLimit({ samplesPerNeuron: [0.05], b: 1, input: { kind: 'atoms', x: new Float64Array([1, 10]) } });
    expect(s.support).toHaveLength(2);
    expect(s.support[0][1]).toBeLessThan(s.support[1][0]);
    expect(Math.abs(s.mass - 1)).toBeLessThan(1e-3);
    let first = 0;
    for (let i = 1; i < s.x.length && s.x[i] <= s.support[0][1] + 1e-3; i++)
      first += 0.5 * (s.x[i] - s.x[i - 1]) * (s.density[i] + s.density[i - 1]);
    expect(Math.abs(first - 0.5)).toBeLessThan(1e-3);
  });

  it('impossible ratios throw E_INPUT', () => {
    expect(() => ckLimit({ samplesPerNeuron: [0], b, input: { kind: 'mp', samplesPerDim: 1 } })).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => ckLimit({ samplesPerNeuron: [1], b, input: { kind: 'mp', samplesPerDim: Number.NaN } })).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() =>
      ckLimit({ samplesPerNeuron: [1], b, input: { kind: 'mp', samplesPerDim: 1 }, grid: { points: 10 } }),
    ).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
