import * as Plot from '@observablehq/plot';
import { renderSvg } from './render.js';

/** One point of a metric curve. */
export interface MetricPoint {
  readonly step: number;
  readonly value: number;
  readonly series: string;
}

const PALETTE = ['#c33', '#36c', '#393', '#e80', '#939', '#099', '#666', '#a52', '#c6c', '#486'];

/**
 * Metrics over training steps (one line per series, log-scaled step axis shifted by 1 so step 0 shows). The
 * legend is drawn as text inside the SVG: Plot's own legend would wrap the figure in HTML with a swatch SVG
 * first, which is not a standalone figure.
 */
export function trainMetricsSvg(title: string, points: ReadonlyArray<MetricPoint>, yLabel: string): string {
  const series = [...new Set(points.map((p) => p.series))];
  const finite = points.filter((p) => Number.isFinite(p.value));
  const marks: Plot.Markish[] = [];
  series.forEach((name, i) => {
    const color = PALETTE[i % PALETTE.length];
    const pts = finite.filter((p) => p.series === name).map((p) => ({ x: p.step + 1, y: p.value }));
    marks.push(Plot.lineY(pts, { x: 'x', y: 'y', stroke: color, strokeWidth: 1.5 }));
    marks.push(Plot.dot(pts, { x: 'x', y: 'y', fill: color, r: 2.5 }));
    marks.push(
      Plot.text([`— ${name}`], {
        frameAnchor: 'top-right',
        dx: -4,
        dy: 4 + 14 * i,
        fill: color,
        fontSize: 11,
        textAnchor: 'end',
      }),
    );
  });
  marks.push(
    Plot.text([title], { frameAnchor: 'top-left', dy: -26, fontSize: 14, fontWeight: 'bold', textAnchor: 'start' }),
  );
  return renderSvg({
    width: 720,
    height: 400,
    marginTop: 40,
    marginLeft: 60,
    x: { type: 'log', label: 'step + 1' },
    y: { label: yLabel, grid: true },
    marks,
  });
}
