import { createCpuBackend } from '@spec/backend-cpu';
import { SpecError, createRng, type Matrix } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { denseSpectrumBytes, slqSpectrumBytes } from '../../src/spectrum/memory.js';
import { normalizeActivation, tanh } from '@spec/nets';
import { spectrumJob } from '@spec/experiments';

function data(d0: number, n: number, seed: number): Matrix {
  const X = new Float64Array(d0 * n);
  createRng(seed).fillNormal(X);
  for (let i = 0; i < X.length; i++) X[i] /= Math.sqrt(d0);
  return { rows: d0, cols: n, data: X };
}

/** sup |F_a − F_b| of two sorted samples of the same length. */
function ks(a: Float64Array, b: Float64Array): number {
  const all = [...a, ...b].sort((x, y) => x - y);
  const cdf = (s: Float64Array, t: number): number => {
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo / s.length;
  };
  return Math.max(...all.map((t) => Math.abs(cdf(a, t) - cdf(b, t))));
}

describe('spectrumJob with method slq', () => {
  const backend = createCpuBackend({ threads: 1 });
  const X = data(120, 300, 1);
  const common = { X, widths: [200, 150], activation: normalizeActivation(tanh), backend, limit: false } as const;

  it('CK and NTK SLQ spectra agree with the dense eigenvalues of the same network (KS within the reported CDF error)', () => {
    const dense = spectrumJob({ ...common, rng: createRng(7), method: 'dense' });
    const slq = spectrumJob({ ...common, rng: createRng(7), method: 'slq', slq: { probes: 24, steps: 40 } });
    for (const k of ['ck', 'ntk'] as const) {
      const d = dense[k]!;
      const s = slq[k]!;
      expect(d.method).toBe('dense');
      expect(s.method).toBe('slq');
      expect(s.eigenvalues).toHaveLength(300);
      // The SLQ mean is the exact trace / n (diagonal of the kernel); dense sums the eigenvalues: round-off only.
      expect(Math.abs(s.mean - d.mean)).toBeLessThan(1e-9 * d.mean);
      // cdfError = Gauss-quadrature bound + 2σ Hutchinson; allow 2.5× for the sup over x (5σ) and the 1/n of quantiles.
      expect(ks(s.eigenvalues, d.eigenvalues), k).toBeLessThan(2.5 * s.slq!.cdfError + 1 / 300);
      const dens = s.density!;
      expect(dens.density.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      expect(dens.stderr.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
  });

  it('auto picks dense at small n; the memory guard throws E_MEMORY before allocating, naming the need and --method slq', () => {
    const auto = spectrumJob({ ...common, rng: createRng(7), kernel: 'ck' });
    expect(auto.ck!.method).toBe('dense');
    // The CK of a layer wider than n: dense needs its n × n Gram and the eigensolver's copy, SLQ only X_Lᵀ and the
    // Lanczos bases (the NTK needs the same n × n buffers either way since it is built in one buffer).
    const ck = { ...common, kernel: 'ck' as const, widths: [200, 400], slq: { probes: 4, steps: 20 } };
    const sizes = { n: 300, d0: 120, widths: ck.widths, kernel: 'ck' } as const;
    const limit = (denseSpectrumBytes(sizes) + slqSpectrumBytes(sizes, 4, 20)) / 2;
    expect(slqSpectrumBytes(sizes, 4, 20)).toBeLessThan(denseSpectrumBytes(sizes));
    try {
      spectrumJob({ ...ck, rng: createRng(7), method: 'dense', memoryLimitBytes: limit });
      expect.unreachable('E_MEMORY expected');
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      expect((e as SpecError).code).toBe('E_MEMORY');
      expect((e as Error).message).toMatch(/would need about .* GiB.*--method slq/);
    }
    // With the same limit, auto falls back to SLQ (which fits) instead of failing.
    const fallback = spectrumJob({ ...ck, rng: createRng(7), memoryLimitBytes: limit });
    expect(fallback.ck!.method).toBe('slq');
  });

  it('at the large-n target size n = 10000, widths 10000 the CK + NTK estimates (dense and SLQ, NTK in one buffer) and the SLQ CK stay under 8 GB', () => {
    const sizes = { n: 10000, d0: 1000, widths: [10000, 10000], kernel: 'both' } as const;
    // Replayed peak of leanNtk: X, W_1, X_1, σ′(H_1), W_2, S_2, X_2, the NTK and G_1 (≈ 5.8 GB) + two 0.8 GB packing buffers.
    expect(denseSpectrumBytes(sizes)).toBeLessThan(8e9);
    expect(denseSpectrumBytes(sizes)).toBeGreaterThan(7e9);
    expect(slqSpectrumBytes(sizes, 16, 80)).toBeLessThan(8e9);
    expect(slqSpectrumBytes({ ...sizes, kernel: 'ck' }, 16, 80)).toBeLessThan(8e9);
  });

  it('CK alone with d_L < n goes through X_L X_Lᵀ: same eigenvalues as the n × n Gram, n − d_L exact zeros', () => {
    const viaSmall = spectrumJob({ ...common, rng: createRng(9), kernel: 'ck', method: 'dense' }).ck!.eigenvalues;
    const viaGram = spectrumJob({ ...common, rng: createRng(9), kernel: 'both', method: 'dense' }).ck!.eigenvalues;
    expect(viaSmall).toHaveLength(300);
    let zeros = 0;
    for (const v of viaSmall) if (v === 0) zeros++;
    expect(zeros).toBeGreaterThanOrEqual(300 - 150);
    // Both are backward stable: |Δλ| ≤ ~n·ε·λ_max (a few 1e-13 here).
    const top = viaGram[299];
    for (let i = 0; i < 300; i++) expect(Math.abs(viaSmall[i] - viaGram[i])).toBeLessThan(1e-11 * top);
  });
});
