import { SpecError, type Backend, type Matrix } from '@spec/core';

/** A kernel Θ on the training set in its eigenbasis, ready for {@link kernelGdPredict}. */
export interface KernelGdModel {
  /** Eigenvalues λ_i of Θ (n), ascending. */
  readonly values: Float64Array;
  /** Eigenvectors (n × n, columns). */
  readonly vectors: Matrix;
  /** Θ(x, X) of the extra points (m × n), or undefined. */
  readonly cross?: Matrix;
  /** Uᵀ(Y − f_0(X)) (n). */
  readonly coefficients: Float64Array;
  /** f_0(X) (n) and f_0 at the extra points (m). */
  readonly f0: Float64Array;
  readonly f0Cross?: Float64Array;
  /** Effective step η′ of function-space GD (η/n for the mean loss). */
  readonly rate: number;
}

/** Options of {@link kernelGdModel}. */
export interface KernelGdModelOptions {
  /** Θ(X, X), n × n symmetric PSD. */
  readonly theta: Matrix;
  /** Θ(x, X) for extra (test) points, m × n. */
  readonly cross?: Matrix;
  /** Targets Y (n). */
  readonly y: ArrayLike<number>;
  /** Initial outputs f_0(X) (n). */
  readonly f0: ArrayLike<number>;
  /** Initial outputs at the extra points (m), needed with `cross`. */
  readonly f0Cross?: ArrayLike<number>;
  /**
   * Step η′ of f ← f − η′ Θ (f − Y); for GD with step η on the mean loss (1/2n)Σ, η′ = η/n
   * (apps/docs/theory/infinite-width.md#kernel-gradient-descent).
   */
  readonly rate: number;
  readonly backend: Backend;
}

/**
 * The checks both kernel-GD routes share ({@link kernelGdModel} and the recursion of `kernelGdPredictor`).
 *
 * @throws SpecError `E_SHAPE` for mismatched sizes, `E_INPUT` for a non-positive rate
 */
export function checkKernelGdOptions(options: KernelGdModelOptions): void {
  const { theta, cross, y, f0, rate } = options;
  const n = theta.rows;
  if (theta.cols !== n)
    throw new SpecError('E_SHAPE', `kernel GD: Θ must be square, got ${theta.rows} × ${theta.cols}`);
  if (y.length !== n || f0.length !== n)
    throw new SpecError('E_SHAPE', `kernel GD: Θ is ${n} × ${n} but Y has ${y.length} and f_0 ${f0.length} entries`);
  if (!(Number.isFinite(rate) && rate > 0))
    throw new SpecError('E_INPUT', `kernel GD: rate must be finite and > 0, got ${rate}`);
  if (cross !== undefined) {
    if (cross.cols !== n)
      throw new SpecError('E_SHAPE', `kernel GD: Θ(x, X) must have ${n} columns, got ${cross.cols}`);
    if (options.f0Cross === undefined || options.f0Cross.length !== cross.rows) {
      throw new SpecError(
        'E_SHAPE',
        `kernel GD: f_0 at the ${cross.rows} extra points is missing or has the wrong length`,
      );
    }
  }
}

/**
 * Refuses a step t that is not a non-negative integer, and a step t > 0 of an iteration that diverges:
 * |1 − η′λ_max| > 1, i.e. η′λ_max ≥ 2 for a PSD Θ (apps/docs/theory/infinite-width.md#kernel-gradient-descent).
 *
 * @throws SpecError `E_INPUT`
 */
export function checkKernelGdStep(t: number, rate: number, lambdaMax: number): void {
  if (!Number.isSafeInteger(t) || t < 0)
    throw new SpecError('E_INPUT', `kernel GD: step must be a non-negative integer, got ${t}`);
  if (rate * lambdaMax >= 2 && t > 0) {
    throw new SpecError(
      'E_INPUT',
      `kernel GD diverges: η′λ_max = ${(rate * lambdaMax).toPrecision(4)} ≥ 2 (apps/docs/theory/infinite-width.md#kernel-gradient-descent); use a smaller learning rate (--lr)`,
    );
  }
}

/**
 * Eigendecomposes Θ once (backend `eigh`) for the discrete kernel-GD closed form of
 * apps/docs/theory/infinite-width.md#kernel-gradient-descent.
 *
 * @throws SpecError `E_SHAPE` for mismatched sizes, `E_INPUT` for a non-positive rate
 */
export function kernelGdModel(options: KernelGdModelOptions): KernelGdModel {
  checkKernelGdOptions(options);
  const { theta, cross, y, f0, rate, backend } = options;
  const n = theta.rows;
  const { values, vectors } = backend.eigh(theta);
  const resid = new Float64Array(n);
  for (let i = 0; i < n; i++) resid[i] = y[i] - f0[i];
  const coefficients = backend.matvec(vectors, resid, { trans: true });
  return {
    values: Float64Array.from(values),
    vectors,
    cross,
    coefficients,
    f0: Float64Array.from(f0),
    f0Cross: cross !== undefined ? Float64Array.from(options.f0Cross!) : undefined,
    rate,
  };
}

/**
 * φ_t(λ) = (1 − (1 − η′λ)^t)/λ, with its limit η′t at λ = 0; computed as −expm1(t·log1p(−η′λ))/λ, which
 * keeps full relative accuracy for tiny η′λ (where 1 − (1 − η′λ)^t cancels).
 */
function phi(lambda: number, rate: number, t: number): number {
  const x = rate * lambda;
  if (x === 0) return rate * t;
  if (x < 1) return -Math.expm1(t * Math.log1p(-x)) / lambda;
  return (1 - Math.pow(1 - x, t)) / lambda;
}

/**
 * Kernel-GD predictions after t steps (apps/docs/theory/infinite-width.md#kernel-gradient-descent, discrete GD):
 * `f_t(X) = f_0(X) + U diag(λ φ_t(λ)) Uᵀ (Y − f_0(X))` and `f_t(x) = f_0(x) + Θ(x, X) U diag(φ_t(λ)) Uᵀ (Y − f_0(X))`,
 * φ_t(λ) = (1 − (1 − η′λ)^t)/λ — i.e. `Θ_x Θ^{−1}(I − (I − η′Θ)^t)(Y − f_0)` without forming Θ^{−1} (null directions
 * contribute η′t Θ_x u u ᵀ (Y − f_0), the exact limit). Throws `E_INPUT` when |1 − η′λ_max| > 1 makes the iteration
 * diverge.
 */
export function kernelGdPredict(
  model: KernelGdModel,
  t: number,
  backend: Backend,
): { train: Float64Array; cross?: Float64Array } {
  const { values, vectors, coefficients, rate } = model;
  const n = values.length;
  checkKernelGdStep(t, rate, values[n - 1]);
  const cTrain = new Float64Array(n);
  const cCross = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = phi(values[i], rate, t);
    cCross[i] = p * coefficients[i];
    cTrain[i] = values[i] * p * coefficients[i];
  }
  const train = backend.matvec(vectors, cTrain);
  for (let i = 0; i < n; i++) train[i] += model.f0[i];
  if (model.cross === undefined) return { train };
  const w = backend.matvec(vectors, cCross);
  const cross = backend.matvec(model.cross, w);
  for (let i = 0; i < cross.length; i++) cross[i] += model.f0Cross![i];
  return { train, cross };
}
