import * as Plot from '@observablehq/plot';
import type { ReproductionFigure, SeriesFigureData, SpectrumFigureData } from '@spec/nets';
import { histogram } from '@spec/rmt';
import { renderSvg } from '../plots/render.js';
import { spectrumSvg, type HistogramBin } from '../plots/spectrum-plot.js';

/** Density-normalised histogram of the non-outlier eigenvalues (area = their fraction of all n). */
function bins(fig: SpectrumFigureData): HistogramBin[] {
  const e = fig.eigenvalues;
  const nOut = fig.outliers?.length ?? 0;
  const bulk = e.subarray(0, e.length - nOut);
  const lo = Math.min(e[0], fig.limit?.support[0]?.[0] ?? e[0]);
  const hi = Math.max(bulk[bulk.length - 1] ?? lo, fig.rightEdge ?? -Infinity);
  const count = Math.max(20, Math.min(100, Math.round(2 * Math.sqrt(e.length))));
  const h = histogram(bulk, { bins: count, range: [lo, hi > lo ? hi : lo + 1] });
  return Array.from(h.density, (density, i) => ({ x0: h.edges[i], x1: h.edges[i + 1], density: (density * bulk.length) / e.length }));
}

const PALETTE = ['#c33', '#36c', '#393', '#e80', '#939', '#099', '#666', '#a52'];

/** Lines (theory) and dots (measurements) with a legend drawn as text, log axes on request. */
function seriesSvg(fig: SeriesFigureData): string {
  const marks: Plot.Markish[] = [];
  fig.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    // Log axes cannot show values ≤ 0: leave those points out rather than emit NaN.
    const pts = s.x
      .map((x, j) => ({ x, y: s.y[j] }))
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!fig.logX || p.x > 0) && (!fig.logY || p.y > 0));
    if (s.style === 'dot') marks.push(Plot.dot(pts, { x: 'x', y: 'y', stroke: color, r: 3 }));
    else marks.push(Plot.lineY(pts, { x: 'x', y: 'y', stroke: color, strokeWidth: 1.6 }));
    marks.push(Plot.text([`${s.style === 'dot' ? '●' : '—'} ${s.label}`], { frameAnchor: 'top-right', dy: 4 + 14 * i, dx: -4, fill: color, fontSize: 11, textAnchor: 'end' }));
  });
  marks.push(Plot.text([fig.title], { frameAnchor: 'top-left', dy: -24, fontSize: 14, fontWeight: 'bold', textAnchor: 'start' }));
  return renderSvg({
    width: 720,
    height: 440,
    marginLeft: 60,
    marginTop: 36,
    x: { label: fig.xLabel, type: fig.logX ? 'log' : 'linear', grid: true },
    y: { label: fig.yLabel, type: fig.logY ? 'log' : 'linear', grid: true },
    marks,
  });
}

/** SVG of one reproduction figure. */
export function reproductionFigureSvg(fig: ReproductionFigure): string {
  if (fig.kind === 'spectrum') {
    return spectrumSvg({ title: fig.title, bins: bins(fig), limit: fig.limit, outliers: Array.from(fig.outliers ?? []) });
  }
  return seriesSvg(fig);
}
