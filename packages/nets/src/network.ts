import {
  SpecError,
  assertFinite,
  type Backend,
  type Layer,
  type LayerCache,
  type LayerParams,
  type Matrix,
  type Rng,
} from '@spec/core';
import type { ResolvedInfiniteOptions } from './infinite/architecture.js';

/**
 * A feed-forward network: a chain of {@link Layer} plugins ending in a scalar output (the last layer
 * has output dimension 1). Built-in and plugin layers are treated identically.
 */
export interface Network {
  /** Input dimension d_0 (rows of the data matrix X, d_0 × n). */
  readonly inputDim: number;
  /** The layers, input to output. */
  readonly layers: ReadonlyArray<Layer>;
  /** dims[ℓ] = dimension after ℓ layers (dims[0] = inputDim, last = 1). */
  readonly dims: ReadonlyArray<number>;
  /**
   * The vectorised MLP recursion (apps/docs/theory/infinite-width.md#mlp-recursions) that the layers' kernel maps fold
   * to, set by `mlp` in the fan-wang and ntk parametrisations so that infinite-width kernels of the network can take
   * the vectorised route instead of one map evaluation per pair. Whoever builds a network from other layers leaves it
   * unset (a copy with different layers must drop it).
   */
  readonly mlpRecursion?: ResolvedInfiniteOptions;
}

/** Parameters of a {@link Network}, one record per layer. */
export type NetworkParams = ReadonlyArray<LayerParams>;

/** Result of {@link forward}. */
export interface ForwardPass {
  /**
   * activations[0] = X (d_0 × n), activations[ℓ] = output of layer ℓ (d_ℓ × n); the last is the 1 × n network output.
   * For dense layers these are the X_ℓ of apps/docs/theory/fan-wang.md#network-and-kernels.
   */
  readonly activations: ReadonlyArray<Matrix>;
  /** Per layer, what its backward pass needs (dense: `input`, `preactivation` H_ℓ = W_ℓ X_{ℓ−1}). */
  readonly caches: ReadonlyArray<LayerCache>;
  /** Per layer, the pre-activation H_ℓ where the layer has one (`caches[ℓ−1].preactivation`), else undefined. */
  readonly preactivations: ReadonlyArray<Matrix | undefined>;
}

/**
 * Chains layers into a {@link Network} (the `stax.serial` idea).
 *
 * @throws SpecError `E_INPUT` for a bad input dimension, no layers, or a non-scalar output
 */
export function serial(inputDim: number, layers: ReadonlyArray<Layer>): Network {
  if (!Number.isInteger(inputDim) || inputDim < 1) {
    throw new SpecError('E_INPUT', `network input dimension must be a positive integer, got ${inputDim}`);
  }
  if (!Array.isArray(layers) || layers.length === 0)
    throw new SpecError('E_INPUT', 'a network needs at least one layer');
  const dims = [inputDim];
  layers.forEach((layer, i) => {
    const d = layer.outputDim(dims[i]);
    if (!Number.isInteger(d) || d < 1) {
      throw new SpecError(
        'E_INPUT',
        `layer ${i + 1} (${layer.kind}) gives output dimension ${d} for input dimension ${dims[i]}`,
      );
    }
    dims.push(d);
  });
  if (dims[dims.length - 1] !== 1) {
    throw new SpecError(
      'E_INPUT',
      `the last layer must give a scalar output (dimension 1), got ${dims[dims.length - 1]}; add a readout layer`,
    );
  }
  return { inputDim, layers: [...layers], dims };
}

/**
 * Draws the parameters on the CPU from `rng`: layer ℓ (1-based) uses `rng.split('layer-ℓ')`, so the
 * draws of one layer do not depend on the others, and every backend gets the same numbers.
 */
export function initNetwork(net: Network, rng: Rng): NetworkParams {
  return net.layers.map((layer, i) => layer.init(net.dims[i], rng.split(`layer-${i + 1}`)));
}

function checkParams(net: Network, params: NetworkParams): void {
  if (!Array.isArray(params) || params.length !== net.layers.length) {
    throw new SpecError(
      'E_INPUT',
      `expected parameters for ${net.layers.length} layers, got ${Array.isArray(params) ? params.length : typeof params}`,
    );
  }
}

/**
 * Forward pass on the columns of X (d_0 × n) through `backend` (apps/docs/theory/fan-wang.md#network-and-kernels).
 *
 * @throws SpecError `E_SHAPE` when X has the wrong number of rows, `E_INPUT` for non-finite X
 */
export function forward(net: Network, params: NetworkParams, X: Matrix, backend: Backend): ForwardPass {
  checkParams(net, params);
  if (X.rows !== net.inputDim) {
    throw new SpecError(
      'E_SHAPE',
      `input X must have ${net.inputDim} rows (one column per sample), got ${X.rows} × ${X.cols}`,
    );
  }
  if (X.cols < 1) throw new SpecError('E_SHAPE', 'input X has no columns (samples)');
  assertFinite(X, 'input X');
  const ctx = { backend };
  const activations: Matrix[] = [X];
  const caches: LayerCache[] = [];
  net.layers.forEach((layer, i) => {
    const { output, cache } = layer.apply(params[i], activations[i], ctx);
    activations.push(output);
    caches.push(cache);
  });
  return { activations, caches, preactivations: caches.map((c) => c.preactivation) };
}

/** f(x_α) for every column of X, as a Float64Array of length n. */
export function networkOutput(net: Network, params: NetworkParams, X: Matrix, backend: Backend): Float64Array {
  const { activations } = forward(net, params, X, backend);
  return Float64Array.from(activations[activations.length - 1].data);
}

function ones(n: number): Matrix {
  return { rows: 1, cols: n, data: new Float64Array(n).fill(1) };
}

/**
 * Per-layer parameter gradients of `Σ_α f(x_α)` by the layers' vjp (backpropagation), in the same
 * shape as the parameters. For one sample (n = 1) this is ∇_θ f(x).
 */
export function parameterGradient(net: Network, params: NetworkParams, X: Matrix, backend: Backend): LayerParams[] {
  const fwd = forward(net, params, X, backend);
  const ctx = { backend };
  const grads: LayerParams[] = new Array<LayerParams>(net.layers.length);
  let G = ones(X.cols);
  for (let i = net.layers.length - 1; i >= 0; i--) {
    const { gradInput, gradParams } = net.layers[i].vjp(params[i], fwd.caches[i], G, ctx);
    grads[i] = gradParams;
    G = gradInput;
  }
  return grads;
}

/** ∂f(x_α)/∂x_α for every column (d_0 × n), by the layers' vjp. */
export function inputGradient(net: Network, params: NetworkParams, X: Matrix, backend: Backend): Matrix {
  const fwd = forward(net, params, X, backend);
  const ctx = { backend };
  let G = ones(X.cols);
  for (let i = net.layers.length - 1; i >= 0; i--) {
    G = net.layers[i].vjp(params[i], fwd.caches[i], G, ctx, { wantParams: false }).gradInput;
  }
  return G;
}
