import { SpecError, type Backend, type Rng, type Activations, type Layer, type LayerParams } from '@spec/core';
import { spatialForward } from '@spec/nets';

/** Options of {@link trainSpatialNetwork}. */
export interface TrainSpatialOptions {
  /** The network: {@link Layer}s ending in one output per sample (NTK parametrisation). */
  readonly layers: ReadonlyArray<Layer>;
  /** Computes the layers' products (forward and backward passes). */
  readonly backend: Backend;
  /** Initial parameters, one record per layer (copied; the caller's arrays are not changed). */
  readonly params: ReadonlyArray<LayerParams>;
  /** Training inputs. */
  readonly x: Activations;
  /** Targets, one per training sample. */
  readonly y: ArrayLike<number>;
  /** Held-out inputs whose predictions are recorded at the checkpoints. */
  readonly xTest?: Activations;
  /** Learning rate η of θ ← θ − η ∇_θ L on the mean loss L = (1/2B) Σ_batch (f − y)². */
  readonly lr: number;
  /** Number of steps. */
  readonly steps: number;
  /** Steps (0 … steps) at which predictions are recorded (default [0, steps]). */
  readonly checkpoints?: ReadonlyArray<number>;
  /** Minibatch size B (default n: full-batch GD); B < n draws a batch without replacement per step (SGD). */
  readonly batch?: number;
  /** Draws the minibatches (needed when batch < n). */
  readonly rng?: Rng;
  /**
   * Called at every checkpoint with its record and the parameters at that step (read them there: they change after
   * the call), e.g. to monitor the network's kernels.
   */
  readonly onCheckpoint?: (checkpoint: SpatialTrainCheckpoint, params: ReadonlyArray<LayerParams>) => void;
  /** Progress over the training steps: `(t, steps)` after step t. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Predictions of {@link trainSpatialNetwork} at one step. */
export interface SpatialTrainCheckpoint {
  readonly step: number;
  /** (1/2n) Σ (f(x_i) − y_i)² on the whole training set. */
  readonly loss: number;
  /** f at the training inputs. */
  readonly train: Float64Array;
  /** f at the held-out inputs (when `xTest` was given). */
  readonly test?: Float64Array;
}

/** What {@link trainSpatialNetwork} returns. */
export interface SpatialTrainResult {
  /** The trained parameters (fresh arrays). */
  readonly params: ReadonlyArray<LayerParams>;
  /** One record per requested checkpoint, in step order. */
  readonly checkpoints: ReadonlyArray<SpatialTrainCheckpoint>;
}

/**
 * The scalar outputs f(x_a) of a network of {@link Layer}s.
 *
 * @throws SpecError `E_SHAPE` when the network does not end in one output per sample
 */
export function spatialOutputs(
  layers: ReadonlyArray<Layer>,
  params: ReadonlyArray<LayerParams>,
  x: Activations,
  backend: Backend,
): Float64Array {
  return scalarOutput(spatialForward(layers, params, x, backend).activations[layers.length], x.samples);
}

function scalarOutput(out: Activations, n: number): Float64Array {
  if (out.spatial.length !== 0 || out.channels !== 1 || out.data.length !== n) {
    throw new SpecError(
      'E_SHAPE',
      'train: the network must end in one output per sample (flatten, last or global_avg_pool, then a dense readout of width 1)',
    );
  }
  return Float64Array.from(out.data);
}

/**
 * The gradient of the mean squared loss L = (1/2n) Σ_a (f(x_a) − y_a)² of a scalar-output network, from one forward
 * pass and one backward sweep of the layers' vjps with the signal ∂L/∂f(x_a) = (f(x_a) − y_a)/n (each layer returns
 * its parameter gradients summed over samples, which is ∇_θ L). Returns the loss, the outputs and the gradients
 * keyed like `params`.
 */
export function spatialLossGradient(
  layers: ReadonlyArray<Layer>,
  params: ReadonlyArray<LayerParams>,
  x: Activations,
  y: ArrayLike<number>,
  backend: Backend,
): { loss: number; outputs: Float64Array; grads: LayerParams[] } {
  const n = x.samples;
  const fwd = spatialForward(layers, params, x, backend);
  const ctx = { backend };
  const outputs = scalarOutput(fwd.activations[layers.length], n);
  const signal = new Float64Array(n);
  let loss = 0;
  for (let a = 0; a < n; a++) {
    const r = outputs[a] - y[a];
    loss += (r * r) / (2 * n);
    signal[a] = r / n;
  }
  const grads: LayerParams[] = new Array<LayerParams>(layers.length);
  let g: Activations = { data: signal, samples: n, spatial: [], channels: 1 };
  for (let i = layers.length - 1; i >= 0; i--) {
    const r = layers[i].vjp(params[i], fwd.caches[i], g, ctx, { params: true });
    grads[i] = r.gparams;
    g = r.gx;
  }
  return { loss, outputs, grads };
}

function selectSamples(x: Activations, idx: ArrayLike<number>): Activations {
  const per = x.data.length / x.samples;
  const data = new Float64Array(idx.length * per);
  for (let k = 0; k < idx.length; k++) data.set(x.data.subarray(idx[k] * per, (idx[k] + 1) * per), k * per);
  return { data, samples: idx.length, spatial: x.spatial, channels: x.channels };
}

function lossOf(outputs: Float64Array, y: ArrayLike<number>): number {
  let s = 0;
  for (let a = 0; a < outputs.length; a++) s += (outputs[a] - y[a]) ** 2;
  return s / (2 * outputs.length);
}

/**
 * Trains a scalar-output network of {@link Layer}s (any architecture, NTK parametrisation) by full-batch
 * gradient descent, or minibatch SGD, on the mean squared loss, with gradients from the layers' vjps
 * (apps/docs/theory/infinite-width.md#kernel-gradient-descent: with a fixed η and growing width, full-batch GD follows
 * kernel GD with the infinite-width NTK at rate η/n). All parameters are trained, the readout included. Records the
 * predictions on the training and held-out inputs at the checkpoints.
 *
 * @throws SpecError `E_INPUT` for a bad learning rate, step count, checkpoint or batch size, `E_SHAPE` when the
 *   targets or parameters do not match the inputs, `E_CONVERGENCE` when the loss or a parameter stops being finite
 *   (the learning rate is too large for the NTK's top eigenvalue: try a smaller one)
 */
export function trainSpatialNetwork(options: TrainSpatialOptions): SpatialTrainResult {
  const { layers, x, y, xTest, lr, steps, backend } = options;
  const n = x.samples;
  if (!(Number.isFinite(lr) && lr > 0)) throw new SpecError('E_INPUT', `train: lr must be finite and > 0, got ${lr}`);
  if (!Number.isSafeInteger(steps) || steps < 0)
    throw new SpecError('E_INPUT', `train: steps must be a non-negative integer, got ${steps}`);
  if (y.length !== n) throw new SpecError('E_SHAPE', `train: ${n} training inputs but ${y.length} targets`);
  const batch = options.batch ?? n;
  if (!Number.isSafeInteger(batch) || batch < 1 || batch > n)
    throw new SpecError('E_INPUT', `train: batch must be an integer in [1, ${n}], got ${batch}`);
  if (batch < n && options.rng === undefined)
    throw new SpecError('E_INPUT', 'train: minibatch SGD (batch < n) needs an rng to draw the batches');
  const checkpoints = [...new Set(options.checkpoints ?? [0, steps])].sort((a, b) => a - b);
  for (const c of checkpoints) {
    if (!Number.isSafeInteger(c) || c < 0 || c > steps)
      throw new SpecError('E_INPUT', `train: checkpoint ${c} is not an integer step in [0, ${steps}]`);
  }
  if (!Array.isArray(options.params) || options.params.length !== layers.length)
    throw new SpecError('E_SHAPE', `train: expected parameters for ${layers.length} layers`);
  const params: Array<Record<string, Float64Array>> = options.params.map((p) => {
    const copy: Record<string, Float64Array> = {};
    for (const key of Object.keys(p)) copy[key] = Float64Array.from(p[key]);
    return copy;
  });
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const out: SpatialTrainCheckpoint[] = [];
  let next = 0;
  for (let t = 0; t <= steps; t++) {
    if (checkpoints[next] === t) {
      const train = spatialOutputs(layers, params, x, backend);
      const loss = lossOf(train, y);
      if (!Number.isFinite(loss)) throw diverged(t, lr);
      const checkpoint: SpatialTrainCheckpoint = {
        step: t,
        loss,
        train,
        ...(xTest !== undefined ? { test: spatialOutputs(layers, params, xTest, backend) } : {}),
      };
      out.push(checkpoint);
      options.onCheckpoint?.(checkpoint, params);
      next++;
    }
    if (t > 0) options.onProgress?.(t, steps);
    if (t === steps) break;
    let xb = x;
    let yb: ArrayLike<number> = y;
    if (batch < n) {
      // Partial Fisher–Yates: a uniformly random batch without replacement (as `train` does for MLPs).
      for (let i = 0; i < batch; i++) {
        const j = i + options.rng!.int(n - i);
        const tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      const idx = perm.subarray(0, batch);
      xb = selectSamples(x, idx);
      yb = Array.from(idx, (i) => y[i]);
    }
    const g = spatialLossGradient(layers, params, xb, yb, backend);
    if (!Number.isFinite(g.loss)) throw diverged(t, lr);
    params.forEach((p, i) => {
      for (const [key, w] of Object.entries(p)) {
        const gw = g.grads[i][key];
        if (gw === undefined || gw.length !== w.length)
          throw new SpecError('E_SHAPE', `train: layer ${i + 1} (${layers[i].kind}) returned no gradient for ${key}`);
        for (let k = 0; k < w.length; k++) w[k] -= lr * gw[k];
        if (!w.every(Number.isFinite)) throw diverged(t + 1, lr);
      }
    });
  }
  return { params, checkpoints: out };
}

function diverged(step: number, lr: number): SpecError {
  return new SpecError(
    'E_CONVERGENCE',
    `train: diverged at step ${step} (a loss or parameter is not finite) with lr ${lr}; use a smaller learning rate`,
  );
}
