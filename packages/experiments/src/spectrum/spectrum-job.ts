import {
  SpecError,
  assertFinite,
  type Activation,
  type Backend,
  type LayerParams,
  type Matrix,
  type Rng,
} from '@spec/core';
import {
  ksDistance,
  outliers,
  slqDensity,
  slqQuantiles,
  stochasticLanczosQuadrature,
  type BlockMatvec,
  type LimitSpectrum,
} from '@spec/rmt';
import { dataGramInput, limitJob } from '../limit-job.js';
import {
  SLQ_AUTO_MIN_N,
  assertFitsInMemory,
  availableMemoryBytes,
  denseSpectrumBytes,
  slqSpectrumBytes,
  tiledSlqSpectrumBytes,
} from './memory.js';
import {
  empiricalKernels,
  mlp,
  forward,
  initNetwork,
  type NetworkParams,
  kernelOperatorsConsuming,
  type LeanNtk,
  leanNtk,
  hasLeanNtk,
} from '@spec/nets';

/** n above which `method: 'auto'` chooses SLQ (a dense eigvalsh costs ~n³: minutes on 2 cores beyond this). */
export { SLQ_AUTO_MIN_N };

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
  /**
   * `'dense'`: all n eigenvalues of the n × n kernels (eigvalsh). `'slq'`: the spectral density by stochastic
   * Lanczos quadrature through matrix-free products (CK: v ↦ X_Lᵀ(X_L v); NTK: one n × n matrix built in place),
   * with error bars. `'auto'` (default): dense unless n > {@link SLQ_AUTO_MIN_N} or the dense path would not fit in memory.
   */
  readonly method?: 'dense' | 'slq' | 'auto';
  /** SLQ probe vectors (default 16) and Lanczos steps (default 80). */
  readonly slq?: {
    readonly probes?: number;
    readonly steps?: number;
    /**
     * How the SLQ applies the NTK: 'stored' (one n × n matrix, one product per step), 'tiled' (matrix-free from the
     * layers' factors at every step — tile by tile, or by the factored identity when n ≫ d: memory O(n·Σ d_ℓ + tile²),
     * no n × n matrix, slower) or 'auto' (default: tiled only when the stored NTK would not fit in memory).
     */
    readonly ntk?: 'stored' | 'tiled' | 'auto';
  };
  /** Memory the job may use, in bytes (default 80% of the machine's total memory). */
  readonly memoryLimitBytes?: number;
  /** Progress by stage. */
  readonly onProgress?: (stage: SpectrumStage, done: number, total: number) => void;
}

/** Stages reported through `onProgress`. */
export type SpectrumStage = 'forward' | 'kernels' | 'eigenvalues' | 'limit';

/** One kernel's spectrum set against its limit. */
export interface KernelSpectrum {
  /** How the spectrum was computed. */
  readonly method: 'dense' | 'slq';
  /**
   * Dense: all n eigenvalues, ascending. SLQ: n pseudo-eigenvalues, the quantiles (i + ½)/n of the SLQ estimate of
   * the spectral distribution (so the KS distance, histograms and outliers below read the SLQ CDF).
   */
  readonly eigenvalues: Float64Array;
  /** SLQ only: the smoothed spectral density on a grid with its standard error over the probes. */
  readonly density?: {
    readonly x: Float64Array;
    readonly density: Float64Array;
    readonly stderr: Float64Array;
    readonly bandwidth: number;
  };
  /** SLQ only: probes, steps, and the CDF error bound (Gauss quadrature + 2σ Hutchinson). */
  readonly slq?: {
    readonly probes: number;
    readonly steps: number;
    readonly cdfError: number;
    /** NTK only: whether it was applied matrix-free (never formed) rather than stored. */
    readonly tiled?: boolean;
  };
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
 * the KS distance (raw and mean-rescaled) and outliers beyond the limit's right edge. With `method: 'slq'` (or
 * `'auto'` at large n) the spectrum is a stochastic Lanczos quadrature estimate with error bars instead.
 *
 * @throws SpecError `E_MEMORY` before allocating when the chosen path would not fit in memory (the message
 *   says how much it needs and what to try)
 */
export function spectrumJob(options: SpectrumJobOptions): SpectrumJobResult {
  const { X, widths, activation, backend, rng } = options;
  const kernel = options.kernel ?? 'both';
  const n = X.cols;
  if (n < 2) throw new SpecError('E_INPUT', `the spectrum needs at least 2 samples, got ${n}`);
  const progress = options.onProgress ?? (() => undefined);

  const method = options.method ?? 'auto';
  if (method !== 'dense' && method !== 'slq' && method !== 'auto') {
    throw new SpecError('E_INPUT', `spectrum: method must be 'dense', 'slq' or 'auto', got ${JSON.stringify(method)}`);
  }
  const probes = options.slq?.probes ?? 16;
  const steps = Math.min(n, options.slq?.steps ?? 80);
  const sizes = { n, d0: X.rows, widths, kernel };
  const limitBytes = options.memoryLimitBytes ?? availableMemoryBytes();
  const denseBytes = denseSpectrumBytes(sizes);
  const useSlq = method === 'slq' || (method === 'auto' && (n > SLQ_AUTO_MIN_N || denseBytes > limitBytes));
  const ntkMode = options.slq?.ntk ?? 'auto';
  if (ntkMode !== 'stored' && ntkMode !== 'tiled' && ntkMode !== 'auto') {
    throw new SpecError(
      'E_INPUT',
      `spectrum: slq.ntk must be 'stored', 'tiled' or 'auto', got ${JSON.stringify(ntkMode)}`,
    );
  }
  let tiledNtk = false;
  if (useSlq) {
    const stored = slqSpectrumBytes(sizes, probes, steps);
    tiledNtk = kernel !== 'ck' && (ntkMode === 'tiled' || (ntkMode === 'auto' && stored > limitBytes));
    assertFitsInMemory(
      tiledNtk ? tiledSlqSpectrumBytes(sizes, probes, steps) : stored,
      limitBytes,
      `the SLQ spectral density at n = ${n}, widths ${widths.join(',')}`,
      'try a smaller n, narrower widths, --kernel ck (matrix-free, no n × n matrix) or fewer --slq-probes',
    );
  } else {
    assertFitsInMemory(
      denseBytes,
      limitBytes,
      `the dense spectrum at n = ${n}, widths ${widths.join(',')} (n × n kernels and eigvalsh)`,
      'try --method slq (matrix-free spectral density with error bars) or a smaller n',
    );
  }

  const net = mlp({ inputDim: X.rows, widths, activation, outputWeights: options.outputWeights });
  progress('forward', 0, 1);
  // Held only through `owned`, whose entries the NTK's backward pass releases layer by layer.
  let owned: Array<LayerParams | null> | null = [...initNetwork(net, rng)];
  progress('forward', 1, 1);
  const total = kernel === 'both' ? 2 : 1;
  let ckSpectrum: (Omit<KernelSpectrum, 'mean'> & { mean?: number }) | undefined;
  let ntkSpectrum: (Omit<KernelSpectrum, 'mean'> & { mean?: number }) | undefined;
  if (useSlq) {
    const ops = kernelOperatorsConsuming(net, owned, X, backend, kernel, { tiledNtk });
    owned = null;
    progress('kernels', 1, 1);
    const slqRng = rng.split('slq');
    const run = (
      apply: BlockMatvec | undefined,
      mean: number | undefined,
      step: number,
      key: string,
      tiled?: boolean,
    ): (Omit<KernelSpectrum, 'mean'> & { mean?: number }) | undefined => {
      if (apply === undefined) return undefined;
      const r = stochasticLanczosQuadrature({
        n,
        apply,
        rng: slqRng.split(key),
        probes,
        steps,
        onProgress: (done, all) => progress('eigenvalues', step + done / all, total),
      });
      const cdfError = r.quadratureError + 2 * Math.sqrt(2 / (probes * n));
      return {
        method: 'slq',
        eigenvalues: slqQuantiles(r, n),
        mean,
        density: slqDensity(r, { points: 400 }),
        slq: { probes, steps, cdfError, ...(tiled === undefined ? {} : { tiled }) },
      };
    };
    ckSpectrum = run(ops.ck, ops.ckMean, 0, 'ck');
    ntkSpectrum = run(ops.ntk, ops.ntkMean, kernel === 'both' ? 1 : 0, 'ntk', tiledNtk);
  } else if (kernel === 'ck' && widths[widths.length - 1] < n) {
    // CK alone with d_L < n: the nonzero eigenvalues of X_LᵀX_L are those of the smaller X_L X_Lᵀ (d_L × d_L),
    // the other n − d_L are exactly 0 (MATH.md §2.1): d_L³ instead of n³ for the eigensolver, no n × n matrix.
    const XL = forward(net, owned as NetworkParams, X, backend).activations[net.layers.length - 1];
    progress('kernels', 1, 1);
    assertFinite(XL, 'CK features X_L');
    progress('eigenvalues', 0, 1);
    const small = backend.eigvalsh(backend.gemm(XL, XL, { transB: true }));
    const values = new Float64Array(n);
    values.set(small, n - small.length);
    values.sort();
    progress('eigenvalues', 1, 1);
    ckSpectrum = { method: 'dense', eigenvalues: values };
  } else if (kernel !== 'ck' && hasLeanNtk(net)) {
    // NTK (and CK) of an all-dense network with the least memory: the NTK in one n × n buffer, then the CK from the
    // kept X_L, whose eigenvalues are taken (and the matrix dropped) before the NTK's.
    const params = owned;
    owned = null;
    // Up to SLQ_AUTO_MIN_N the CK is copied from the readout's Gram (one Gram less, one more n × n matrix alive);
    // beyond, X_L is kept and its Gram formed after the NTK, when the network is released.
    const ckGram = kernel === 'both' && n <= SLQ_AUTO_MIN_N;
    let lean: LeanNtk | null = leanNtk(net, params, X, backend, {
      keepFeatures: kernel === 'both' && !ckGram,
      ckGram,
      onProgress: (done, all) => progress('kernels', done, all),
    });
    const ntkMatrix = lean.ntk;
    let features = lean.features ?? null;
    let ck: Matrix | null = lean.ck ?? null;
    lean = null;
    if (features !== null) {
      ck = backend.gram(features);
      features = null;
      assertFinite(ck, 'empirical CK');
    }
    if (ck !== null) {
      progress('eigenvalues', 0, total);
      ckSpectrum = { method: 'dense', eigenvalues: backend.eigvalsh(ck) };
      ck = null;
      progress('eigenvalues', 1, total);
    }
    const step = kernel === 'both' ? 1 : 0;
    progress('eigenvalues', step, total);
    ntkSpectrum = { method: 'dense', eigenvalues: backend.eigvalsh(ntkMatrix) };
    progress('eigenvalues', step + 1, total);
  } else {
    const kernels = empiricalKernels(net, owned as NetworkParams, X, backend, {
      kernel,
      onProgress: (done, all) => progress('kernels', done, all),
    });
    const eig = (
      K: Matrix | undefined,
      step: number,
    ): (Omit<KernelSpectrum, 'mean'> & { mean?: number }) | undefined => {
      if (K === undefined) return undefined;
      progress('eigenvalues', step, total);
      const values = backend.eigvalsh(K);
      progress('eigenvalues', step + 1, total);
      return { method: 'dense', eigenvalues: values };
    };
    ckSpectrum = eig(kernels.ck, 0);
    ntkSpectrum = eig(kernels.ntk, kernel === 'both' ? 1 : 0);
  }

  let limits: ReturnType<typeof limitJob> | undefined;
  if (options.limit ?? true) {
    progress('limit', 0, 1);
    limits = limitJob({
      n,
      d0: X.rows,
      widths,
      activation,
      kernel,
      input: options.input === 'data' ? dataGramInput(X, backend) : { kind: 'mp' },
      points: options.points,
    });
    progress('limit', 1, 1);
  }

  return {
    ck: ckSpectrum && compare(ckSpectrum, limits?.ck),
    ntk: ntkSpectrum && compare(ntkSpectrum, limits?.ntk),
    a: limits?.a,
    b: limits?.b,
    samplesPerNeuron: widths.map((d) => n / d),
    backend: backend.name,
    eigenBackend: backend.computedBy('eigvalsh'),
  };
}

/** Sets eigenvalues (or SLQ quantiles) against a limit law. */
function compare(
  spectrum: Omit<KernelSpectrum, 'mean'> & { mean?: number },
  limit: LimitSpectrum | undefined,
): KernelSpectrum {
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
