import { expect } from 'vitest';
import '../../src/index.js';
import { architectureKernelMatrices, type ArchitectureSpec } from '../../src/kernel-maps/index.js';
import { monteCarloKernels } from './finite-net.js';

/**
 * Monte Carlo check of an architecture's infinite-width NNGP and NTK (apps/docs/theory/architectures.md#monte-carlo)
 * against random finite networks at two widths.
 *
 * Tolerances, from the standard error:
 * - At the larger width every entry's mean over M ≥ 24 networks must lie within 5 estimated standard errors of the
 *   limit. With the standard error itself estimated from M networks, (mean − limit)/se is Student-t with M − 1 degrees
 *   of freedom, whose two-sided 1e-4 quantile is ≈ 4.7 at 23 degrees (3.9 for a known se): false alarms stay below
 *   1e-4 per entry, ~2% over the ~200 entries of all the MC tests. The finite-width bias is O(1/N); at N = 128 it
 *   stays well below one standard error (rerun of conv-quad with 100 networks at N = 128 and 40 at 256: every
 *   |z| ≤ 1.3; the table of apps/docs/theory/architectures.md#monte-carlo shows ≤ 4% at N = 64). Entries with zero
 *   variance across networks (LayerNorm makes ⟨z, z⟩/N exactly 1) get 1e-12 relative for rounding.
 * - Fluctuations shrink like N^(−1/2): the median relative Frobenius deviation of one network should halve from N to
 *   4N. The median of ≥ 20 deviations has a sampling error of ≲ 15%, so the ratio must lie in [0.3, 0.8].
 */
export function expectMonteCarloAgreement(options: {
  spec: ReadonlyArray<Record<string, unknown>>;
  data: Float64Array;
  shape: number[];
  widths: [number, number];
  nets: [number, number];
  seed?: number;
}): void {
  const { spec, data, shape } = options;
  const limit = architectureKernelMatrices({ spec: spec as ArchitectureSpec, data, shape });
  const runs = options.widths.map((width, i) =>
    monteCarloKernels({
      spec: spec as never,
      data,
      shape,
      width,
      nets: options.nets[i],
      seed: options.seed ?? 1,
      limit,
    }),
  );
  const wide = runs[1];
  for (const which of ['nngp', 'ntk'] as const) {
    for (let i = 0; i < limit[which].length; i++) {
      const tol = 5 * wide[which].se[i] + 1e-12 * Math.abs(limit[which][i]);
      expect(
        Math.abs(wide[which].mean[i] - limit[which][i]),
        `${which}[${i}] at N = ${options.widths[1]}`,
      ).toBeLessThanOrEqual(tol);
    }
    const ratio = runs[1].medianDeviation[which] / runs[0].medianDeviation[which];
    expect(ratio, `${which} deviation ratio N = ${options.widths[0]} → ${options.widths[1]}`).toBeGreaterThanOrEqual(
      0.3,
    );
    expect(ratio).toBeLessThanOrEqual(0.8);
  }
}
