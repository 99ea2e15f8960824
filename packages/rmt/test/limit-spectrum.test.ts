import { describe, expect, it } from 'vitest';
import { ckLimit } from '../src/ck-limit.js';
import { limitCdf, limitMoments, limitQuantile } from '../src/limit-spectrum.js';
import { mpCdf, mpMoments, mpQuantile } from '../src/mp.js';

// A CK with b = 0 is exactly the MP law of its last layer (apps/docs/theory/reference-values.md#iterated-mp), so its
// recovered spectrum can be checked against the MP closed forms.
describe('limitCdf / limitQuantile / limitMoments', () => {
  for (const g of [0.5, 2]) {
    const s = ckLimit({ samplesPerNeuron: [g], b: 0, input: { kind: 'mp', samplesPerDim: 1 } });
    it(`CDF and quantiles of the recovered MP law (γ = ${g}) match the closed form to 2e-4`, () => {
      // The CDF is a cumulative trapezoid of a √-edged density on the edge-clustered grid; the total defect
      // is ~1e-5 (mass test) and is rescaled away, and the piecewise-linear interpolation inside a panel
      // adds ≤ h²·max|ρ'|/8 ≈ 1e-5; 2e-4 bounds both with margin.
      for (const t of [0.1, 0.5, 1, 2, 3, 5]) expect(Math.abs(limitCdf(s, t) - mpCdf(t, g))).toBeLessThan(2e-4);
      for (const p of [0.7, 0.8, 0.95]) {
        // quantile error = CDF error / density at the quantile (≥ 0.05 here) → ≤ 4e-3
        expect(Math.abs(limitQuantile(s, p) - mpQuantile(p, g))).toBeLessThan(4e-3);
      }
      expect(limitCdf(s, -1)).toBe(0);
      expect(limitCdf(s, 100)).toBe(1);
    });
    it(`moments m1..m3 of the recovered MP law (γ = ${g}) match Narayana to 5e-4`, () => {
      const m = limitMoments(s, 3);
      const e = mpMoments(g, 3);
      for (let k = 1; k <= 3; k++) expect(Math.abs(m[k] - e[k]) / e[k]).toBeLessThan(5e-4);
    });
  }
  it('bad p throws', () => {
    const s = ckLimit({ samplesPerNeuron: [0.5], b: 0, input: { kind: 'mp', samplesPerDim: 1 } });
    expect(() => limitQuantile(s, 2)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => limitCdf(s, Number.NaN)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
