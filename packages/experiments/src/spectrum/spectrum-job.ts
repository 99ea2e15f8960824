import type { Activation, Backend, Matrix, Rng } from '@spec/core';
import { initNetwork, mlp, hasLeanNtk } from '@spec/nets';
import type { LimitSpectrum } from '@spec/rmt';
import { dataGramInput, limitJob } from '../limit-job.js';
import { compareWithLimit, type Comparison, type RawSpectrum } from './compare.js';
import { executors, type SpectrumStage } from './execute.js';
import { SLQ_AUTO_MIN_N } from './memory.js';
import { planSpectrum } from './plan.js';

export type { SpectrumStage };

/**
 * n above which `method: 'auto'` chooses SLQ (a dense eigvalsh costs ~n³; timings:
 * bench/README.md#why-the-code-is-the-way-it-is).
 */
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
   * Model of the input Gram in the limit: `'mp'` (i.i.d. Gaussian / spherical data, γ₀ = n/d₀) or `'data'` (the data's
   * own XᵀX spectrum, apps/docs/theory/fan-wang.md#real-data). Default `'mp'`.
   */
  readonly input?: 'mp' | 'data';
  /** Limit density grid points (default 1000). */
  readonly points?: number;
  /** Readout weights (default Rademacher, apps/docs/theory/fan-wang.md#simulation-notes). */
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

/** One kernel's spectrum set against its limit. */
export interface KernelSpectrum extends RawSpectrum, Comparison {
  /** Mean eigenvalue tr K / n. */
  readonly mean: number;
  readonly limit?: LimitSpectrum;
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

/**
 * The main job of spec: sample an MLP (apps/docs/theory/fan-wang.md#network-and-kernels) on X, compute the empirical CK
 * and/or NTK eigenvalues, and set them against the deterministic limits for the same ratios
 * (apps/docs/theory/fan-wang.md#ck-limit, #ntk-fixed-point) with the KS distance (raw and mean-rescaled) and outliers
 * beyond the limit's right edge. Three steps: {@link planSpectrum} decides the route from the sizes (dense, or
 * stochastic Lanczos quadrature with error bars at large n), an executor computes the spectra, and
 * {@link compareWithLimit} sets each against its limit.
 *
 * @throws SpecError `E_MEMORY` before allocating when the chosen path would not fit in memory (the message
 *   says how much it needs and what to try)
 */
export function spectrumJob(options: SpectrumJobOptions): SpectrumJobResult {
  const { X, widths, activation, backend, rng } = options;
  const net = mlp({ inputDim: X.rows, widths, activation, outputWeights: options.outputWeights });
  const plan = planSpectrum(
    { n: X.cols, d0: X.rows, widths },
    {
      kernel: options.kernel,
      method: options.method,
      slq: options.slq,
      memoryLimitBytes: options.memoryLimitBytes,
      leanNtk: hasLeanNtk(net),
    },
  );
  const progress = options.onProgress ?? (() => undefined);
  progress('forward', 0, 1);
  const owned = [...initNetwork(net, rng)];
  progress('forward', 1, 1);
  const spectra = executors[plan.route]({ net, owned, X, backend, plan, rng, progress });

  let limits: ReturnType<typeof limitJob> | undefined;
  if (options.limit ?? true) {
    progress('limit', 0, 1);
    limits = limitJob({
      n: X.cols,
      d0: X.rows,
      widths,
      activation,
      kernel: plan.kernel,
      input: options.input === 'data' ? dataGramInput(X, backend) : { kind: 'mp' },
      points: options.points,
    });
    progress('limit', 1, 1);
  }

  return {
    ck: spectra.ck && compareWithLimit(spectra.ck, limits?.ck),
    ntk: spectra.ntk && compareWithLimit(spectra.ntk, limits?.ntk),
    a: limits?.a,
    b: limits?.b,
    samplesPerNeuron: widths.map((d) => X.cols / d),
    backend: backend.name,
    eigenBackend: backend.computedBy('eigvalsh'),
  };
}
