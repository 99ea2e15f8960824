import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng } from '@spec/core';
import { evaluateSeries } from '@spec/rmt';
import {
  empiricalKernels,
  infiniteKernels,
  infiniteNetwork,
  initNetwork,
  kernelSeries,
  resolveInfiniteOptions,
} from '../../src/index.js';

describe('kernelSeries (apps/docs/theory/power-series.md)', () => {
  it('relu, one hidden layer: κ = (1/π, 1, 3/(2π), 0, 5/(24π)) and the series at 0.5 → 0.9423311144 (apps/docs/theory/reference-values.md#power-series)', () => {
    const s = kernelSeries({ activation: 'relu', depth: 1, degree: 60 });
    const want = [1 / Math.PI, 1, 3 / (2 * Math.PI), 0, 5 / (24 * Math.PI)];
    // Closed-form Hermite coefficients, finite sums: rounding only.
    want.forEach((v, p) => expect(Math.abs(s.ntk[p] - v)).toBeLessThan(1e-12));
    // Truncation at P = 60: error ≤ tailMass · 0.5^61 ≪ 1e-9.
    expect(Math.abs(evaluateSeries(s.ntk, 0.5) - 0.9423311144)).toBeLessThan(1e-9);
    expect(s.unitDiagonal).toBe(true);
    expect(Math.abs(s.diagonal.ntk - 2)).toBeLessThan(1e-6);
  });

  it('relu, two hidden layers κ = (0.685709, 0.958113, 0.615557, 0.183993, 0.114646, 0.048682) (apps/docs/theory/power-series.md#power-series)', () => {
    const s = kernelSeries({ activation: 'relu', depth: 2, degree: 8 });
    // apps/docs/theory/reference-values.md#power-series quotes 6 decimals; the Hermite tail beyond K = 20000 adds ≲
    // 1e-6.
    [0.685709, 0.958113, 0.615557, 0.183993, 0.114646, 0.048682].forEach((v, p) =>
      expect(Math.abs(s.ntk[p] - v)).toBeLessThan(2e-6),
    );
  });

  it('relu NTK sphere eigenvalues, d = 3 and d = 5, k = 0..6, to 1e-9 (apps/docs/theory/reference-values.md#sphere-eigenvalues)', () => {
    const d3 = kernelSeries({ activation: 'relu', depth: 1, degree: 6, sphereDim: 3 }).sphereEigenvalues.ntk;
    [1 / 2, 1 / 3, 5 / 64, 0, 1 / 192, 0, 23 / 16384].forEach((v, k) => expect(Math.abs(d3[k] - v)).toBeLessThan(1e-9));
    const d5 = kernelSeries({ activation: 'relu', depth: 1, degree: 6, sphereDim: 5 }).sphereEigenvalues.ntk;
    [27 / 64, 1 / 5, 1 / 32, 0, 17 / 16384, 0, 27 / 163840].forEach((v, k) =>
      expect(Math.abs(d5[k] - v)).toBeLessThan(1e-9),
    );
  });

  it('the sphere-eigenvalue decay of the relu NTK is ≈ −d (fitted over k = 1..40: d = 3 → ≈ −3) (apps/docs/theory/power-series.md#sphere-eigenvalues)', () => {
    const s = kernelSeries({ activation: 'relu', depth: 1, degree: 40, sphereDim: 3 });
    // apps/docs/theory/power-series.md#sphere-eigenvalues fits −3.12 for d = 3 on a comparable range; the asymptotic
    // exponent is −3.
    expect(s.decayExponent).not.toBeNull();
    expect(Math.abs(s.decayExponent! + 3)).toBeLessThan(0.25);
    // The truncated-series eigenvalues are lower bounds of the exact ones.
    for (let k = 0; k <= 40; k++)
      expect(s.seriesSphereEigenvalues.ntk[k]).toBeLessThanOrEqual(s.sphereEigenvalues.ntk[k] + 1e-12);
  });

  it('series = infinite-width kernel for erf with biases and unit diagonal (quadrature Hermite coefficients), 1e-6', () => {
    // Unit diagonal: σ²_w,in + σ_b² = 1 and σ_w² E erf² + σ_b² = 1.
    const sb2 = 0.2;
    const erf2 = (2 / Math.PI) * Math.asin(2 / 3);
    const opts = { activation: 'erf', depth: 3, sigmaB2: sb2, sigmaW2In: 1 - sb2, sigmaW2: (1 - sb2) / erf2 } as const;
    const s = kernelSeries({ ...opts, degree: 60 });
    expect(s.unitDiagonal).toBe(true);
    const k = infiniteKernels(opts);
    for (const c of [-0.9, -0.3, 0.2, 0.7]) {
      // Series truncation ≤ tailMass·|c|^61 and Hermite tail (erf coefficients decay geometrically): ≪ 1e-6.
      expect(Math.abs(evaluateSeries(s.ntk, c) - k.pair(c).ntk)).toBeLessThan(1e-6);
      expect(Math.abs(evaluateSeries(s.nngp, c) - k.pair(c).nngp)).toBeLessThan(1e-6);
    }
  });

  it('empirical NTK eigenvalues of sphere data approach the apps/docs/theory/power-series.md#sphere-eigenvalues eigenvalues (top degrees, relu, d = 3)', () => {
    // Kernel matrix K/n of n uniform points on S² has eigenvalues ≈ λ_k with multiplicity 2k+1 (Nyström);
    // at n = 300 and width 2000 the sample and width errors are a few percent of λ_0, λ_1.
    const backend = createCpuBackend();
    const rng = createRng(7);
    const [d, n, width] = [3, 300, 2000];
    const X = backend.randn(d, n, rng.split('data'));
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += X.data[i * n + j] ** 2;
      // √d scaling: the 'ntk' layers see ⟨x, y⟩/d (see infiniteNetwork).
      for (let i = 0; i < d; i++) X.data[i * n + j] *= Math.sqrt(d / s);
    }
    const o = resolveInfiniteOptions({ activation: 'relu', depth: 1 });
    const net = infiniteNetwork(o, { width, inputDim: d });
    const { ntk } = empiricalKernels(net, initNetwork(net, rng.split('net')), X, backend, { kernel: 'ntk' });
    const eig = Array.from(backend.eigvalsh(ntk!))
      .map((v) => v / n)
      .sort((a, b) => b - a);
    const lam = kernelSeries({ activation: 'relu', depth: 1, degree: 2, sphereDim: 3 }).sphereEigenvalues.ntk;
    expect(Math.abs(eig[0] - lam[0])).toBeLessThan(0.05 * lam[0]);
    const deg1 = (eig[1] + eig[2] + eig[3]) / 3;
    expect(Math.abs(deg1 - lam[1])).toBeLessThan(0.08 * lam[1]);
    backend.dispose();
  });
});
