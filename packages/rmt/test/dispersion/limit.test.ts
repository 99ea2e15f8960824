import { describe, expect, it } from 'vitest';
import { expectSpecError } from '@spec/testing';
import { dispersionBiases, dispersionCross, dispersionLimit, dispersionWeights } from '../../src/dispersion/index.js';

const LAMBDAS = [0.1, 0.25, 0.5, 1.0];
// apps/docs/theory/dispersion.md#depth-width-limits, apps/docs/theory/reference-values.md#dispersion, given to 6
// decimals.
const WW = [1.458273, 2.659135, 7.760316, 76.968597];
const BB = [1.18977, 1.587639, 2.778398, 11.393053];
const WB = [1.213312, 1.685517, 3.236256, 16.830841];
const EOC1 = [1.268667, 1.904452, 4.252806, 30.505833];

describe('dispersion limits (apps/docs/theory/dispersion.md#depth-width-limits)', () => {
  it('D_ww, D_bb, D_wb and D_EOC(r0 = 1) match the reference values to 1e-6', () => {
    LAMBDAS.forEach((lambda, i) => {
      // References are rounded to 6 decimals: |error| ≤ 5e-7 < 1e-6.
      expect(Math.abs(dispersionWeights(lambda) - WW[i])).toBeLessThan(1e-6);
      expect(Math.abs(dispersionBiases(lambda) - BB[i])).toBeLessThan(1e-6);
      expect(Math.abs(dispersionCross(lambda) - WB[i])).toBeLessThan(1e-6);
      const eoc = dispersionLimit({ lambda, phase: 'edge-of-chaos', r0: 1 });
      expect(Math.abs(eoc.dispersion - EOC1[i])).toBeLessThan(1e-6);
    });
  });

  it('small-λ slopes 11/3, 5/3, 11/6 and curvatures 47/6, 25/12, 8/3', () => {
    const l = 1e-6;
    // (D − 1)/λ = slope + curvature·λ + O(λ²): at λ = 1e-6 the slope is exact to ~1e-5.
    expect(Math.abs((dispersionWeights(l) - 1) / l - 11 / 3)).toBeLessThan(1e-5);
    expect(Math.abs((dispersionBiases(l) - 1) / l - 5 / 3)).toBeLessThan(1e-5);
    expect(Math.abs((dispersionCross(l) - 1) / l - 11 / 6)).toBeLessThan(1e-5);
    const m = 1e-4;
    // ((D − 1)/λ − slope)/λ = curvature + O(λ): third-order coefficients are O(10), so 1e-2 at λ = 1e-4.
    expect(Math.abs(((dispersionWeights(m) - 1) / m - 11 / 3) / m - 47 / 6)).toBeLessThan(1e-2);
    expect(Math.abs(((dispersionBiases(m) - 1) / m - 5 / 3) / m - 25 / 12)).toBeLessThan(1e-2);
    expect(Math.abs(((dispersionCross(m) - 1) / m - 11 / 6) / m - 8 / 3)).toBeLessThan(1e-2);
    expect(dispersionWeights(0)).toBe(1);
    expect(dispersionBiases(0)).toBe(1);
    expect(dispersionCross(0)).toBe(1);
  });

  it('the Taylor branch and the closed form agree across the λ = 1e-2 switch', () => {
    for (const f of [dispersionWeights, dispersionBiases, dispersionCross]) {
      const below = f(0.01 * (1 - 1e-12));
      const at = f(0.01);
      // The closed form at λ = 1e-2 loses ~1e-16/λ² ≈ 1e-12 to cancellation; the derivative is O(10).
      expect(Math.abs(below - at)).toBeLessThan(1e-11);
    }
  });

  it('D_ww e^{−5λ} → 1/3 (the exact remainder is 2/(9λ) − 1/(27λ²) + e^{−6λ}/(27λ²))', () => {
    let prev = Infinity;
    for (const lambda of [5, 20, 100]) {
      const r = dispersionWeights(lambda) * Math.exp(-5 * lambda) - 1 / 3;
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThan(2 / (9 * lambda));
      expect(r).toBeLessThan(prev);
      prev = r;
    }
  });

  it('phase-wise limits: chaotic = D_ww, EOC with r0 = ∞ = D_ww, ordered = 1 or 1 + 5χ²/((1−χ²)M)', () => {
    const lambda = 0.25;
    expect(dispersionLimit({ lambda, sigmaW2: 3 }).dispersion).toBe(dispersionWeights(lambda));
    expect(dispersionLimit({ lambda, phase: 'chaotic' }).phase).toBe('chaotic');
    expect(dispersionLimit({ lambda, sigmaW2: 2 }).dispersion).toBe(dispersionWeights(lambda));
    expect(dispersionLimit({ lambda, sigmaW2: 1 }).dispersion).toBe(1);
    // apps/docs/theory/reference-values.md#how-checked: ordered, σ_w² = 1 (χ = 1/2), M = 400 → 1.00417.
    const ord = dispersionLimit({ lambda, sigmaW2: 1, width: 400 });
    expect(Math.abs(ord.dispersion - (1 + (5 * 0.25) / (0.75 * 400)))).toBeLessThan(1e-15);
    expect(Math.abs(ord.dispersion - 1.00417)).toBeLessThan(5e-6);
    // r0 = 0 (n0 ≫ M): only the bias part matters.
    expect(dispersionLimit({ lambda, phase: 'edge-of-chaos', r0: 0 }).dispersion).toBe(dispersionBiases(lambda));
  });

  it('rejects negative λ, missing phase and a bad ordered correction with E_INPUT', () => {
    expectSpecError(() => dispersionWeights(-0.1), 'E_INPUT');
    expectSpecError(() => dispersionBiases(Number.NaN), 'E_INPUT');
    expectSpecError(() => dispersionLimit({ lambda: 0.1 }), 'E_INPUT');
    expectSpecError(() => dispersionLimit({ lambda: 0.1, phase: 'ordered', width: 100 }), 'E_INPUT');
    expectSpecError(() => dispersionLimit({ lambda: 0.1, phase: 'edge-of-chaos', r0: -1 }), 'E_INPUT');
  });
});
