import { SpecError } from '@spec/core';
import { sortedSample } from './check.js';

/** A histogram: `bins` equal bins between `edges[0]` and `edges[bins]`. */
export interface Histogram {
  /** Bin edges (bins + 1). */
  readonly edges: Float64Array;
  /** Counts per bin; the last bin includes its right edge. */
  readonly counts: Float64Array;
  /**
   * counts / (n · bin width), comparable with a density (apps/docs/theory/spectral-evolution.md#quantities "ESD
   * histograms").
   */
  readonly density: Float64Array;
  /** Number of values outside the range (not counted). */
  readonly outside: number;
}

/** Histogram of an empirical spectrum on `range` (default [min, max]) with `bins` equal bins. */
export function histogram(
  values: ArrayLike<number>,
  options: { readonly bins: number; readonly range?: readonly [number, number] },
): Histogram {
  const { bins } = options;
  if (!Number.isInteger(bins) || bins < 1)
    throw new SpecError('E_INPUT', `histogram: bins must be an integer ≥ 1, got ${bins}`);
  const s = sortedSample(values, 'histogram');
  const lo = options.range ? options.range[0] : s[0];
  let hi = options.range ? options.range[1] : s[s.length - 1];
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi >= lo))
    throw new SpecError('E_INPUT', `histogram: invalid range [${lo}, ${hi}]`);
  if (hi === lo) hi = lo + 1;
  const width = (hi - lo) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = lo + i * width;
  const counts = new Float64Array(bins);
  let outside = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (v < lo || v > hi) {
      outside++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  const density = counts.map((c) => c / (s.length * width));
  return { edges, counts, density, outside };
}
