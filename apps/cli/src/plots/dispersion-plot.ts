import * as Plot from '@observablehq/plot';
import { renderSvg } from './render.js';

/** One Monte Carlo point with its theory value. */
export interface DispersionPoint {
  readonly depth: number;
  readonly lambda: number;
  readonly dispersion: number;
  readonly stderr: number;
  readonly theory: number | null;
}

/**
 * Dispersion vs depth: Monte Carlo points ± stderr and the apps/docs/theory/dispersion.md#depth-width-limits theory
 * curve; the phase in the title.
 */
export function dispersionSvg(fig: {
  readonly title: string;
  readonly rows: ReadonlyArray<DispersionPoint>;
  readonly theoryCurve: ReadonlyArray<{ depth: number; value: number }>;
}): string {
  const marks: Plot.Markish[] = [
    Plot.line(fig.theoryCurve, { x: 'depth', y: 'value', stroke: '#c33', strokeWidth: 1.5 }),
    Plot.ruleX(fig.rows, {
      x: 'depth',
      y1: (r: DispersionPoint) => r.dispersion - r.stderr,
      y2: (r: DispersionPoint) => r.dispersion + r.stderr,
      stroke: '#236',
    }),
    Plot.dot(fig.rows, { x: 'depth', y: 'dispersion', fill: '#236' }),
    Plot.ruleY([1], { strokeDasharray: '3,3' }),
    Plot.text([fig.title], { frameAnchor: 'top-left', dy: -28, fontSize: 14, fontWeight: 'bold', textAnchor: 'start' }),
  ];
  return renderSvg({
    width: 720,
    height: 440,
    marginTop: 40,
    x: { label: 'depth L (hidden layers)' },
    y: { label: 'dispersion E Θ²/(E Θ)²', grid: true },
    marks,
  });
}
