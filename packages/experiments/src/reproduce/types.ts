import type { Backend, Rng } from '@spec/core';
import type { LimitSpectrum } from '@spec/rmt';

/**
 * One line of a reproduction's agreement table: a measured number set against the theory's prediction.
 * The rule is the same for every row: `ok = |measured − predicted| ≤ tolerance`. Distances (KS) are
 * rows with `predicted = 0`.
 */
export interface ReproductionRow {
  /** What was run, e.g. `tanh L=2 CK`. */
  readonly case: string;
  /** What was compared, e.g. `KS`, `m2`, `D`. */
  readonly metric: string;
  readonly measured: number;
  readonly predicted: number;
  /** Largest accepted |measured − predicted|; the reason is in `toleranceRule`. */
  readonly tolerance: number;
  /** How the tolerance was derived (one phrase). */
  readonly toleranceRule: string;
  readonly ok: boolean;
}

/** Eigenvalues against a limit law (the figure of `spec spectrum`). */
export interface SpectrumFigureData {
  readonly kind: 'spectrum';
  /** File stem (`<name>.svg`). */
  readonly name: string;
  readonly title: string;
  /** All eigenvalues, ascending. */
  readonly eigenvalues: Float64Array;
  readonly limit?: LimitSpectrum;
  /** Eigenvalues marked as outliers (drawn as ticks, left out of the histogram). */
  readonly outliers?: Float64Array;
  /** Right edge of the limit's support (histogram range). */
  readonly rightEdge?: number;
  /** Name of `limit` in the legend (default "limit density"). */
  readonly limitLabel?: string;
  /** Further limit laws drawn over the histogram, each with its legend name. */
  readonly extraLimits?: ReadonlyArray<{ readonly label: string; readonly limit: LimitSpectrum }>;
  /** Vertical marks on the axis (e.g. the NTK's lower edge r₊). */
  readonly markers?: ReadonlyArray<{ readonly x: number; readonly label: string }>;
}

/** One named line or point set of a {@link SeriesFigureData}. */
export interface FigureSeries {
  readonly label: string;
  readonly x: ReadonlyArray<number>;
  readonly y: ReadonlyArray<number>;
  /** `line` (theory, default) or `dot` (measurements). */
  readonly style?: 'line' | 'dot';
}

/** Curves and points in the plane (decay plots, dispersion vs depth, errors vs width …). */
export interface SeriesFigureData {
  readonly kind: 'series';
  readonly name: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly series: ReadonlyArray<FigureSeries>;
}

/** Figure data a front end renders (the CLI draws SVG with Observable Plot). */
export type ReproductionFigure = SpectrumFigureData | SeriesFigureData;

/** What a reproduction returns. */
export interface ReproductionResult {
  /** Sizes and settings actually used (plain values, for the JSON document). */
  readonly config: Readonly<Record<string, string | number | boolean | ReadonlyArray<number> | ReadonlyArray<string>>>;
  readonly rows: ReadonlyArray<ReproductionRow>;
  readonly figures: ReadonlyArray<ReproductionFigure>;
}

/** Inputs of {@link Reproduction.run}. */
export interface ReproductionContext {
  /** Shrunk sizes (a few seconds on one core); false = the documented full size. */
  readonly quick: boolean;
  /** Seeds everything; each case draws from `rng.split(caseName)`. */
  readonly rng: Rng;
  readonly backend: Backend;
  /**
   * Real-data source in the `--data` syntax of `@spec/data` (e.g. `cifar10:PATH`); only reproductions
   * that use real data read it, and each documents its default.
   */
  readonly data?: string;
  /** Progress: a label per stage, with done/total cases. */
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

/** A paper figure reproduced end to end. */
export interface Reproduction {
  /** Registry key (`spec reproduce NAME`). */
  readonly name: string;
  /** One line. */
  readonly title: string;
  /** Citation of the reproduced paper. */
  readonly paper: string;
  /** The sizes of the quick and full runs, in words. */
  readonly sizes: { readonly quick: string; readonly full: string };
  run(context: ReproductionContext): Promise<ReproductionResult>;
}

/** Builds a row with `ok` computed by the table's one rule (and refuses non-finite numbers). */
export function makeRow(r: Omit<ReproductionRow, 'ok'>): ReproductionRow {
  for (const [k, v] of [
    ['measured', r.measured],
    ['predicted', r.predicted],
    ['tolerance', r.tolerance],
  ] as const) {
    if (!Number.isFinite(v))
      throw new Error(`internal: reproduction row "${r.case} ${r.metric}" has a non-finite ${k} (${v})`);
  }
  return { ...r, ok: Math.abs(r.measured - r.predicted) <= r.tolerance };
}
