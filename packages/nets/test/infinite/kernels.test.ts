import { describe, expect, it } from 'vitest';
import { SpecError } from '@spec/core';
import { activationKernel, erf, getActivation, relu } from '../../src/index.js';
import { infiniteKernels } from '../../src/index.js';

describe('infiniteKernels (apps/docs/theory/infinite-width.md#mlp-recursions, apps/docs/theory/reference-values.md#kernel-maps, #relu-ntk)', () => {
  it('the dual kernel maps at (q1, q2, c) = (1.3, 0.7, 0.5), closed forms to 1e-9 (apps/docs/theory/reference-values.md#kernel-maps)', () => {
    // Closed forms (arc-cosine, Williams): only rounding error, far below 1e-9.
    expect(activationKernel(relu, 1.3, 0.7, 0.5).value).toBeCloseTo(0.2982015998, 9);
    expect(activationKernel(relu, 1.3, 0.7, 0.5).derivative).toBeCloseTo(0.3378070256, 9);
    expect(activationKernel(erf, 1.3, 0.7, 0.5).value).toBeCloseTo(0.2209942285, 9);
    expect(activationKernel(erf, 1.3, 0.7, 0.5).derivative).toBeCloseTo(0.4606419005, 9);
  });

  it('raw relu NTK / NNGP by depth at cos 0.5, 0, −0.5 (σ_w² defaults to 2), 1e-9 (apps/docs/theory/reference-values.md#relu-ntk)', () => {
    const k1 = infiniteKernels({ activation: 'relu', depth: 1 });
    expect(k1.options.sigmaW2).toBeCloseTo(2, 12);
    expect(Math.abs(k1.pair(0.5).ntk - 0.9423311144)).toBeLessThan(1e-9);
    expect(Math.abs(k1.pair(0.5).nngp - 0.608997781)).toBeLessThan(1e-9);
    expect(Math.abs(k1.pair(0).ntk - 1 / Math.PI)).toBeLessThan(1e-9);
    expect(Math.abs(k1.pair(-0.5).ntk + 0.0576688856)).toBeLessThan(1e-9);
    // Diagonal = L + 1 for unit-norm inputs (variance preserving, readout included).
    expect(Math.abs(k1.pair(1).ntk - 2)).toBeLessThan(1e-12);
    const k2 = infiniteKernels({ activation: 'relu', depth: 2 });
    expect(Math.abs(k2.pair(0.5).ntk - 1.3514795611)).toBeLessThan(1e-9);
    expect(Math.abs(k2.pair(0.5).nngp - 0.6839056509)).toBeLessThan(1e-9);
    expect(Math.abs(k2.pair(0).ntk - 0.6857086363)).toBeLessThan(1e-9);
    const k3 = infiniteKernels({ activation: 'relu', depth: 3 });
    expect(Math.abs(k3.pair(0.5).ntk - 1.7378446792)).toBeLessThan(1e-9);
    expect(Math.abs(k3.pair(0).ntk - 1.0603881068)).toBeLessThan(1e-9);
    expect(Math.abs(k3.pair(1).ntk - 4)).toBeLessThan(1e-12);
  });

  it('the unrolled recursion Θ = Σ_h Σ^h Π Σ̇ (apps/docs/theory/infinite-width.md#mlp-recursions) agrees with the layer fold, with biases and σ²_w,in', () => {
    // Independent evaluation: the scalar recursion written out with the
    // apps/docs/theory/toolkit.md#gaussian-kernel-maps closed forms of erf.
    const sw2 = 1.7,
      sb2 = 0.3,
      swIn = 0.8,
      c = 0.3,
      nx = 1.2,
      ny = 0.9;
    const k = infiniteKernels({ activation: 'erf', depth: 3, sigmaW2: sw2, sigmaB2: sb2, sigmaW2In: swIn }).pair(
      c,
      nx,
      ny,
    );
    let [qx, qy, s] = [swIn * nx * nx + sb2, swIn * ny * ny + sb2, swIn * c * nx * ny + sb2];
    let t = s;
    for (let l = 1; l <= 3; l++) {
      const e = (2 / Math.PI) * Math.asin((2 * s) / Math.sqrt((1 + 2 * qx) * (1 + 2 * qy)));
      const ed = 4 / Math.PI / Math.sqrt((1 + 2 * qx) * (1 + 2 * qy) - 4 * s * s);
      const ex = (2 / Math.PI) * Math.asin((2 * qx) / (1 + 2 * qx));
      const ey = (2 / Math.PI) * Math.asin((2 * qy) / (1 + 2 * qy));
      const sNext = sw2 * e + sb2;
      t = sNext + t * sw2 * ed;
      [qx, qy, s] = [sw2 * ex + sb2, sw2 * ey + sb2, sNext];
    }
    // Same closed forms in a different order: rounding only.
    expect(Math.abs(k.nngp - s)).toBeLessThan(1e-12);
    expect(Math.abs(k.ntk - t)).toBeLessThan(1e-12);
  });

  it('tanh (no closed form) by 2-D Gauss–Hermite matches a 1-D Gaussian moment on the diagonal within 1e-6', () => {
    // On the diagonal (u = v) the 2-D rule must give the 1-D Gaussian moment E tanh(√q ξ)²; 1e-6 = quadrature bound of
    // apps/docs/theory/toolkit.md#gaussian-kernel-maps.
    const tanh = getActivation('tanh');
    const k = infiniteKernels({ activation: tanh, depth: 1, sigmaW2: 1 }).pair(1);
    let m = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      // midpoint rule on Φ^{-1} is awkward; integrate on [−10, 10] with the density instead (error ≪ 1e-8).
      const x = -10 + (20 * (i + 0.5)) / n;
      m += ((Math.tanh(x) ** 2 * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI)) * (20 / n);
    }
    expect(Math.abs(k.nngp - m)).toBeLessThan(1e-6);
  });

  it('residual MLP (erf, σ_w = 1, Σ¹ = ⟨x, y⟩ at 60°): L = 2 → 0.5652 (diag 1.5245), L = 3 → 0.6643 (diag 2.1005) (apps/docs/theory/infinite-width.md#residual-mlp)', () => {
    // apps/docs/theory/reference-values.md#residual-mlp quotes 4 decimals: tolerance 5e-5.
    const k2 = infiniteKernels({ activation: 'erf', depth: 2, sigmaW2: 1, architecture: 'residual' }).pair(0.5);
    expect(Math.abs(k2.ntk - 0.5652)).toBeLessThan(5e-5);
    expect(Math.abs(k2.ntkXX - 1.5245)).toBeLessThan(5e-5);
    const k3 = infiniteKernels({ activation: 'erf', depth: 3, sigmaW2: 1, architecture: 'residual' }).pair(0.5);
    expect(Math.abs(k3.ntk - 0.6643)).toBeLessThan(5e-5);
    expect(Math.abs(k3.ntkXX - 2.1005)).toBeLessThan(5e-5);
  });

  it('normalized relu has σ_w² = 1 by default; bad input is a SpecError', () => {
    expect(infiniteKernels({ activation: 'relu', depth: 1, normalized: true }).options.sigmaW2).toBeCloseTo(1, 9);
    expect(() => infiniteKernels({ activation: 'relu', depth: 0 })).toThrow(SpecError);
    expect(() => infiniteKernels({ activation: 'nope', depth: 1 })).toThrow(SpecError);
    expect(() => infiniteKernels({ activation: 'relu', depth: 1, sigmaW2: -1 })).toThrow(SpecError);
    expect(() => infiniteKernels({ activation: 'relu', depth: 1 }).pair(1.5)).toThrow(SpecError);
  });
});
