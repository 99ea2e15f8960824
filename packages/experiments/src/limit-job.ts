import { SpecError, type Activation, type Backend, type Matrix } from '@spec/core';
import { ckLimit, ntkLimit, type InputMeasure, type LimitSpectrum } from '@spec/rmt';
import { gaussianConstants } from '@spec/nets';

/** How the input Gram XᵀX is modelled in the limit (apps/docs/theory/fan-wang.md#assumptions, #ck-limit). */
export type LimitInput =
  /** i.i.d. Gaussian (or spherical) data: μ₀ = MP law with γ₀ = n/d₀. */
  | { readonly kind: 'mp' }
  /** Real data: μ₀ = the empirical spectrum of XᵀX, given by its nonzero part (zeros are implied up to n). */
  | { readonly kind: 'eigenvalues'; readonly values: Float64Array };

/** Options of {@link limitJob}. */
export interface LimitJobOptions {
  /** Number of samples n. */
  readonly n: number;
  /** Input dimension d₀ (needed for `input.kind === 'mp'`). */
  readonly d0?: number;
  /** Hidden widths d₁..d_L. */
  readonly widths: ReadonlyArray<number>;
  /** The activation as the network uses it; the theory needs it normalised (mean 0, variance 1 under N(0,1)). */
  readonly activation: Activation;
  /** Which limits (default both). */
  readonly kernel?: 'ck' | 'ntk' | 'both';
  /** Input law (default MP). */
  readonly input?: LimitInput;
  /** Density grid points (default 1000). */
  readonly points?: number;
}

/** Result of {@link limitJob}. */
export interface LimitJobResult {
  /** a_σ, b_σ of the activation (apps/docs/theory/toolkit.md#normalised-activations). */
  readonly a: number;
  readonly b: number;
  /** γ_ℓ = n/d_ℓ, ℓ = 1..L. */
  readonly samplesPerNeuron: number[];
  readonly ck?: LimitSpectrum;
  readonly ntk?: LimitSpectrum;
}

/** Largest |mean| and |sd − 1| accepted as "normalised" (quadrature is accurate to ~1e-10). */
const NORMALISED_TOL = 1e-6;

/**
 * The linear-width limit laws of the CK (iterated MP map, apps/docs/theory/fan-wang.md#ck-limit) and the NTK
 * (apps/docs/theory/fan-wang.md#ntk-surrogate, #ntk-fixed-point) for an MLP with the given ratios and activation: the
 * bridge between a network description and `@spec/rmt`, which takes only numbers.
 */
export function limitJob(options: LimitJobOptions): LimitJobResult {
  const { n, widths, activation } = options;
  const kernel = options.kernel ?? 'both';
  if (!Number.isInteger(n) || n < 1) throw new SpecError('E_INPUT', `n must be a positive integer, got ${n}`);
  if (widths.length === 0) throw new SpecError('E_INPUT', 'the limit needs at least one hidden layer (--widths)');
  const c = gaussianConstants(activation);
  if (Math.abs(c.mean) > NORMALISED_TOL || Math.abs(c.sd - 1) > NORMALISED_TOL) {
    throw new SpecError(
      'E_INPUT',
      `the linear-width limit assumes a normalised activation (mean 0, variance 1 under N(0,1)); "${activation.name}" has mean ${c.mean.toPrecision(4)} and sd ${c.sd.toPrecision(4)} — drop --raw-activation, or skip the theory with --no-limit`,
    );
  }
  const samplesPerNeuron = widths.map((d) => n / d);
  const input = inputMeasure(options.input ?? { kind: 'mp' }, n, options.d0);
  // A data Gram's spikes give the limit isolated components far above the bulk; the geometric scan that finds the top
  // of the support must step finely enough not to jump over them (0.8 lost the top components of centred images).
  const grid = { points: options.points ?? 1000, ...(input.kind === 'atoms' ? { topScanRatio: 0.98 } : {}) };
  const b = Math.max(-1, Math.min(1, c.b)); // |b| ≤ 1 by Cauchy–Schwarz; clamp quadrature round-off
  return {
    a: c.a,
    b: c.b,
    samplesPerNeuron,
    ck: kernel === 'ntk' ? undefined : ckLimit({ samplesPerNeuron, b, input, grid }),
    ntk: kernel === 'ck' ? undefined : ntkLimit({ samplesPerNeuron, a: Math.max(c.a, b * b), b, input, grid }),
  };
}

function inputMeasure(input: LimitInput, n: number, d0: number | undefined): InputMeasure {
  if (input.kind === 'mp') {
    if (d0 === undefined || !Number.isInteger(d0) || d0 < 1)
      throw new SpecError('E_INPUT', `an MP input law needs the input dimension d0, got ${d0}`);
    return { kind: 'mp', samplesPerDim: n / d0 };
  }
  const k = input.values.length;
  if (k === 0 || k > n) throw new SpecError('E_INPUT', `the input spectrum needs 1..${n} eigenvalues, got ${k}`);
  // Nonzero eigenvalues of XᵀX equal those of XXᵀ: pad with zeros up to n (one atom of mass (n − k)/n).
  const x = new Float64Array(k + (k < n ? 1 : 0));
  const w = new Float64Array(x.length);
  for (let i = 0; i < k; i++) {
    x[i] = Math.max(0, input.values[i]);
    w[i] = 1 / n;
  }
  if (k < n) w[k] = (n - k) / n;
  return { kind: 'atoms', x, weights: w };
}

/**
 * The input law from the data's own Gram (apps/docs/theory/fan-wang.md#real-data): the nonzero eigenvalues of XᵀX,
 * computed through the smaller of XᵀX (n × n) and XXᵀ (d₀ × d₀); the zeros up to n are implied.
 */
export function dataGramInput(X: Matrix, backend: Backend): LimitInput {
  const G = X.rows < X.cols ? backend.gemm(X, X, { transB: true }) : backend.gram(X);
  return { kind: 'eigenvalues', values: backend.eigvalsh(G) };
}
