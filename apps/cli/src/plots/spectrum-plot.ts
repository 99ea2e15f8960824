import * as Plot from '@observablehq/plot';
import { histogram } from '@spec/rmt';
import { renderSvg } from './render.js';

/** One histogram bar, density-normalised (area = fraction of eigenvalues in the bin). */
export interface HistogramBin {
  readonly x0: number;
  readonly x1: number;
  readonly density: number;
}

export interface SpectrumFigure {
  readonly title: string;
  readonly bins: ReadonlyArray<HistogramBin>;
  /** Limit density on a grid (may be absent with --no-limit). */
  readonly limit?: {
    readonly x: ArrayLike<number>;
    readonly density: ArrayLike<number>;
    readonly atoms: ReadonlyArray<{ x: number; mass: number }>;
  };
  /** Eigenvalues beyond the limit's right edge, marked on the axis. */
  readonly outliers?: ReadonlyArray<number>;
  readonly xLabel?: string;
  /** Legend name of `limit` (default "limit density"). */
  readonly limitLabel?: string;
  /** Further densities over the histogram (blue, green, …), with legend names. */
  readonly extraLimits?: ReadonlyArray<{
    readonly label: string;
    readonly limit: { readonly x: ArrayLike<number>; readonly density: ArrayLike<number> };
  }>;
  /** Dashed vertical marks with labels. */
  readonly markers?: ReadonlyArray<{ readonly x: number; readonly label: string }>;
}

const EXTRA_COLORS = ['#36c', '#393', '#939'];

/** Histogram of eigenvalues with the limit density over it, outliers marked (SVG). */
export function spectrumSvg(fig: SpectrumFigure): string {
  const marks: Plot.Markish[] = [
    Plot.rectY(fig.bins, { x1: 'x0', x2: 'x1', y: 'density', fill: '#9ab', fillOpacity: 0.8, inset: 0.3 }),
  ];
  if (fig.limit) {
    const pts = Array.from(fig.limit.x, (x, i) => ({ x, y: fig.limit!.density[i] }));
    marks.push(Plot.lineY(pts, { x: 'x', y: 'y', stroke: '#c33', strokeWidth: 1.6, clip: true }));
  }
  (fig.extraLimits ?? []).forEach((extra, i) => {
    const pts = Array.from(extra.limit.x, (x, j) => ({ x, y: extra.limit.density[j] }));
    const stroke = EXTRA_COLORS[i % EXTRA_COLORS.length];
    marks.push(Plot.lineY(pts, { x: 'x', y: 'y', stroke, strokeWidth: 1.6, strokeDasharray: '5,3', clip: true }));
  });
  for (const m of fig.markers ?? []) {
    marks.push(Plot.ruleX([m.x], { stroke: '#333', strokeDasharray: '2,3' }));
    marks.push(Plot.text([m], { x: 'x', text: 'label', frameAnchor: 'top', dy: 26, fill: '#333', fontSize: 11 }));
  }
  const outliers = fig.outliers ?? [];
  if (outliers.length > 0) {
    marks.push(
      Plot.tickX(
        outliers.map((x) => ({ x })),
        { x: 'x', stroke: '#e80', strokeWidth: 2 },
      ),
    );
    marks.push(
      Plot.text(
        outliers.slice(0, 1).map((x) => ({ x })),
        { x: 'x', text: () => `outliers (${outliers.length})`, frameAnchor: 'top', dy: 12, fill: '#e80' },
      ),
    );
  }
  marks.push(Plot.ruleY([0]));
  const atomNoteLine =
    fig.limit && fig.limit.atoms.length > 0
      ? ` · atoms: ${fig.limit.atoms.map((a) => `${a.mass.toFixed(3)} at ${a.x}`).join(', ')}`
      : '';
  const extraNote = (fig.extraLimits ?? [])
    .map((e, i) => ` · ${['blue', 'green', 'purple'][i % 3]} dashed: ${e.label}`)
    .join('');
  const subtitle = `histogram of eigenvalues${fig.limit ? ` · red: ${fig.limitLabel ?? 'limit density'}` : ''}${extraNote}${atomNoteLine}`;
  // Titles are drawn inside the SVG (Plot's own title would wrap the SVG in HTML).
  marks.push(
    Plot.text([fig.title], { frameAnchor: 'top-left', dy: -34, fontSize: 14, fontWeight: 'bold', textAnchor: 'start' }),
  );
  marks.push(
    Plot.text([subtitle], { frameAnchor: 'top-left', dy: -16, fontSize: 11, fill: '#555', textAnchor: 'start' }),
  );
  return renderSvg({
    // Densities blow up like 1/√x at a hard edge at 0 (ratio n/d = 1); cap the axis so the bulk stays visible.
    y: { label: 'density', grid: true, domain: [0, yCap(fig)] },
    width: 720,
    height: 440,
    marginLeft: 56,
    marginTop: 48,
    x: { label: fig.xLabel ?? 'eigenvalue', nice: true },
    marks,
  });
}

/** Upper end of the y axis: a little above the histogram, or the limit density's 95th percentile when alone. */
function yCap(fig: SpectrumFigure): number {
  const histMax = Math.max(0, ...fig.bins.map((b) => b.density));
  if (histMax > 0) return 1.25 * histMax;
  const d = Array.from(fig.limit?.density ?? []).sort((a, b) => a - b);
  return d.length > 0 ? 1.5 * d[Math.floor(0.95 * (d.length - 1))] || 1 : 1;
}

/** What {@link bulkHistogram} needs of a spectrum: ascending eigenvalues, the outliers among them, the limit's range. */
export interface BulkSpectrum {
  readonly eigenvalues: Float64Array;
  readonly outliers?: ArrayLike<number>;
  readonly limit?: { readonly support: ReadonlyArray<readonly [number, number]> };
  readonly rightEdge?: number;
}

/**
 * Density-normalised histogram bars of the bulk (the non-outlier eigenvalues; outliers are marked
 * separately), scaled so the bars' area is the bulk's fraction of all n eigenvalues. Default ~2√n bins.
 */
export function bulkHistogram(k: BulkSpectrum, bins?: number): HistogramBin[] {
  const e = k.eigenvalues;
  const nOut = k.outliers?.length ?? 0;
  const bulk = e.subarray(0, e.length - nOut);
  const lo = Math.min(e[0], k.limit?.support[0]?.[0] ?? e[0]);
  const hi = Math.max(bulk[bulk.length - 1] ?? lo, k.rightEdge ?? -Infinity);
  const count = bins ?? Math.max(20, Math.min(100, Math.round(2 * Math.sqrt(e.length))));
  const h = histogram(bulk, { bins: count, range: [lo, hi > lo ? hi : lo + 1] });
  return Array.from(h.density, (density, i) => ({
    x0: h.edges[i],
    x1: h.edges[i + 1],
    density: (density * bulk.length) / e.length,
  }));
}
