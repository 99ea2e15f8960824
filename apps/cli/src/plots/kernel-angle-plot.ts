import * as Plot from '@observablehq/plot';
import { renderSvg } from './render.js';

/** Kernel value against the angle between two unit inputs, one curve per depth. */
export interface KernelAngleFigure {
  readonly title: string;
  /** Points { angle (degrees), value, depth }. */
  readonly points: ReadonlyArray<{ readonly angle: number; readonly value: number; readonly depth: number }>;
  readonly yLabel: string;
}

/** Curves of an infinite-width kernel vs angle by depth (SVG). */
export function kernelAngleSvg(fig: KernelAngleFigure): string {
  return renderSvg({
    width: 720,
    height: 440,
    marginTop: 40,
    x: { label: 'angle between inputs (degrees)', domain: [0, 180] },
    y: { label: fig.yLabel, grid: true },
    color: { legend: true, type: 'ordinal', label: 'depth' },
    marks: [
      Plot.lineY(fig.points, { x: 'angle', y: 'value', stroke: 'depth', z: 'depth', strokeWidth: 1.6 }),
      Plot.ruleY([0]),
      Plot.text([fig.title], {
        frameAnchor: 'top-left',
        dy: -28,
        fontSize: 14,
        fontWeight: 'bold',
        textAnchor: 'start',
      }),
    ],
  });
}
