import { describe, expect, it } from 'vitest';
import { limitMoments } from '../src/limit-spectrum.js';
import { mpQuantile } from '../src/mp.js';
import { ntkLimit } from '../src/ntk-limit.js';

const b = 0.964609; // tanh, apps/docs/theory/toolkit.md#normalised-activations
const a = 1.177807;

describe('ntkLimit (apps/docs/theory/fan-wang.md#ntk-surrogate, #ntk-fixed-point)', () => {
  it('density integrates to 1 within 1e-3 and has no atom for tanh (L = 1..3, MP and atoms input)', () => {
    const atomsInput = {
      kind: 'atoms' as const,
      x: Float64Array.from({ length: 200 }, (_, i) => mpQuantile((i + 0.5) / 200, 0.7)),
    };
    for (const c of [
      { samplesPerNeuron: [0.75], input: { kind: 'mp' as const, samplesPerDim: 1.5 } },
      { samplesPerNeuron: [2, 0.5], input: { kind: 'mp' as const, samplesPerDim: 0.5 } },
      { samplesPerNeuron: [0.75, 0.75, 2], input: { kind: 'mp' as const, samplesPerDim: 1.5 } },
      { samplesPerNeuron: [1.5, 0.5], input: atomsInput },
    ]) {
      const s = ntkLimit({ ...c, a, b });
      expect(s.atoms).toEqual([]);
      expect(Math.abs(s.mass - 1)).toBeLessThan(1e-3);
      expect(s.density.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      // the support lies right of r₊ (all K_ℓ ⪰ 0)
      expect(s.support[0][0]).toBeGreaterThanOrEqual(0);
    }
  });

  it('mean Σ a^k = 3.565036 and variance 13.466481 from the density (apps/docs/theory/reference-values.md#ntk-surrogate)', () => {
    const s = ntkLimit({ samplesPerNeuron: [0.75, 0.75], a, b, input: { kind: 'mp', samplesPerDim: 1.5 } });
    const m = limitMoments(s, 2);
    // trapezoid error on the 1000-point grid over [0.8, 18.3]: ≈ h²/12·∫|(x²ρ)''| ~ 1e-4 relative (see ck-limit test)
    expect(Math.abs(m[1] - 3.565036) / 3.565036).toBeLessThan(5e-4);
    expect(Math.abs(m[2] - m[1] ** 2 - 13.466481) / 13.466481).toBeLessThan(1e-3);
  });

  it('linear activation (a = b² = 1): r₊ = 0 and the NTK is Σ K_ℓ', () => {
    const s = ntkLimit({ samplesPerNeuron: [0.5], a: 1, b: 1, input: { kind: 'mp', samplesPerDim: 2 } });
    // K_0 has null mass 1/2 (γ0 = 2), nested in null K_1: atom 1/2 at 0
    expect(s.atoms).toEqual([{ x: 0, mass: 0.5 }]);
    expect(Math.abs(s.mass + 0.5 - 1)).toBeLessThan(1e-3);
    // mean of K_0 + K_1 is 2
    expect(Math.abs(s.mean - 2)).toBeLessThan(1e-3);
  });
});
