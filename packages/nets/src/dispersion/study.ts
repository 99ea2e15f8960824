import { SpecError, type Backend, type Rng } from '@spec/core';
import { classifyPhase, dispersionEstimate, dispersionLimit, ntkMeans, scalarNtkSamples, type Phase } from '@spec/rmt';
import { fullNetworkNtkSamples } from './full-network.js';

/** Options of {@link dispersionStudy}. */
export interface DispersionStudyOptions {
  /** σ_w² > 0 (standard parametrisation, apps/docs/theory/dispersion.md#setting). */
  readonly sigmaW2: number;
  /** σ_b² ≥ 0 (default 0). The scalar method and the theory need σ_b = 0. */
  readonly sigmaB2?: number;
  /** Hidden width M. */
  readonly width: number;
  /** Input dimension n0 (default = width). */
  readonly inputDim?: number;
  /** Depths L (hidden layers) to sample. */
  readonly depths: ReadonlyArray<number>;
  /** Networks per depth (≥ 2). */
  readonly samples: number;
  /**
   * `'scalar'` (default): the exact O(L) recursion of apps/docs/theory/dispersion.md#exact-finite-width; `'full'`: full
   * networks through the backend.
   */
  readonly method?: 'scalar' | 'full';
  readonly rng: Rng;
  /** Needed for `method: 'full'`. */
  readonly backend?: Backend;
  readonly onProgress?: (done: number, total: number) => void;
}

/** One depth of {@link dispersionStudy}. */
export interface DispersionRow {
  readonly depth: number;
  /** λ = depth/width. */
  readonly lambda: number;
  /** D̂ = mean Θ²/(mean Θ)² of Θ(x, x) (apps/docs/theory/dispersion.md#setting) and its delta-method standard error. */
  readonly dispersion: number;
  readonly stderr: number;
  /**
   * apps/docs/theory/dispersion.md#depth-width-limits limit at this λ for the phase (with the ordered finite-width
   * correction and r0 = width/inputDim); null when σ_b > 0.
   */
  readonly theory: number | null;
  /**
   * Sample mean of Θ(x, x) ± SE, and the exact mean of apps/docs/theory/dispersion.md#exact-finite-width (null when σ_b
   * > 0).
   */
  readonly mean: number;
  readonly meanStderr: number;
  readonly meanTheory: number | null;
}

/** Result of {@link dispersionStudy}. */
export interface DispersionStudy {
  readonly phase: Phase;
  /** χ = σ_w²/2. */
  readonly chi: number;
  readonly rows: ReadonlyArray<DispersionRow>;
}

/** Largest base-10 exponent a reported quantity may reach (float64 ends near 1e308; Θ² must stay finite too). */
const MAX_LOG10 = 250;

/**
 * Refuses, before sampling, a depth whose NTK mean or dispersion lies beyond float64: the dispersion grows like
 * e^{5λ}/3 at and above the edge of chaos (apps/docs/theory/dispersion.md#depth-width-limits) and the mean like
 * χ^L (apps/docs/theory/dispersion.md#exact-finite-width), so the limit on the depth is known in closed form.
 */
function checkRepresentable(o: {
  sigmaW2: number;
  width: number;
  inputDim: number;
  depth: number;
  phase: Phase;
}): void {
  const { sigmaW2, width, inputDim, depth, phase } = o;
  const chi = sigmaW2 / 2;
  const lambda = depth / width;
  // log10 E Θ_w = L log10 χ + log10(1 + LM/n0); E Θ_b = Σ χ^k ≤ (L + 1) max(1, χ^L).
  const log10Mean =
    Math.max(0, depth * Math.log10(chi)) + Math.log10(1 + (depth * width) / inputDim) + Math.log10(depth + 1);
  // log D_ww(λ) ≈ 5λ + log((9λ² + 6λ − 1)/(27λ²)) (≤ 5λ), the largest of the three limits.
  const log10Dispersion = phase === 'ordered' ? 0 : (5 * lambda) / Math.LN10;
  if (log10Mean <= MAX_LOG10 && log10Dispersion <= MAX_LOG10) return;
  const what =
    log10Dispersion > MAX_LOG10
      ? `its dispersion grows like e^{5λ} ≈ 10^${Math.round(log10Dispersion)} at λ = depth/width = ${lambda.toPrecision(3)}`
      : `its mean NTK grows like χ^L ≈ 10^${Math.round(log10Mean)} (χ = σ_w²/2 = ${chi})`;
  const maxDepth =
    log10Dispersion > MAX_LOG10
      ? Math.floor((MAX_LOG10 * Math.LN10 * width) / 5)
      : Math.floor(MAX_LOG10 / Math.log10(chi));
  throw new SpecError(
    'E_INPUT',
    `dispersion: at depth ${depth}, width ${width} and σ_w² = ${sigmaW2} ${what}, beyond float64 numbers (and beyond what any number of samples can estimate, since D̂ ≤ samples); use depths up to about ${maxDepth}`,
  );
}

/** Layer-steps (scalar) or multiply-adds (full) beyond which a study would run for minutes: refused up front. */
const MAX_SCALAR_STEPS = 5e7;
const MAX_FULL_FLOPS = 5e10;

function checkCost(o: {
  method: 'scalar' | 'full';
  width: number;
  depths: ReadonlyArray<number>;
  samples: number;
}): void {
  const layers = o.depths.reduce((a, b) => a + b, 0);
  const cost = o.method === 'scalar' ? o.samples * layers : 2 * o.samples * layers * o.width * o.width;
  const limit = o.method === 'scalar' ? MAX_SCALAR_STEPS : MAX_FULL_FLOPS;
  if (cost <= limit) return;
  throw new SpecError(
    'E_INPUT',
    `dispersion: ${o.samples} samples over depths summing to ${layers}${o.method === 'full' ? ` at width ${o.width}` : ''} would take minutes (${cost.toExponential(1)} ${o.method === 'scalar' ? 'layer steps' : 'multiply-adds'}, the limit is ${limit.toExponential(0)}); use fewer --samples or smaller --depths${o.method === 'full' ? ', or --method scalar' : ''}`,
  );
}

/**
 * NTK dispersion of a ReLU MLP against depth at fixed width (apps/docs/theory/dispersion.md): phase from σ_w²
 * (apps/docs/theory/dispersion.md#setting), for each depth the Monte Carlo dispersion D̂ ± SE of Θ(x, x) (scalar
 * recursion `scalarNtkSamples` of apps/docs/theory/dispersion.md#exact-finite-width, or full networks via
 * {@link fullNetworkNtkSamples}), the apps/docs/theory/dispersion.md#depth-width-limits limit `dispersionLimit` at λ =
 * L/M and the exact mean `ntkMeans` (apps/docs/theory/dispersion.md#exact-finite-width).
 *
 * @throws SpecError `E_INPUT` for bad sizes, an empty depth list, σ_b > 0 with the scalar method, or
 *   the full method without a backend
 */
export function dispersionStudy(options: DispersionStudyOptions): DispersionStudy {
  const { sigmaW2, width, depths, samples, rng } = options;
  const sigmaB2 = options.sigmaB2 ?? 0;
  const method = options.method ?? 'scalar';
  const inputDim = options.inputDim ?? width;
  const info = classifyPhase({ sigmaW2, sigmaB2 });
  if (!Number.isInteger(width) || width < 1)
    throw new SpecError('E_INPUT', `dispersion: width must be a positive integer, got ${String(width)}`);
  if (!Number.isInteger(inputDim) || inputDim < 1)
    throw new SpecError('E_INPUT', `dispersion: inputDim must be a positive integer, got ${String(inputDim)}`);
  if (!Number.isInteger(samples) || samples < 2)
    throw new SpecError('E_INPUT', `dispersion: samples must be an integer ≥ 2, got ${String(samples)}`);
  if (!Array.isArray(depths) || depths.length === 0)
    throw new SpecError('E_INPUT', 'dispersion: depths must be a non-empty list');
  for (const L of depths)
    if (!Number.isInteger(L) || L < 1)
      throw new SpecError('E_INPUT', `dispersion: every depth must be a positive integer, got ${String(L)}`);
  if (method !== 'scalar' && method !== 'full')
    throw new SpecError('E_INPUT', `dispersion: method must be 'scalar' or 'full', got ${JSON.stringify(method)}`);
  if (method === 'scalar' && sigmaB2 > 0)
    throw new SpecError(
      'E_INPUT',
      'dispersion: the scalar Monte Carlo (apps/docs/theory/dispersion.md#exact-finite-width) needs σ_b² = 0; use the full-network method for σ_b² > 0',
    );
  if (method === 'full' && options.backend === undefined)
    throw new SpecError('E_INPUT', 'dispersion: the full-network method needs a backend');
  for (const depth of depths) checkRepresentable({ sigmaW2, width, inputDim, depth, phase: info.phase });
  checkCost({ method, width, depths, samples });
  const total = depths.length * samples;
  const rows: DispersionRow[] = depths.map((depth, i) => {
    const r = rng.split(`depth-${depth}`);
    const progress = (done: number): void => options.onProgress?.(i * samples + done, total);
    const s =
      method === 'scalar'
        ? scalarNtkSamples({ width, inputDim, depth, sigmaW2, samples, rng: r, onProgress: progress })
        : fullNetworkNtkSamples({
            width,
            inputDim,
            depth,
            sigmaW2,
            sigmaB2,
            samples,
            rng: r,
            backend: options.backend!,
            onProgress: progress,
          });
    const est = dispersionEstimate(s.total);
    // Scalar samples of deep or chaotic networks come divided by e^{logScale} (the dispersion is scale-free).
    const scale = Math.exp((s as { readonly logScale?: number }).logScale ?? 0);
    const lambda = depth / width;
    const theory =
      sigmaB2 > 0
        ? null
        : dispersionLimit({ lambda, phase: info.phase, sigmaW2, width, r0: width / inputDim }).dispersion;
    return {
      depth,
      lambda,
      dispersion: est.dispersion,
      stderr: est.stderr,
      theory,
      mean: est.mean * scale,
      meanStderr: est.meanStderr * scale,
      meanTheory: sigmaB2 > 0 ? null : ntkMeans({ width, inputDim, depth, sigmaW2 }).total,
    };
  });
  return { phase: info.phase, chi: info.chi, rows };
}
