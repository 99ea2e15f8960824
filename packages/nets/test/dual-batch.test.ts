import { describe, expect, it } from 'vitest';
import { createRng, isSpecError } from '@spec/core';
import { activationKernel } from '../src/activation-kernel.js';
import { hasDualBatch } from '../src/activations/dual-batch.js';
import { relu } from '../src/activations/relu.js';
import { activationDualsBatch } from '../src/kernel-maps/activation-entries.js';

/** The batched relu dual on these entries. */
function batch(q1: number[], q2: number[], c: number[]): { value: Float64Array; derivative: Float64Array } {
  const value = new Float64Array(q1.length);
  const derivative = new Float64Array(q1.length);
  activationDualsBatch(relu, {
    q1: Float64Array.from(q1),
    q2: Float64Array.from(q2),
    c: Float64Array.from(c),
    value,
    derivative,
    count: q1.length,
  });
  return { value, derivative };
}

describe('batched relu dual (apps/docs/theory/toolkit.md#gaussian-kernel-maps) against the scalar activationKernel', () => {
  it('relu has a batched dual (so the kernel maps take the one-loop route)', () => {
    expect(hasDualBatch(relu.dual)).toBe(true);
  });

  it('random covariances, ρ near ±1 and exactly ±1, zero and underflowing variances: equal to rounding', () => {
    const rng = createRng(7);
    const q1: number[] = [];
    const q2: number[] = [];
    const c: number[] = [];
    const push = (x: number, y: number, cov: number): void => {
      q1.push(x);
      q2.push(y);
      c.push(cov);
    };
    for (let i = 0; i < 2000; i++) {
      const x = Math.exp(4 * rng.normal());
      const y = Math.exp(4 * rng.normal());
      const rho = Math.tanh(3 * rng.normal());
      push(x, y, rho * Math.sqrt(x * y));
    }
    for (const [x, y] of [
      [1, 1],
      [2.5, 0.3],
      [1e-8, 3e4],
    ]) {
      const s = Math.sqrt(x * y);
      push(x, y, s); // c = +√(q1 q2): θ = 0
      push(x, y, -s); // c = −√(q1 q2): θ = π, value 0
      push(x, y, s * (1 + 5e-10)); // |ρ| just above 1, within the accepted 1e-9: clamped
      push(x, y, -s * (1 + 5e-10));
      push(x, y, s * (1 - 1e-12));
      push(x, y, -s * (1 - 1e-12));
      push(x, y, 0);
    }
    push(0, 0, 0);
    push(0, 2, 0);
    push(3, 0, 0);
    push(1e-200, 1e-200, 0); // q1 q2 underflows to 0 with both variances positive
    const got = batch(q1, q2, c);
    for (let i = 0; i < q1.length; i++) {
      const want = activationKernel(relu, q1[i], q2[i], c[i]);
      // value = √(q1q2)/(2π) · (sin θ + (π − θ) cos θ): the two terms are ≤ π in size and each is computed to a few
      // ulps by either formula (sin(acos ρ) against √((1−ρ)(1+ρ)), cos(acos ρ) against ρ), so they differ by well under
      // 1e-14 · √(q1q2) even where the terms cancel (ρ → −1). derivative = (π − acos ρ)/(2π) ≤ 1 in both, to 1e-15.
      const s = Math.sqrt(q1[i] * q2[i]);
      expect(Math.abs(got.value[i] - want.value)).toBeLessThanOrEqual(1e-14 * s);
      expect(Math.abs(got.derivative[i] - want.derivative)).toBeLessThanOrEqual(1e-15);
      expect(got.value[i]).toBeGreaterThanOrEqual(0);
    }
    // Closed-form corners: θ = 0 gives q/2 at equal variances; θ = π gives 0 and derivative 0; a zero variance 0, 0.
    expect(got.value[2000]).toBeCloseTo(0.5, 15);
    expect(got.derivative[2000]).toBeCloseTo(0.5, 15);
    expect(got.value[2001]).toBe(0);
    expect(got.derivative[2001]).toBe(0);
    const zero = q1.length - 4;
    expect([got.value[zero], got.derivative[zero], got.value[zero + 1], got.derivative[zero + 1]]).toEqual([
      0, 0, 0, 0,
    ]);
    // The underflowing product: ρ = 0 as in the scalar form, derivative 1/4, value 0.
    expect([got.value[zero + 3], got.derivative[zero + 3]]).toEqual([0, 0.25]);
  });

  it('rejects what the scalar form rejects: |ρ| > 1 + 1e-9, a negative or non-finite variance, NaN covariance', () => {
    const bad: Array<[number, number, number]> = [
      [1, 1, 1 + 1e-8],
      [1, 1, -1 - 1e-8],
      [-1, -1, 0.5],
      [-1, 2, 0],
      [Infinity, 1, 0],
      [NaN, 1, 0],
      [1, 1, NaN],
      [1, 1, Infinity],
      [0, 1, 0.1],
    ];
    for (const [x, y, cov] of bad) {
      const code = (f: () => unknown): string | undefined => {
        try {
          f();
        } catch (e) {
          return isSpecError(e) ? e.code : 'not a SpecError';
        }
        return undefined;
      };
      expect(code(() => activationKernel(relu, x, y, cov))).toBe('E_INPUT');
      // The bad entry in the middle of good ones.
      expect(code(() => batch([1, x, 2], [1, y, 2], [0.5, cov, 1]))).toBe('E_INPUT');
    }
  });
});
