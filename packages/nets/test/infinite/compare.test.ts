import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Matrix } from '@spec/core';
import { compareWithEmpirical } from '../../src/index.js';
import { infiniteKernelMatrices } from '../../src/index.js';
import { infiniteKernels } from '../../src/index.js';

/** n unit-norm columns in R^d from a seeded Gaussian. */
function sphere(d: number, n: number, seed: number): Matrix {
  const rng = createRng(seed);
  const data = new Float64Array(d * n);
  rng.fillNormal(data);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += data[i * n + j] ** 2;
    for (let i = 0; i < d; i++) data[i * n + j] /= Math.sqrt(s);
  }
  return { rows: d, cols: n, data };
}

describe('infiniteKernelMatrices', () => {
  it('fills a symmetric matrix equal to the pair kernels, for any tile size', () => {
    const X = sphere(3, 7, 1);
    const opts = { activation: 'relu', depth: 2, sigmaB2: 0.1 } as const;
    const a = infiniteKernelMatrices(X, opts, { tile: 3 });
    const b = infiniteKernelMatrices(X, opts, { tile: 64 });
    const k = infiniteKernels(opts);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        const dot = (p: number, q: number): number =>
          [0, 1, 2].reduce((s, r) => s + X.data[r * 7 + p] * X.data[r * 7 + q], 0);
        const [xx, yy] = [dot(i, i), dot(j, j)];
        const c = Math.max(-Math.sqrt(xx * yy), Math.min(Math.sqrt(xx * yy), dot(i, j)));
        // Same Gram entries, same fold: equal up to rounding (arccos near ±1 amplifies it, hence 1e-10 not 1e-15).
        expect(Math.abs(a.ntk.data[i * 7 + j] - k.fromGram(xx, yy, c).ntk)).toBeLessThan(1e-10);
        expect(a.ntk.data[i * 7 + j]).toBe(a.ntk.data[j * 7 + i]);
        expect(a.nngp.data[i * 7 + j]).toBe(b.nngp.data[i * 7 + j]);
      }
    }
  });
});

describe('compareWithEmpirical (apps/docs/theory/infinite-width.md#mlp-recursions: empirical NTK → infinite-width NTK)', () => {
  it('the NTK error of one network falls like width^(−1/2): slope over widths 64 → 1024 within 3 SE of −1/2', () => {
    const backend = createCpuBackend();
    const X = sphere(4, 6, 2);
    const base = { activation: 'relu', depth: 2, X, backend } as const;
    const nets = 24;
    const lo = compareWithEmpirical({ ...base, width: 64, nets, rng: createRng(3) });
    const hi = compareWithEmpirical({ ...base, width: 1024, nets, rng: createRng(4) });
    const slope = Math.log(hi.ntkError.mean / lo.ntkError.mean) / Math.log(16);
    // Delta method: se(log mean) ≈ se/mean, independent samples at the two widths.
    const se = Math.hypot(lo.ntkError.stderr / lo.ntkError.mean, hi.ntkError.stderr / hi.ntkError.mean) / Math.log(16);
    expect(Math.abs(slope + 0.5)).toBeLessThan(3 * se);
    // Seed 3/4: errors 0.311 ± 0.018 → 0.077 ± 0.004 (slope −0.504). The NNGP (readout CK) error follows the same law.
    const slopeK = Math.log(hi.nngpError.mean / lo.nngpError.mean) / Math.log(16);
    const seK =
      Math.hypot(lo.nngpError.stderr / lo.nngpError.mean, hi.nngpError.stderr / hi.nngpError.mean) / Math.log(16);
    expect(Math.abs(slopeK + 0.5)).toBeLessThan(3 * seK);
    // At width 1024 one network is already within a few percent of the limit.
    expect(hi.ntkError.mean).toBeLessThan(0.1);
    backend.dispose();
  });

  it('residual MLP: the mean empirical NTK at width 512 matches the apps/docs/theory/infinite-width.md#residual-mlp kernel within 3 SE per entry', () => {
    const backend = createCpuBackend();
    const X = sphere(3, 3, 5);
    const r = compareWithEmpirical({
      activation: 'erf',
      depth: 3,
      sigmaW2: 1,
      architecture: 'residual',
      X,
      width: 512,
      nets: 16,
      rng: createRng(6),
      backend,
    });
    // Per-entry SE from the per-net relative error is not available; use the spread of the error:
    // |mean Θ̂ − Θ| ≤ ‖mean Θ̂ − Θ‖_F ≤ mean error/√nets·3 + O(1/width) bias (≈ 1/512).
    let num = 0;
    let den = 0;
    for (let i = 0; i < 9; i++) {
      num += (r.empiricalMeanNtk.data[i] - r.infinite.ntk.data[i]) ** 2;
      den += r.infinite.ntk.data[i] ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan((3 * r.ntkError.mean) / Math.sqrt(16) + 2 / 512);
    backend.dispose();
  });
});
