import { SpecError } from '@spec/core';
import {
  SLQ_AUTO_MIN_N,
  assertFitsInMemory,
  availableMemoryBytes,
  denseSpectrumBytes,
  slqSpectrumBytes,
  tiledSlqSpectrumBytes,
  type SpectrumSizes,
} from './memory.js';

/** How {@link planSpectrum} may compute the spectra (see `SpectrumJobOptions` for the meaning of each field). */
export interface SpectrumPlanOptions {
  readonly kernel?: 'ck' | 'ntk' | 'both';
  readonly method?: 'dense' | 'slq' | 'auto';
  readonly slq?: { readonly probes?: number; readonly steps?: number; readonly ntk?: 'stored' | 'tiled' | 'auto' };
  /** Bytes the job may use (default 80% of the machine's memory). */
  readonly memoryLimitBytes?: number;
}

/**
 * Which executor computes the spectra:
 * - `'slq'`: stochastic Lanczos quadrature through matrix-free products (the NTK stored or applied tile by tile);
 * - `'ck-small-gram'`: the CK alone with d_L < n, from the d_L × d_L matrix X_L X_Lᵀ (its nonzero eigenvalues);
 * - `'lean-ntk'`: the NTK (and CK) of an all-dense network in one n × n buffer;
 * - `'general'`: the empirical kernels of any network, then dense eigenvalues.
 */
export type SpectrumRoute = 'slq' | 'ck-small-gram' | 'lean-ntk' | 'general';

/** What a spectrum job will do and what it may cost, decided before anything is allocated. */
export interface SpectrumPlan {
  readonly kernel: 'ck' | 'ntk' | 'both';
  readonly route: SpectrumRoute;
  /** `'dense'`: all n eigenvalues; `'slq'`: a spectral density with error bars. */
  readonly method: 'dense' | 'slq';
  /** SLQ only: the NTK is applied matrix-free (never formed). */
  readonly tiledNtk: boolean;
  /** SLQ probe vectors and Lanczos steps (used by the `'slq'` route only). */
  readonly probes: number;
  readonly steps: number;
  /** Estimated peak bytes of the chosen route, and the limit it was checked against. */
  readonly bytes: number;
  readonly limitBytes: number;
}

function checkSizes({ n, d0, widths }: Omit<SpectrumSizes, 'kernel'>): void {
  if (!Number.isInteger(n) || n < 2) throw new SpecError('E_INPUT', `the spectrum needs at least 2 samples, got ${n}`);
  if (!Number.isInteger(d0) || d0 < 1) throw new SpecError('E_INPUT', `d0 must be a positive integer, got ${d0}`);
  if (widths.length === 0) throw new SpecError('E_INPUT', 'the spectrum needs at least one hidden layer (widths)');
  for (const d of widths) {
    if (!Number.isInteger(d) || d < 1) throw new SpecError('E_INPUT', `widths must be positive integers, got ${d}`);
  }
}

function choice<T extends string>(value: T | undefined, allowed: readonly T[], fallback: T, what: string): T {
  const v = value ?? fallback;
  if (!allowed.includes(v)) {
    throw new SpecError(
      'E_INPUT',
      `spectrum: ${what} must be ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/**
 * Plans a spectrum job from its sizes alone — pure, so a command can call it before it loads or generates data:
 * `'auto'` takes SLQ beyond {@link SLQ_AUTO_MIN_N} samples or when the dense route would not fit; the SLQ NTK is
 * applied matrix-free when the stored one would not fit (`slq.ntk: 'auto'`); `leanNtk` says whether the network is
 * all-dense, so the NTK can be built in one n × n buffer.
 *
 * @throws SpecError `E_MEMORY` when the chosen route would not fit (saying how much it needs and what to try),
 *   `E_INPUT` on invalid sizes or options
 */
export function planSpectrum(
  sizes: Omit<SpectrumSizes, 'kernel'>,
  options: SpectrumPlanOptions & { readonly leanNtk: boolean },
): SpectrumPlan {
  checkSizes(sizes);
  const { n, widths } = sizes;
  const kernel = choice(options.kernel, ['ck', 'ntk', 'both'], 'both', 'kernel');
  const method = choice(options.method, ['dense', 'slq', 'auto'], 'auto', 'method');
  const ntkMode = choice(options.slq?.ntk, ['stored', 'tiled', 'auto'], 'auto', 'slq.ntk');
  const probes = options.slq?.probes ?? 16;
  const steps = Math.min(n, options.slq?.steps ?? 80);
  if (!Number.isInteger(probes) || probes < 1)
    throw new SpecError('E_INPUT', `SLQ probes must be a positive integer, got ${probes}`);
  if (!Number.isInteger(steps) || steps < 1)
    throw new SpecError('E_INPUT', `SLQ steps must be a positive integer, got ${steps}`);
  const full = { ...sizes, kernel };
  const limitBytes = options.memoryLimitBytes ?? availableMemoryBytes();
  const denseBytes = denseSpectrumBytes(full);
  const shape = `n = ${n}, widths ${widths.join(',')}`;
  const useSlq = method === 'slq' || (method === 'auto' && (n > SLQ_AUTO_MIN_N || denseBytes > limitBytes));
  if (useSlq) {
    const stored = slqSpectrumBytes(full, probes, steps);
    const tiledNtk = kernel !== 'ck' && (ntkMode === 'tiled' || (ntkMode === 'auto' && stored > limitBytes));
    const bytes = tiledNtk ? tiledSlqSpectrumBytes(full, probes, steps) : stored;
    assertFitsInMemory(
      bytes,
      limitBytes,
      `the SLQ spectral density at ${shape}`,
      'try a smaller n, narrower widths, --kernel ck (matrix-free, no n × n matrix) or fewer --slq-probes',
    );
    return { kernel, route: 'slq', method: 'slq', tiledNtk, probes, steps, bytes, limitBytes };
  }
  assertFitsInMemory(
    denseBytes,
    limitBytes,
    `the dense spectrum at ${shape} (n × n kernels and eigvalsh)`,
    'try --method slq (matrix-free spectral density with error bars) or a smaller n',
  );
  const route: SpectrumRoute =
    kernel === 'ck' && widths[widths.length - 1] < n
      ? 'ck-small-gram'
      : kernel !== 'ck' && options.leanNtk
        ? 'lean-ntk'
        : 'general';
  return { kernel, route, method: 'dense', tiledNtk: false, probes, steps, bytes: denseBytes, limitBytes };
}
