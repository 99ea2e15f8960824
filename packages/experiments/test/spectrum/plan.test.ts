import { describe, expect, it } from 'vitest';
import { expectSpecError } from '@spec/testing';
import {
  SLQ_AUTO_MIN_N,
  denseSpectrumBytes,
  planSpectrum,
  slqSpectrumBytes,
  tiledSlqSpectrumBytes,
} from '../../src/index.js';

const GiB = 2 ** 30;
const roomy = { memoryLimitBytes: 64 * GiB, leanNtk: true };

describe('planSpectrum', () => {
  it('auto: dense up to SLQ_AUTO_MIN_N samples, SLQ beyond', () => {
    const at = planSpectrum({ n: SLQ_AUTO_MIN_N, d0: 100, widths: [100] }, roomy);
    const beyond = planSpectrum({ n: SLQ_AUTO_MIN_N + 1, d0: 100, widths: [100] }, roomy);
    expect(at).toMatchObject({ method: 'dense', route: 'lean-ntk', kernel: 'both' });
    expect(beyond).toMatchObject({ method: 'slq', route: 'slq', tiledNtk: false, probes: 16, steps: 80 });
  });

  it('auto: SLQ when the dense route would not fit, even at small n (the CK alone is matrix-free under SLQ)', () => {
    const sizes = { n: 3000, d0: 500, widths: [4000] };
    const dense = denseSpectrumBytes({ ...sizes, kernel: 'ck' });
    const slq = slqSpectrumBytes({ ...sizes, kernel: 'ck' }, 16, 80);
    expect(slq).toBeLessThan(dense);
    const plan = planSpectrum(sizes, { kernel: 'ck', memoryLimitBytes: (slq + dense) / 2, leanNtk: true });
    expect(plan.route).toBe('slq');
    expect(plan.bytes).toBe(slq);
    expect(planSpectrum(sizes, { kernel: 'ck', memoryLimitBytes: 2 * dense, leanNtk: true }).route).toBe('general');
  });

  it('slq: the NTK goes matrix-free only when the stored one would not fit (slq.ntk auto), or when asked', () => {
    const sizes = { n: 20000, d0: 50, widths: [60, 40] };
    const stored = slqSpectrumBytes({ ...sizes, kernel: 'both' }, 16, 80);
    const tiled = tiledSlqSpectrumBytes({ ...sizes, kernel: 'both' }, 16, 80);
    expect(tiled).toBeLessThan(stored);
    expect(planSpectrum(sizes, { memoryLimitBytes: 2 * stored, leanNtk: true }).tiledNtk).toBe(false);
    expect(planSpectrum(sizes, { memoryLimitBytes: (stored + tiled) / 2, leanNtk: true }).tiledNtk).toBe(true);
    expect(planSpectrum(sizes, { ...roomy, slq: { ntk: 'tiled' } }).tiledNtk).toBe(true);
    // The CK alone is always matrix-free: no NTK to tile.
    expect(planSpectrum(sizes, { ...roomy, kernel: 'ck', slq: { ntk: 'tiled' } }).tiledNtk).toBe(false);
  });

  it('dense routes: the CK alone with d_L < n takes the small Gram; the NTK of a non-dense network the general route', () => {
    expect(planSpectrum({ n: 500, d0: 100, widths: [300, 200] }, { ...roomy, kernel: 'ck' }).route).toBe(
      'ck-small-gram',
    );
    expect(planSpectrum({ n: 500, d0: 100, widths: [300, 600] }, { ...roomy, kernel: 'ck' }).route).toBe('general');
    expect(planSpectrum({ n: 500, d0: 100, widths: [300] }, { ...roomy, leanNtk: false }).route).toBe('general');
    expect(planSpectrum({ n: 500, d0: 100, widths: [300] }, { ...roomy, kernel: 'ntk' }).route).toBe('lean-ntk');
  });

  it('SLQ steps never exceed n', () => {
    expect(planSpectrum({ n: 30, d0: 10, widths: [20] }, { ...roomy, method: 'slq' }).steps).toBe(30);
  });

  it('refuses, before anything is allocated, what would not fit on any route (E_MEMORY naming the size)', () => {
    expectSpecError(
      () =>
        planSpectrum({ n: 100000, d0: 100000, widths: [100000, 100000] }, { memoryLimitBytes: 8 * GiB, leanNtk: true }),
      'E_MEMORY',
      /n = 100000/,
      /GiB/,
    );
    expectSpecError(
      () =>
        planSpectrum(
          { n: 5000, d0: 100, widths: [100] },
          { method: 'dense', memoryLimitBytes: 0.01 * GiB, leanNtk: true },
        ),
      'E_MEMORY',
      /--method slq/,
    );
  });

  it('rejects invalid sizes and options with E_INPUT', () => {
    expectSpecError(() => planSpectrum({ n: 1, d0: 3, widths: [4] }, roomy), 'E_INPUT', /at least 2 samples/);
    expectSpecError(() => planSpectrum({ n: 10, d0: 3, widths: [] }, roomy), 'E_INPUT', /hidden layer/);
    expectSpecError(() => planSpectrum({ n: 10, d0: 3, widths: [4.5] }, roomy), 'E_INPUT', /positive integers/);
    // An invalid method, as a plain-JavaScript caller could pass it.
    const fast = { ...roomy, method: 'fast' as 'auto' };
    expectSpecError(() => planSpectrum({ n: 10, d0: 3, widths: [4] }, fast), 'E_INPUT', /method/);
    expectSpecError(
      () => planSpectrum({ n: 10, d0: 3, widths: [4] }, { ...roomy, slq: { probes: 0 } }),
      'E_INPUT',
      /probes/,
    );
  });
});
