import * as Plot from '@observablehq/plot';
import type { ReproductionFigure, SeriesFigureData } from '@spec/experiments';
import { renderSvg } from '../plots/render.js';
import { bulkHistogram, spectrumSvg } from '../plots/spectrum-plot.js';

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
    marks.push(
      Plot.text([`${s.style === 'dot' ? '●' : '—'} ${s.label}`], {
        frameAnchor: 'top-right',
        dy: 4 + 14 * i,
        dx: -4,
        fill: color,
        fontSize: 11,
        textAnchor: 'end',
      }),
    );
  });
  marks.push(
    Plot.text([fig.title], { frameAnchor: 'top-left', dy: -24, fontSize: 14, fontWeight: 'bold', textAnchor: 'start' }),
  );
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
    return spectrumSvg({
      title: fig.title,
      bins: bulkHistogram(fig),
      limit: fig.limit,
      outliers: Array.from(fig.outliers ?? []),
      limitLabel: fig.limitLabel,
      extraLimits: fig.extraLimits,
      markers: fig.markers,
    });
  }
  return seriesSvg(fig);
}
