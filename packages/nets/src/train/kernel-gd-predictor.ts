import { SpecError, type Matrix } from '@spec/core';
import {
  checkKernelGdOptions,
  checkKernelGdStep,
  kernelGdModel,
  kernelGdPredict,
  type KernelGdModelOptions,
} from './kernel-gd.js';

/**
 * How kernel GD is evaluated (apps/docs/theory/infinite-width.md#kernel-gradient-descent): `'eigen'` eigendecomposes Θ
 * once ({@link kernelGdModel}) and predicts any step in O(n² + mn); `'recursion'` runs f ← f − η′Θ(f − Y) step by step
 * in O(n² + mn) per step, with no decomposition.
 */
export type KernelGdRoute = 'eigen' | 'recursion';

/**
 * Cost of a full symmetric eigendecomposition (two-stage reduction, QL with vectors, back-transformation) in units of
 * the multiply-adds of an n × n matrix–vector product, per n³: on the CPU backend one `eigh` took as long as 1.7–2.7·n
 * matvecs at n = 400–1200 (bench/README.md#why-the-code-is-the-way-it-is).
 */
export const KERNEL_GD_EIGEN_COST = 2;

/**
 * The cheaper route for predictions up to step `steps` with n training and m extra points: the recursion costs
 * steps·n·(n + m) multiply-adds, the eigendecomposition ≈ {@link KERNEL_GD_EIGEN_COST}·n³ (its predictions, O(n² + mn)
 * per checkpoint, are left out on both sides).
 */
export function kernelGdRoute(n: number, m: number, steps: number): KernelGdRoute {
  return steps * n * (n + m) <= KERNEL_GD_EIGEN_COST * n * n * n ? 'recursion' : 'eigen';
}

/** Options of {@link kernelGdPredictor}: those of {@link kernelGdModel} and the steps that will be asked for. */
export interface KernelGdPredictorOptions extends KernelGdModelOptions {
  /** The largest step `predict` will be asked for (chooses the route; later steps still work). */
  readonly steps: number;
  /** Force a route (default: {@link kernelGdRoute}). */
  readonly route?: KernelGdRoute;
  /**
   * λ_max(Θ) when the caller knows it (e.g. from a monitor's eigenvalues of the same Θ): the recursion needs it for the
   * divergence check and otherwise computes it with the backend's `eigvalsh`. Ignored by the eigen route.
   */
  readonly lambdaMax?: number;
}

/** Kernel-GD predictions at any step, by the route {@link kernelGdPredictor} chose. */
export interface KernelGdPredictor {
  readonly route: KernelGdRoute;
  /**
   * λ_max(Θ): GD at rate η′ is stable for η′ < 2/λ_max. On the recursion route without a given `lambdaMax` it is
   * computed (`eigvalsh`) when first read, or when a step needs it: the steps check the cheap bound λ_max ≤ ‖Θ‖_∞
   * first.
   */
  readonly lambdaMax: number;
  /**
   * f_t on the training points and, with `cross`, on the extra points.
   *
   * @throws SpecError `E_INPUT` for a step that is not a non-negative integer, or t > 0 when η′λ_max ≥ 2
   */
  predict(t: number): { train: Float64Array; cross?: Float64Array };
}

/**
 * Discrete kernel gradient descent f_{t+1} = f_t − η′Θ(f_t − Y), f_{t+1}(x) = f_t(x) − η′Θ(x, X)(f_t − Y)
 * (apps/docs/theory/infinite-width.md#kernel-gradient-descent), by the cheaper of two routes for `steps` steps
 * ({@link kernelGdRoute}): the closed form in Θ's eigenbasis ({@link kernelGdModel}, {@link kernelGdPredict}) or the
 * recursion itself. Both give the same predictions to rounding. The recursion keeps the last step's state, so
 * increasing steps cost only the steps between them (an earlier step starts again from f_0); it keeps Θ and Θ(x, X)
 * by reference, so they must not change while the predictor is used.
 *
 * @throws SpecError `E_SHAPE` for mismatched sizes, `E_INPUT` for a non-positive rate or a bad `steps`/`lambdaMax`
 */
export function kernelGdPredictor(options: KernelGdPredictorOptions): KernelGdPredictor {
  checkKernelGdOptions(options);
  const { theta, cross, backend, steps } = options;
  if (!Number.isSafeInteger(steps) || steps < 0)
    throw new SpecError('E_INPUT', `kernel GD: steps must be a non-negative integer, got ${steps}`);
  const n = theta.rows;
  const m = cross?.rows ?? 0;
  const route = options.route ?? kernelGdRoute(n, m, steps);
  if (route === 'eigen') {
    const model = kernelGdModel(options);
    return {
      route,
      lambdaMax: model.values[n - 1],
      predict: (t) => kernelGdPredict(model, t, backend),
    };
  }
  if (route !== 'recursion')
    throw new SpecError('E_INPUT', `kernel GD: route must be 'eigen' or 'recursion', got ${JSON.stringify(route)}`);
  const given = options.lambdaMax;
  if (given !== undefined && !(Number.isFinite(given) && given >= 0))
    throw new SpecError('E_INPUT', `kernel GD: lambdaMax must be a finite number ≥ 0, got ${given}`);
  let exact = given;
  const lambdaMax = (): number => (exact ??= n > 0 ? backend.eigvalsh(theta)[n - 1] : 0);
  // Any induced norm bounds the spectral radius: when η′‖Θ‖_∞ < 2 no step can diverge, and λ_max is not needed.
  const bound = given ?? rowSumNorm(theta);
  const check = (t: number): void => checkKernelGdStep(t, options.rate, options.rate * bound < 2 ? bound : lambdaMax());
  const predict = recursion(options, check);
  return {
    route,
    get lambdaMax() {
      return lambdaMax();
    },
    predict,
  };
}

/** ‖Θ‖_∞ = max_i Σ_j |Θ_ij|, an upper bound on every |λ(Θ)|. */
function rowSumNorm(theta: Matrix): number {
  const { rows, cols, data } = theta;
  let m = 0;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.abs(data[i * cols + j]);
    if (s > m) m = s;
  }
  return m;
}

/** The recursion's `predict`: state (t, f_t, f_t(x)), advanced on demand. */
function recursion(
  options: KernelGdModelOptions,
  check: (t: number) => void,
): (t: number) => { train: Float64Array; cross?: Float64Array } {
  const { theta, cross, y, rate, backend } = options;
  const n = theta.rows;
  const f0 = Float64Array.from(options.f0);
  const f0Cross = cross !== undefined ? Float64Array.from(options.f0Cross!) : undefined;
  let step = 0;
  let f = Float64Array.from(f0);
  let fx = f0Cross !== undefined ? Float64Array.from(f0Cross) : undefined;
  const resid = new Float64Array(n);
  const advance = (M: Matrix, out: Float64Array): void => {
    const g = backend.matvec(M, resid);
    for (let i = 0; i < out.length; i++) out[i] -= rate * g[i];
  };
  return (t) => {
    check(t);
    if (t < step) {
      step = 0;
      f = Float64Array.from(f0);
      fx = f0Cross !== undefined ? Float64Array.from(f0Cross) : undefined;
    }
    for (; step < t; step++) {
      for (let i = 0; i < n; i++) resid[i] = f[i] - y[i];
      advance(theta, f);
      if (fx !== undefined) advance(cross!, fx);
    }
    return fx !== undefined
      ? { train: Float64Array.from(f), cross: Float64Array.from(fx) }
      : { train: Float64Array.from(f) };
  };
}
