import * as Plot from '@observablehq/plot';
import { renderSvg } from './render.js';

/** |coefficient| against degree p on a log scale, NNGP and NTK (zeros left out). */
export function coefficientDecaySvg(title: string, nngp: ArrayLike<number>, ntk: ArrayLike<number>): string {
  const pts: Array<{ p: number; value: number; kernel: string }> = [];
  for (const [name, c] of [
    ['NNGP', nngp],
    ['NTK', ntk],
  ] as const) {
    for (let p = 0; p < c.length; p++)
      if (Math.abs(c[p]) > 1e-300) pts.push({ p, value: Math.abs(c[p]), kernel: name });
  }
  return renderSvg({
    width: 720,
    height: 440,
    marginTop: 40,
    x: { label: 'degree p' },
    y: { label: '|coefficient of ⟨x, y⟩^p|', type: 'log', grid: true },
    color: { legend: true },
    marks: [
      Plot.dot(pts, { x: 'p', y: 'value', stroke: 'kernel' }),
      Plot.line(pts, { x: 'p', y: 'value', stroke: 'kernel', strokeOpacity: 0.4 }),
      Plot.text([title], { frameAnchor: 'top-left', dy: -28, fontSize: 14, fontWeight: 'bold', textAnchor: 'start' }),
    ],
  });
}

/**
 * Sphere eigenvalues per degree k ≥ 1 on log-log axes with the fitted power law k^slope
 * (apps/docs/theory/power-series.md#sphere-eigenvalues).
 */
export function sphereEigenvaluesSvg(title: string, eigenvalues: ArrayLike<number>, slope: number | null): string {
  const pts: Array<{ k: number; value: number }> = [];
  let max = 0;
  for (let k = 1; k < eigenvalues.length; k++) max = Math.max(max, eigenvalues[k]);
  for (let k = 1; k < eigenvalues.length; k++) if (eigenvalues[k] > 1e-12 * max) pts.push({ k, value: eigenvalues[k] });
  const marks: Plot.Markish[] = [Plot.dot(pts, { x: 'k', y: 'value', fill: '#236' })];
  if (slope !== null && pts.length >= 2) {
    // Anchor the fitted line at the geometric mean of the points (least squares passes through it in log-log).
    const lx = pts.reduce((s, q) => s + Math.log(q.k), 0) / pts.length;
    const ly = pts.reduce((s, q) => s + Math.log(q.value), 0) / pts.length;
    const line = pts.map((q) => ({ k: q.k, value: Math.exp(ly + slope * (Math.log(q.k) - lx)) }));
    marks.push(Plot.line(line, { x: 'k', y: 'value', stroke: '#c33', strokeDasharray: '4,3' }));
  }
  const sub = slope === null ? '' : ` · red: fitted k^${slope.toFixed(2)}`;
  marks.push(
    Plot.text([title + sub], {
      frameAnchor: 'top-left',
      dy: -28,
      fontSize: 14,
      fontWeight: 'bold',
      textAnchor: 'start',
    }),
  );
  return renderSvg({
    width: 720,
    height: 440,
    marginTop: 40,
    x: { label: 'harmonic degree k', type: 'log' },
    y: { label: 'eigenvalue λ_k', type: 'log', grid: true },
    marks,
  });
}
