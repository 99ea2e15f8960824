import * as Plot from '@observablehq/plot';
import { histogram } from '@spec/rmt';
import { renderSvg } from './render.js';

/** Eigenvalues of one matrix at one checkpoint. */
export interface SpectrumPanel {
  readonly step: number;
  readonly eigenvalues: Float64Array;
}

/** Options of {@link trainSpectraSvg}. */
export interface TrainSpectraFigure {
  readonly title: string;
  readonly panels: ReadonlyArray<SpectrumPanel>;
  /** The law at initialisation (density of the continuous part on a grid), drawn in every panel. */
  readonly law?: { readonly x: ArrayLike<number>; readonly density: ArrayLike<number>; readonly label: string };
  /** Point masses of the law (noted in the subtitle; the histogram shows them as a tall first bin). */
  readonly atoms?: ReadonlyArray<{ readonly x: number; readonly mass: number }>;
  readonly xLabel: string;
}

interface Bar {
  readonly x0: number;
  readonly x1: number;
  readonly density: number;
  readonly panel: string;
}

/**
 * Small multiples (one row per checkpoint) of density-normalised eigenvalue histograms on a common range
 * and bins, with the step-0 law over each, so a reader sees whether the bulk moved.
 */
export function trainSpectraSvg(fig: TrainSpectraFigure): string {
  const label = (step: number): string => `step ${step}`;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of fig.panels) {
    lo = Math.min(lo, p.eigenvalues[0]);
    hi = Math.max(hi, p.eigenvalues[p.eigenvalues.length - 1]);
  }
  if (fig.law && fig.law.x.length > 0) {
    lo = Math.min(lo, fig.law.x[0]);
    hi = Math.max(hi, fig.law.x[fig.law.x.length - 1]);
  }
  if (!(hi > lo)) hi = lo + 1;
  const count = Math.max(20, Math.min(60, Math.round(2 * Math.sqrt(fig.panels[0]?.eigenvalues.length ?? 100))));
  const bars: Bar[] = [];
  for (const p of fig.panels) {
    const h = histogram(p.eigenvalues, { bins: count, range: [lo, hi] });
    h.density.forEach((density, i) => bars.push({ x0: h.edges[i], x1: h.edges[i + 1], density, panel: label(p.step) }));
  }
  const marks: Plot.Markish[] = [
    Plot.rectY(bars, {
      x1: 'x0',
      x2: 'x1',
      y: 'density',
      fy: 'panel',
      fill: '#9ab',
      fillOpacity: 0.85,
      inset: 0.3,
      clip: true,
    }),
  ];
  let lawMax = 0;
  if (fig.law) {
    const pts: Array<{ x: number; y: number; panel: string }> = [];
    for (const p of fig.panels) {
      for (let i = 0; i < fig.law.x.length; i++) {
        const y = fig.law.density[i];
        if (Number.isFinite(y)) pts.push({ x: fig.law.x[i], y, panel: label(p.step) });
        if (Number.isFinite(y)) lawMax = Math.max(lawMax, y);
      }
    }
    marks.push(Plot.lineY(pts, { x: 'x', y: 'y', fy: 'panel', stroke: '#c33', strokeWidth: 1.5, clip: true }));
  }
  marks.push(Plot.ruleY([0]));
  const histMax = Math.max(0, ...bars.map((b) => b.density));
  // An atom (e.g. the CK's zero eigenvalues when n > h) makes one bar very tall; cap the axis near the law.
  const yMax = lawMax > 0 ? Math.min(histMax, 1.6 * lawMax) * 1.1 : 1.1 * histMax || 1;
  const atoms =
    fig.atoms && fig.atoms.length > 0
      ? ` · atoms: ${fig.atoms.map((a) => `${a.mass.toFixed(3)} at ${a.x}`).join(', ')}`
      : '';
  const subtitle = `density-normalised histograms of the eigenvalues${fig.law ? ` · red: ${fig.law.label}` : ''}${atoms}`;
  // Titles go in the first facet only (a text mark without fy would repeat in every facet).
  const first = label(fig.panels[0]?.step ?? 0);
  marks.push(
    Plot.text([{ text: fig.title, panel: first }], {
      text: 'text',
      fy: 'panel',
      frameAnchor: 'top-left',
      dy: -40,
      fontSize: 14,
      fontWeight: 'bold',
      textAnchor: 'start',
    }),
  );
  marks.push(
    Plot.text([{ text: subtitle, panel: first }], {
      text: 'text',
      fy: 'panel',
      frameAnchor: 'top-left',
      dy: -22,
      fontSize: 11,
      fill: '#555',
      textAnchor: 'start',
    }),
  );
  return renderSvg({
    width: 720,
    height: 130 + 150 * fig.panels.length,
    marginTop: 54,
    marginLeft: 56,
    marginRight: 70,
    x: { label: fig.xLabel, nice: true },
    y: { label: 'density', grid: true, domain: [0, yMax] },
    fy: { label: null, domain: fig.panels.map((p) => label(p.step)) },
    marks,
  });
}
