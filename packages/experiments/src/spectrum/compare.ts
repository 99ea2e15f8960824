import { ksDistance, outliers, type LimitSpectrum } from '@spec/rmt';

/** A computed spectrum before it is set against a limit (see `KernelSpectrum` for the fields). */
export interface RawSpectrum {
  readonly method: 'dense' | 'slq';
  readonly eigenvalues: Float64Array;
  readonly density?: {
    readonly x: Float64Array;
    readonly density: Float64Array;
    readonly stderr: Float64Array;
    readonly bandwidth: number;
  };
  readonly slq?: {
    readonly probes: number;
    readonly steps: number;
    readonly cdfError: number;
    readonly tiled?: boolean;
  };
  /** tr K / n when known exactly (SLQ); otherwise the mean of the eigenvalues is used. */
  readonly mean?: number;
}

/** A spectrum set against its limit law: KS distances, the limit's right edge and the outliers beyond it. */
export interface Comparison {
  readonly mean: number;
  readonly limit?: LimitSpectrum;
  /** Kolmogorov–Smirnov distance to the limit, atoms included. */
  readonly ks?: number;
  /** KS after rescaling the eigenvalues to the limit's mean (removes the fluctuation of the trace). */
  readonly ksScaled?: number;
  /** Right edge of the limit's support. */
  readonly rightEdge?: number;
  /** Eigenvalues beyond the right edge plus a Tracy–Widom-sized margin, descending. */
  readonly outliers?: Float64Array;
}

/** Eigenvalues below this multiple of λ_max count as the exact zeros of an atom at 0 (round-off). */
const ATOM_TOLERANCE = 1e-9;

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sets eigenvalues (or SLQ quantiles) against a limit law; without a limit only the mean is added. */
export function compareWithLimit<S extends RawSpectrum>(spectrum: S, limit: LimitSpectrum | undefined): S & Comparison {
  const eigenvalues = spectrum.eigenvalues;
  const m = spectrum.mean ?? mean(eigenvalues);
  const base = { ...spectrum, mean: m };
  if (limit === undefined) return base;
  const lambdaMax = Math.max(Math.abs(eigenvalues[0]), Math.abs(eigenvalues[eigenvalues.length - 1]));
  const atomTolerance = ATOM_TOLERANCE * lambdaMax;
  const ks = ksDistance(eigenvalues, limit, { atomTolerance });
  const scale = limit.mean / m;
  const ksScaled = ksDistance(
    eigenvalues.map((v) => v * scale),
    limit,
    { atomTolerance },
  );
  const support = limit.support;
  const rightEdge = support.length > 0 ? support[support.length - 1][1] : Math.max(0, ...limit.atoms.map((a) => a.x));
  const out = outliers(eigenvalues, rightEdge, { n: eigenvalues.length });
  return { ...base, limit, ks, ksScaled, rightEdge, outliers: out.values };
}
