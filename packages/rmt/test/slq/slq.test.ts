import { createCpuBackend } from '@spec/backend-cpu';
import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { slqDensity, slqQuantiles, stochasticLanczosQuadrature } from '../../src/index.js';

/** Block matvec of a diagonal operator. */
function diagonal(lambda: Float64Array) {
  const n = lambda.length;
  return (V: Float64Array, out: Float64Array, count: number): void => {
    for (let q = 0; q < count; q++) for (let i = 0; i < n; i++) out[q * n + i] = lambda[i] * V[q * n + i];
  };
}

describe('stochastic Lanczos quadrature', () => {
  it('with steps = n on a diagonal operator, every probe returns all eigenvalues with weights v_i² = 1/n (Rademacher)', () => {
    const n = 30;
    const lambda = Float64Array.from({ length: n }, (_, i) => Math.cos(i) * 3 + i / 7);
    const r = stochasticLanczosQuadrature({ n, apply: diagonal(lambda), rng: createRng(1), probes: 3, steps: n });
    const sorted = [...lambda].sort((a, b) => a - b);
    for (let q = 0; q < 3; q++) {
      // Full reorthogonalisation keeps the Ritz values at backward-stable accuracy: ~1e-13 relative to ‖K‖ ≈ 7.
      for (let k = 0; k < n; k++) expect(Math.abs(r.nodes[q][k] - sorted[k])).toBeLessThan(1e-10);
      for (let k = 0; k < n; k++) expect(Math.abs(r.weights[q][k] - 1 / n)).toBeLessThan(1e-10);
    }
    // Weights v_i² = 1/n make vᵀKv = tr K / n exactly.
    expect(Math.abs(r.mean - lambda.reduce((s, v) => s + v, 0) / n)).toBeLessThan(1e-12 * n);
  });

  it('stops at an invariant subspace: 3 distinct eigenvalues give 3 nodes with weights summing to 1', () => {
    const n = 50;
    const lambda = Float64Array.from({ length: n }, (_, i) => [1, 2, 5][i % 3]);
    const r = stochasticLanczosQuadrature({ n, apply: diagonal(lambda), rng: createRng(2), probes: 2, steps: 20 });
    for (let q = 0; q < 2; q++) {
      expect(Array.from(r.nodes[q], (x) => Math.round(x * 1e8) / 1e8)).toEqual([1, 2, 5]);
      expect(Math.abs(r.weights[q].reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
    }
  });

  it('the SLQ CDF of a Wishart matrix (n = 400) matches the dense eigenvalues within quadrature + 5σ Hutchinson error', () => {
    const n = 400;
    const d = 800;
    const cpu = createCpuBackend({ threads: 1 });
    const X = cpu.randn(d, n, createRng(3));
    for (let i = 0; i < X.data.length; i++) X.data[i] /= Math.sqrt(d);
    const K = cpu.gram(X);
    const dense = cpu.eigvalsh(K);
    const apply = (V: Float64Array, out: Float64Array, count: number): void => {
      const W = cpu.gemm({ rows: count, cols: n, data: V }, K);
      out.set(W.data);
    };
    const probes = 24;
    const r = stochasticLanczosQuadrature({ n, apply, rng: createRng(4), probes, steps: 40 });
    // Pooled SLQ measure: nodes with weight τ / probes.
    const pooled: Array<[number, number]> = [];
    r.nodes.forEach((x, q) => x.forEach((v, k) => pooled.push([v, r.weights[q][k] / probes])));
    pooled.sort((a, b) => a[0] - b[0]);
    let worst = 0;
    let mass = 0;
    let k = 0;
    for (let i = 0; i < n; i++) {
      while (k < pooled.length && pooled[k][0] <= dense[i]) mass += pooled[k++][1];
      // Compare on both sides of the jump of the empirical CDF at λ_i.
      worst = Math.max(worst, Math.abs(mass - (i + 1) / n), Math.abs(mass - i / n));
    }
    // Hutchinson: Var vᵀ1[K≤x]v ≤ 2/n per normalised Rademacher probe ⇒ σ ≤ √(2/(probes·n)) for the average;
    // Gauss quadrature: |F_quad − F| ≤ the largest node weight (Chebyshev–Markov–Stieltjes), averaged over probes.
    const tol = r.quadratureError + 5 * Math.sqrt(2 / (probes * n)) + 1 / n;
    expect(worst).toBeLessThan(tol);
    // Mean eigenvalue: unbiased with the reported standard error (5σ).
    const trace = dense.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(r.mean - trace)).toBeLessThan(5 * r.meanStderr + 1e-12);
    // Extremes: Ritz values lie inside [λ_min, λ_max] and the top one has converged (Kaniel–Paige, 40 steps).
    expect(r.lambdaMax).toBeLessThanOrEqual(dense[n - 1] + 1e-9);
    expect(Math.abs(r.lambdaMax - dense[n - 1])).toBeLessThan(1e-3 * dense[n - 1]);
    // The quantiles, read back as a sample, are within the same distance of the dense spectrum.
    const qs = slqQuantiles(r, n);
    let qWorst = 0;
    for (let i = 0; i < n; i++) qWorst = Math.max(qWorst, Math.abs(qs[i] - dense[i]));
    expect(qWorst).toBeLessThan(dense[n - 1]); // sanity: a sample on the same support
    const dens = slqDensity(r, { points: 300 });
    let integral = 0;
    for (let i = 1; i < 300; i++)
      integral += ((dens.density[i] + dens.density[i - 1]) / 2) * (dens.x[i] - dens.x[i - 1]);
    // The Gaussian-smoothed measure has mass 1 (grid spans ±3 bandwidths beyond the nodes: tails < 2e-3; trapezoid).
    expect(Math.abs(integral - 1)).toBeLessThan(5e-3);
    expect(dens.stderr.every((s) => Number.isFinite(s) && s >= 0)).toBe(true);
    cpu.dispose();
  });
});
