import { SpecError, type Backend, type Activations } from '@spec/core';
import { architectureKernelMatrices, kernelGdPredictor, type ArchitectureSpec } from '@spec/nets';

/** Options of {@link architectureKernelGd}. */
export interface ArchitectureKernelGdOptions {
  /** The network in the JSON format (apps/docs/theory/architectures.md#json-format). */
  readonly spec: ArchitectureSpec;
  /** Training inputs. */
  readonly x: Activations;
  /** Targets (n). */
  readonly y: ArrayLike<number>;
  /** Held-out inputs (same per-sample shape). */
  readonly xTest: Activations;
  /** The function at initialisation on the training and held-out inputs, e.g. a finite network's own outputs. */
  readonly f0: ArrayLike<number>;
  readonly f0Test: ArrayLike<number>;
  /** The learning rate η of GD on the mean loss (1/2n) Σ (f − y)²; kernel GD runs at rate η/n. */
  readonly lr: number;
  readonly backend: Backend;
  /** Θ and Θ_{test,X} when already computed by {@link architectureNtkBlocks} for these inputs (they do not depend on f_0). */
  readonly blocks?: ArchitectureNtkBlocks;
  /**
   * The largest step `predict` will be asked for: picks the cheaper of the recursion and the eigen route
   * (`kernelGdPredictor` of `@spec/nets`); without it, the eigen route (any step at the same cost).
   */
  readonly steps?: number;
}

/** The train/train and test/train blocks of an architecture's infinite-width NTK. */
export interface ArchitectureNtkBlocks {
  /** Θ(X, X), n × n row-major. */
  readonly theta: Float64Array;
  /** Θ(X_test, X), m × n row-major. */
  readonly cross: Float64Array;
}

/** Kernel GD with a network's infinite-width NTK, ready to predict at any step. */
export interface ArchitectureKernelGd extends ArchitectureNtkBlocks {
  /** Predictions after t steps on the training and held-out inputs. */
  predict(t: number): { readonly train: Float64Array; readonly test: Float64Array };
}

function sameSampleShape(a: Activations, b: Activations): boolean {
  return (
    a.channels === b.channels && a.spatial.length === b.spatial.length && a.spatial.every((s, i) => s === b.spatial[i])
  );
}

/** The infinite-width kernels of an architecture on training inputs, and the NTK's held-out/train block. */
export interface ArchitectureKernelBlocks {
  /** NNGP(X, X), n × n row-major: the limit of the CK. */
  readonly nngp: Float64Array;
  /** Θ(X, X), n × n row-major. */
  readonly theta: Float64Array;
  /** Θ(X_test, X), m × n row-major, when held-out inputs were given. */
  readonly cross?: Float64Array;
}

/**
 * The blocks NNGP(X, X), Θ(X, X) and (with held-out inputs) Θ(X_test, X) of an architecture's infinite-width kernels,
 * from one `architectureKernelMatrices` call on the training and held-out inputs together
 * (apps/docs/theory/architectures.md#json-format), reporting its progress over the pairs of samples to `onProgress`.
 *
 * @throws SpecError `E_SHAPE` when the two sets of inputs differ in per-sample shape, and the kernel maps' errors
 */
export function architectureKernelBlocks(
  spec: ArchitectureSpec,
  x: Activations,
  xTest?: Activations,
  onProgress?: (done: number, total: number) => void,
): ArchitectureKernelBlocks {
  if (xTest !== undefined && !sameSampleShape(x, xTest))
    throw new SpecError('E_SHAPE', 'kernel GD: the held-out inputs must have the training inputs’ per-sample shape');
  const n = x.samples;
  const m = xTest?.samples ?? 0;
  const data = new Float64Array(x.data.length + (xTest?.data.length ?? 0));
  data.set(x.data);
  if (xTest !== undefined) data.set(xTest.data, x.data.length);
  const N = n + m;
  const k = architectureKernelMatrices({
    spec,
    data,
    shape: [N, ...x.spatial, x.channels],
    ...(onProgress !== undefined ? { onProgress } : {}),
  });
  const nngp = new Float64Array(n * n);
  const theta = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    nngp.set(k.nngp.subarray(a * N, a * N + n), a * n);
    theta.set(k.ntk.subarray(a * N, a * N + n), a * n);
  }
  if (xTest === undefined) return { nngp, theta };
  const cross = new Float64Array(m * n);
  for (let a = 0; a < m; a++) cross.set(k.ntk.subarray((n + a) * N, (n + a) * N + n), a * n);
  return { nngp, theta, cross };
}

/**
 * The blocks Θ(X, X) and Θ(X_test, X) of an architecture's infinite-width NTK ({@link architectureKernelBlocks}).
 *
 * @throws SpecError `E_SHAPE` when the two sets of inputs differ in per-sample shape, and the kernel maps' errors
 */
export function architectureNtkBlocks(
  spec: ArchitectureSpec,
  x: Activations,
  xTest: Activations,
): ArchitectureNtkBlocks {
  const { theta, cross } = architectureKernelBlocks(spec, x, xTest);
  return { theta, cross: cross! };
}

/**
 * Kernel gradient descent with the infinite-width NTK of an architecture given as JSON
 * (apps/docs/theory/infinite-width.md#kernel-gradient-descent, discrete GD on the mean loss):
 * `f_t(X_test) = f_0(X_test) + Θ_{test,X} Θ^{−1}(I − (I − (η/n)Θ)^t)(Y − f_0(X))`, the step-t prediction of full-batch
 * GD with learning rate η at infinite width. Θ and Θ_{test,X} are the blocks of `architectureKernelMatrices` on the
 * training and held-out inputs together; the recursion is `kernelGdModel`/`kernelGdPredict` (one implementation with
 * the MLP's training monitors). f_0 is the caller's: a finite network's own outputs make the prediction the kernel-GD
 * path that starts where the network starts, so the distance between the two measures only the NTK's fluctuation and
 * change, O(width^{−1/2}).
 *
 * @throws SpecError `E_SHAPE` when the inputs, targets and f_0 do not match, `E_INPUT` for a bad lr or spec (and a
 *   step whose iteration diverges, from `kernelGdPredict`)
 */
export function architectureKernelGd(options: ArchitectureKernelGdOptions): ArchitectureKernelGd {
  const { x, xTest, y, f0, f0Test, lr, backend } = options;
  const n = x.samples;
  const m = xTest.samples;
  if (y.length !== n || f0.length !== n || f0Test.length !== m) {
    throw new SpecError(
      'E_SHAPE',
      `kernel GD: ${n} training and ${m} held-out inputs, but ${y.length} targets, ${f0.length} and ${f0Test.length} initial outputs`,
    );
  }
  if (!(Number.isFinite(lr) && lr > 0))
    throw new SpecError('E_INPUT', `kernel GD: lr must be finite and > 0, got ${lr}`);
  const { theta, cross } = options.blocks ?? architectureNtkBlocks(options.spec, x, xTest);
  if (theta.length !== n * n || cross.length !== m * n)
    throw new SpecError('E_SHAPE', `kernel GD: the NTK blocks do not match ${n} training and ${m} held-out inputs`);
  const predictor = kernelGdPredictor({
    theta: { rows: n, cols: n, data: theta },
    cross: { rows: m, cols: n, data: cross },
    y,
    f0,
    f0Cross: f0Test,
    rate: lr / n,
    backend,
    steps: options.steps ?? n,
    ...(options.steps === undefined ? { route: 'eigen' as const } : {}),
  });
  return {
    theta,
    cross,
    predict(t) {
      const p = predictor.predict(t);
      return { train: p.train, test: p.cross! };
    },
  };
}
