import * as Plot from '@observablehq/plot';
import { renderSvg } from './render.js';

/** One point of a metric curve. */
export interface MetricPoint {
  readonly step: number;
  readonly value: number;
  readonly series: string;
}

/** Metrics over training steps (one line per series, log-scaled step axis shifted by 1 so step 0 shows). */
export function trainMetricsSvg(title: string, points: ReadonlyArray<MetricPoint>, yLabel: string): string {
  return renderSvg({
    width: 720,
    height: 400,
    marginTop: 40,
    marginLeft: 60,
    x: { type: 'log', label: 'step + 1' },
    y: { label: yLabel, grid: true },
    color: { legend: true },
    marks: [
      Plot.lineY(points, { x: (p: MetricPoint) => p.step + 1, y: 'value', stroke: 'series' }),
      Plot.dot(points, { x: (p: MetricPoint) => p.step + 1, y: 'value', fill: 'series', r: 2.5 }),
      Plot.text([title], { frameAnchor: 'top-left', dy: -26, fontSize: 14, fontWeight: 'bold', textAnchor: 'start' }),
    ],
  });
}
