import * as Plot from '@observablehq/plot';
import { renderSvg } from './render.js';

function titleMark(title: string): Plot.Markish {
  return Plot.text([title], {
    frameAnchor: 'top-left',
    dy: -28,
    fontSize: 14,
    fontWeight: 'bold',
    textAnchor: 'start',
  });
}

/**
 * Kernels of inputs on a circle against θ (degrees), one curve per `kernel` label; points marked `self` (a kernel of
 * x(θ) with itself) are drawn dashed (SVG).
 */
export function kernelsByAngleSvg(
  title: string,
  points: ReadonlyArray<{
    readonly angle: number;
    readonly value: number;
    readonly kernel: string;
    readonly self?: boolean;
  }>,
): string {
  const cross = points.filter((p) => p.self !== true);
  const self = points.filter((p) => p.self === true);
  return renderSvg({
    width: 720,
    height: 440,
    marginTop: 40,
    x: { label: 'angle θ between x(0) and x(θ) (degrees)', domain: [0, 180] },
    y: { label: 'kernel', grid: true },
    color: { legend: true },
    marks: [
      Plot.lineY(cross, { x: 'angle', y: 'value', stroke: 'kernel', strokeWidth: 1.6 }),
      Plot.lineY(self, { x: 'angle', y: 'value', stroke: 'kernel', strokeWidth: 1.6, strokeDasharray: '5,4' }),
      Plot.ruleY([0]),
      titleMark(title),
    ],
  });
}

/** Eigenvalues of the NNGP and NTK matrices by rank on log-log axes (positive ones, above 1e−12 of the largest). */
export function kernelEigenvaluesSvg(title: string, nngp: ArrayLike<number>, ntk: ArrayLike<number>): string {
  const pts: Array<{ rank: number; value: number; kernel: string }> = [];
  for (const [kernel, values] of [
    ['NNGP', nngp],
    ['NTK', ntk],
  ] as const) {
    const top = values.length > 0 ? values[0] : 0;
    for (let i = 0; i < values.length; i++) {
      if (values[i] > 1e-12 * top) pts.push({ rank: i + 1, value: values[i], kernel });
    }
  }
  return renderSvg({
    width: 720,
    height: 440,
    marginTop: 40,
    x: { label: 'rank i', type: 'log' },
    y: { label: 'eigenvalue λ_i', type: 'log', grid: true },
    color: { legend: true },
    marks: [Plot.dot(pts, { x: 'rank', y: 'value', stroke: 'kernel', r: 2 }), titleMark(title)],
  });
}

/**
 * Eigenvalues by rank on log-log axes, one series per label (positive ones, above 1e−12 of the series' largest): dots,
 * or a line for a series with `line` (e.g. finite-width dots against infinite-width lines).
 */
export function eigenvaluesByRankSvg(
  title: string,
  series: ReadonlyArray<{ readonly label: string; readonly values: ArrayLike<number>; readonly line?: boolean }>,
): string {
  const dots: Array<{ rank: number; value: number; kernel: string }> = [];
  const lines: Array<{ rank: number; value: number; kernel: string }> = [];
  for (const s of series) {
    const top = s.values.length > 0 ? s.values[0] : 0;
    for (let i = 0; i < s.values.length; i++) {
      if (s.values[i] > 1e-12 * top) (s.line ? lines : dots).push({ rank: i + 1, value: s.values[i], kernel: s.label });
    }
  }
  return renderSvg({
    width: 720,
    height: 440,
    marginTop: 40,
    x: { label: 'rank i', type: 'log' },
    y: { label: 'eigenvalue λ_i', type: 'log', grid: true },
    color: { legend: true },
    marks: [
      Plot.line(lines, { x: 'rank', y: 'value', stroke: 'kernel', strokeWidth: 1.6 }),
      Plot.dot(dots, { x: 'rank', y: 'value', stroke: 'kernel', r: 2 }),
      titleMark(title),
    ],
  });
}
