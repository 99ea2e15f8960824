import { SpecError, type Activation, type Backend, type Matrix, type Rng } from '@spec/core';
import { ksDistance, outliers, type LimitSpectrum } from '@spec/rmt';
import { empiricalKernels } from './empirical-kernels.js';
import { limitJob, type LimitInput } from './limit-job.js';
import { mlp } from './mlp.js';
import { initNetwork } from './network.js';

/** Options of {@link spectrumJob}. */
export interface SpectrumJobOptions {
  /** Data, d₀ × n (samples as columns, unit norm as the theory assumes). */
  readonly X: Matrix;
  /** Hidden widths d₁..d_L. */
  readonly widths: ReadonlyArray<number>;
  /** Activation as used in the network (pass `normalizeActivation(act)` for the theory's σ̃). */
  readonly activation: Activation;
  /** Which kernels (default both). */
  readonly kernel?: 'ck' | 'ntk' | 'both';
  readonly backend: Backend;
  /** Seeds the weights (drawn on the CPU, so every backend samples the same network). */
  readonly rng: Rng;
  /** Compare with the limit law (default true). */
  readonly limit?: boolean;
  /**
   * Model of the input Gram in the limit: `'mp'` (i.i.d. Gaussian / spherical data, γ₀ = n/d₀) or
   * `'data'` (the data's own XᵀX spectrum, MATH.md §2.7). Default `'mp'`.
   */
  readonly input?: 'mp' | 'data';
  /** Limit density grid points (default 1000). */
  readonly points?: number;
  /** Readout weights (default Rademacher, MATH.md §2.6). */
  readonly outputWeights?: 'rademacher' | 'gaussian';
  /** Progress by stage. */
  readonly onProgress?: (stage: SpectrumStage, done: number, total: number) => void;
}

/** Stages reported through `onProgress`. */
export type SpectrumStage = 'forward' | 'kernels' | 'eigenvalues' | 'limit';

/** One kernel's spectrum set against its limit. */
export interface KernelSpectrum {
  /** All n eigenvalues, ascending. */
  readonly eigenvalues: Float64Array;
  /** Mean eigenvalue tr K / n. */
  readonly mean: number;
  /** The limit law (absent with `limit: false`). */
  readonly limit?: LimitSpectrum;
  /** Kolmogorov–Smirnov distance to the limit, atoms included. */
  readonly ks?: number;
  /** KS after rescaling the eigenvalues to the limit's mean (removes the trace fluctuation, issue 5). */
  readonly ksScaled?: number;
  /** Right edge of the limit's support. */
  readonly rightEdge?: number;
  /** Eigenvalues beyond the right edge plus a Tracy–Widom-sized margin, descending. */
  readonly outliers?: Float64Array;
}

/** Result of {@link spectrumJob}. */
export interface SpectrumJobResult {
  readonly ck?: KernelSpectrum;
  readonly ntk?: KernelSpectrum;
  /** a_σ, b_σ (present when the limit was computed). */
  readonly a?: number;
  readonly b?: number;
  /** γ_ℓ = n/d_ℓ. */
  readonly samplesPerNeuron: number[];
  /** Backend of the products, and of the eigensolver. */
  readonly backend: string;
  readonly eigenBackend: string;
}

/** Eigenvalues below this multiple of λ_max count as the exact zeros of an atom at 0 (round-off). */
const ATOM_TOLERANCE = 1e-9;

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/**
 * The main job of spec (issue 5): sample an MLP (MATH.md §2.1) on X, compute the empirical CK and/or
 * NTK eigenvalues, and set them against the deterministic limits for the same ratios (§2.3–2.5) with
 * the KS distance (raw and mean-rescaled) and outliers beyond the limit's right edge.
 */
export function spectrumJob(options: SpectrumJobOptions): SpectrumJobResult {
  const { X, widths, activation, backend, rng } = options;
  const kernel = options.kernel ?? 'both';
  const n = X.cols;
  if (n < 2) throw new SpecError('E_INPUT', `the spectrum needs at least 2 samples, got ${n}`);
  const progress = options.onProgress ?? (() => undefined);

  const net = mlp({ inputDim: X.rows, widths, activation, outputWeights: options.outputWeights });
  progress('forward', 0, 1);
  const params = initNetwork(net, rng);
  progress('forward', 1, 1);
  const kernels = empiricalKernels(net, params, X, backend, {
    kernel,
    onProgress: (done, total) => progress('kernels', done, total),
  });

  const eig = (K: Matrix | undefined, step: number, total: number): Float64Array | undefined => {
    if (K === undefined) return undefined;
    progress('eigenvalues', step, total);
    const values = backend.eigvalsh(K);
    progress('eigenvalues', step + 1, total);
    return values;
  };
  const total = kernel === 'both' ? 2 : 1;
  const ckEigs = eig(kernels.ck, 0, total);
  const ntkEigs = eig(kernels.ntk, kernel === 'both' ? 1 : 0, total);

  let limits: ReturnType<typeof limitJob> | undefined;
  if (options.limit ?? true) {
    progress('limit', 0, 1);
    limits = limitJob({
      n,
      d0: X.rows,
      widths,
      activation,
      kernel,
      input: options.input === 'data' ? dataInput(X, backend) : { kind: 'mp' },
      points: options.points,
    });
    progress('limit', 1, 1);
  }

  return {
    ck: ckEigs && compare(ckEigs, limits?.ck),
    ntk: ntkEigs && compare(ntkEigs, limits?.ntk),
    a: limits?.a,
    b: limits?.b,
    samplesPerNeuron: widths.map((d) => n / d),
    backend: backend.name,
    eigenBackend: backend.computedBy('eigvalsh'),
  };
}

/** Sets eigenvalues against a limit law. */
function compare(eigenvalues: Float64Array, limit: LimitSpectrum | undefined): KernelSpectrum {
  const m = mean(eigenvalues);
  if (limit === undefined) return { eigenvalues, mean: m };
  const lambdaMax = Math.max(Math.abs(eigenvalues[0]), Math.abs(eigenvalues[eigenvalues.length - 1]));
  const atomTolerance = ATOM_TOLERANCE * lambdaMax;
  const ks = ksDistance(eigenvalues, limit, { atomTolerance });
  const scale = limit.mean / m;
  const ksScaled = ksDistance(eigenvalues.map((v) => v * scale), limit, { atomTolerance });
  const support = limit.support;
  const rightEdge = support.length > 0 ? support[support.length - 1][1] : Math.max(0, ...limit.atoms.map((a) => a.x));
  const out = outliers(eigenvalues, rightEdge, { n: eigenvalues.length });
  return { eigenvalues, mean: m, limit, ks, ksScaled, rightEdge, outliers: out.values };
}

/**
 * The input law from the data's own Gram (MATH.md §2.7): nonzero eigenvalues of XᵀX through the
 * smaller of XᵀX (n × n) and XXᵀ (d₀ × d₀).
 */
function dataInput(X: Matrix, backend: Backend): LimitInput {
  const G = X.rows < X.cols ? backend.gemm(X, X, { transB: true }) : backend.gram(X);
  return { kind: 'eigenvalues', values: backend.eigvalsh(G) };
}
