import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng } from '@spec/core';
import { normalizeActivation, tanh } from '@spec/nets';
import { unitColumns } from '@spec/testing';
import { spectrumJob } from '../../src/index.js';
import { slqSpectrumBytes, tiledSlqSpectrumBytes } from '../../src/spectrum/memory.js';

const backend = createCpuBackend({ threads: 1 });
afterAll(() => backend.dispose());

describe('spectrumJob with slq.ntk = tiled', () => {
  it('gives the same SLQ spectrum as the stored NTK (same probes), and auto picks tiled when the stored NTK would not fit', () => {
    const X = unitColumns(60, 250, createRng(1).normal);
    const common = {
      X,
      widths: [150, 120],
      activation: normalizeActivation(tanh),
      backend,
      limit: false,
      method: 'slq',
      kernel: 'both',
    } as const;
    const stored = spectrumJob({ ...common, rng: createRng(4), slq: { probes: 8, steps: 30, ntk: 'stored' } });
    const tiled = spectrumJob({ ...common, rng: createRng(4), slq: { probes: 8, steps: 30, ntk: 'tiled' } });
    expect(stored.ntk!.slq!.tiled).toBe(false);
    expect(tiled.ntk!.slq!.tiled).toBe(true);
    // Same network, same probes, the operator equal to rounding: the Lanczos quantiles and means agree closely
    // (Lanczos amplifies rounding only mildly over 30 steps; 1e-6 relative is far below the SLQ's own error).
    expect(Math.abs(tiled.ntk!.mean - stored.ntk!.mean)).toBeLessThan(1e-10 * stored.ntk!.mean);
    const a = stored.ntk!.eigenvalues;
    const b = tiled.ntk!.eigenvalues;
    for (let i = 0; i < a.length; i += 10) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6 * a[a.length - 1]);
    expect(tiled.ck!.eigenvalues).toEqual(stored.ck!.eigenvalues);
    // Auto: with room for the tiled path but not for the stored NTK, the job goes tiled instead of failing (n large
    // against the 512-wide tiles, narrow layers: the n × n NTK and its packed copy dominate the stored estimate).
    const sizes = { n: 1200, d0: 20, widths: [40, 30], kernel: 'ntk' } as const;
    const need = tiledSlqSpectrumBytes(sizes, 4, 12);
    const storedNeed = slqSpectrumBytes(sizes, 4, 12);
    expect(need).toBeLessThan(storedNeed);
    const big = unitColumns(20, 1200, createRng(8).normal);
    const auto = spectrumJob({
      ...common,
      X: big,
      widths: [40, 30],
      kernel: 'ntk',
      rng: createRng(4),
      slq: { probes: 4, steps: 12 },
      memoryLimitBytes: (need + storedNeed) / 2,
    });
    expect(auto.ntk!.slq!.tiled).toBe(true);
  });

  it('at n = 50000, widths 500: the stored NTK (20 GB) would not fit in 8 GB, the tiled path does', () => {
    const sizes = { n: 50000, d0: 500, widths: [500, 500], kernel: 'both' } as const;
    expect(slqSpectrumBytes(sizes, 16, 80)).toBeGreaterThan(2e10);
    expect(tiledSlqSpectrumBytes(sizes, 16, 80)).toBeLessThan(8e9);
  });
});
