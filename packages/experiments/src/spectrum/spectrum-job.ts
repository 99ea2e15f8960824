import { SpecError, type Activation, type Backend, type Matrix, type Rng } from '@spec/core';
import { initNetwork, mlp, hasLeanNtk } from '@spec/nets';
import type { LimitSpectrum } from '@spec/rmt';
import { exactKernelLimit } from '../exact-kernel/exact-kernel-limit.js';
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
   * Which limit law: `'fan-wang'` (apps/docs/theory/fan-wang.md#ck-limit, #ntk-fixed-point: needs near-orthogonal
   * data), `'exact-kernel'` (apps/docs/theory/fan-wang.md#exact-kernel-limit: the MP map on the exact infinite-width
   * kernel of the data) or `'both'`. Default `'fan-wang'` for `input: 'mp'`, `'both'` for `input: 'data'`.
   */
  readonly limitKind?: LimitKind;
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

/** A limit law a spectrum can be set against (apps/docs/theory/fan-wang.md#ck-limit, #exact-kernel-limit). */
export type LimitName = 'fan-wang' | 'exact-kernel';

/** Which limit laws {@link spectrumJob} computes. */
export type LimitKind = LimitName | 'both';

/** One kernel's spectrum set against its limit. */
export interface KernelSpectrum extends RawSpectrum, Comparison {
  /** Mean eigenvalue tr K / n. */
  readonly mean: number;
  /** The primary limit (Fan–Wang when both were computed); `limitName` says which it is. */
  readonly limit?: LimitSpectrum;
  /** Which limit `limit`, `ks`, `ksScaled`, `rightEdge` and `outliers` are against. */
  readonly limitName?: LimitName;
  /** The comparison with every limit computed, by name. */
  readonly limits?: Partial<Record<LimitName, Comparison>>;
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

/** The limit laws a job computes: none with `limit: false`; otherwise `limitKind`, by default chosen by the input. */
function limitKindOf(options: SpectrumJobOptions): LimitKind | undefined {
  if (options.limit === false) return undefined;
  const kind = options.limitKind ?? (options.input === 'data' ? 'both' : 'fan-wang');
  if (kind !== 'fan-wang' && kind !== 'exact-kernel' && kind !== 'both') {
    throw new SpecError(
      'E_INPUT',
      `limitKind must be 'fan-wang', 'exact-kernel' or 'both', got ${JSON.stringify(kind)}`,
    );
  }
  return kind;
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

  const kind = limitKindOf(options);
  let limits: ReturnType<typeof limitJob> | undefined;
  let exact: ReturnType<typeof exactKernelLimit> | undefined;
  if (kind !== undefined) {
    const steps = kind === 'both' ? 2 : 1;
    progress('limit', 0, steps);
    if (kind !== 'exact-kernel') {
      limits = limitJob({
        n: X.cols,
        d0: X.rows,
        widths,
        activation,
        kernel: plan.kernel,
        input: options.input === 'data' ? dataGramInput(X, backend) : { kind: 'mp' },
        points: options.points,
      });
      progress('limit', 1, steps);
    }
    if (kind !== 'fan-wang') {
      exact = exactKernelLimit({ X, widths, activation, kernel: plan.kernel, backend, points: options.points });
    }
    progress('limit', steps, steps);
  }
  const compare = (raw: RawSpectrum | undefined, k: 'ck' | 'ntk'): KernelSpectrum | undefined => {
    if (raw === undefined) return undefined;
    const byName: Partial<Record<LimitName, Comparison>> = {};
    if (limits?.[k] !== undefined) byName['fan-wang'] = compareWithLimit(raw, limits[k]);
    if (exact?.[k] !== undefined) byName['exact-kernel'] = compareWithLimit(raw, exact[k]);
    const limitName: LimitName | undefined =
      byName['fan-wang'] !== undefined ? 'fan-wang' : byName['exact-kernel'] !== undefined ? 'exact-kernel' : undefined;
    if (limitName === undefined) return compareWithLimit(raw, undefined);
    return { ...raw, ...byName[limitName]!, limitName, limits: byName };
  };

  return {
    ck: compare(spectra.ck, 'ck'),
    ntk: compare(spectra.ntk, 'ntk'),
    a: limits?.a,
    b: limits?.b,
    samplesPerNeuron: widths.map((d) => X.cols / d),
    backend: backend.name,
    eigenBackend: backend.computedBy('eigvalsh'),
  };
}
