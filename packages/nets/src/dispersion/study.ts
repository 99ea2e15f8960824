import { SpecError, type Backend, type Rng } from '@spec/core';
import { classifyPhase, dispersionEstimate, dispersionLimit, ntkMeans, scalarNtkSamples, type Phase } from '@spec/rmt';
import { fullNetworkNtkSamples } from './full-network.js';

/** Options of {@link dispersionStudy}. */
export interface DispersionStudyOptions {
  /** σ_w² > 0 (standard parametrisation, MATH.md §6.1). */
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
  /** `'scalar'` (default): the exact O(L) recursion of §6.2; `'full'`: full networks through the backend. */
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
  /** D̂ = mean Θ²/(mean Θ)² of Θ(x, x) (§6.1) and its delta-method standard error. */
  readonly dispersion: number;
  readonly stderr: number;
  /** §6.3 limit at this λ for the phase (with the ordered finite-width correction and r0 = width/inputDim); null when σ_b > 0. */
  readonly theory: number | null;
  /** Sample mean of Θ(x, x) ± SE, and the exact mean of §6.2 (null when σ_b > 0). */
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

/**
 * NTK dispersion of a ReLU MLP against depth at fixed width (MATH.md §6): phase from σ_w² (§6.1), for each
 * depth the Monte Carlo dispersion D̂ ± SE of Θ(x, x) (scalar recursion `scalarNtkSamples` of §6.2, or
 * full networks via {@link fullNetworkNtkSamples}), the §6.3 limit `dispersionLimit` at λ = L/M and the
 * exact mean `ntkMeans` (§6.2).
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
      'dispersion: the scalar Monte Carlo (MATH.md §6.2) needs σ_b² = 0; use the full-network method for σ_b² > 0',
    );
  if (method === 'full' && options.backend === undefined)
    throw new SpecError('E_INPUT', 'dispersion: the full-network method needs a backend');
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
      mean: est.mean,
      meanStderr: est.meanStderr,
      meanTheory: sigmaB2 > 0 ? null : ntkMeans({ width, inputDim, depth, sigmaW2 }).total,
    };
  });
  return { phase: info.phase, chi: info.chi, rows };
}
