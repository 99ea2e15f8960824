import {
  SpecError,
  createRng,
  transpose,
  type Activations,
  type Backend,
  type Layer,
  type LayerParams,
  type Matrix,
  type Rng,
  type Shape,
} from '@spec/core';
import type { ResolvedInfiniteOptions } from './infinite/architecture.js';
import { activations, assertActivations, describeShape, isShape, spatialSize } from './spatial/activations.js';

/**
 * A scalar-output network: a chain of {@link Layer}s (built-in, combinators or plugins alike) from inputs of shape
 * `inShape` to one output per sample, with every intermediate shape known before any parameter is drawn.
 */
export interface Network {
  /** The per-sample input shape (an MLP's: no positions, `inputDim` channels). */
  readonly inShape: Shape;
  /** Features per input sample, L·C (the rows of a data matrix X, d_0 × n). */
  readonly inputDim: number;
  /** The layers, input to output. */
  readonly layers: ReadonlyArray<Layer>;
  /** shapes[0] = inShape, shapes[ℓ] = the per-sample shape after ℓ layers (the last is one scalar). */
  readonly shapes: ReadonlyArray<Shape>;
  /** dims[ℓ] = features per sample after ℓ layers (dims[0] = inputDim, last = 1): an MLP's widths. */
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
   * activations[0] = the input, activations[ℓ] = the output of layer ℓ (one row per sample); the last holds f(x_a). For
   * dense layers these are the X_ℓ of apps/docs/theory/fan-wang.md#network-and-kernels, transposed.
   */
  readonly activations: ReadonlyArray<Activations>;
  /** Per layer, what its backward pass needs (the layer's own cache, opaque). */
  readonly caches: ReadonlyArray<unknown>;
}

/** The data a network takes: activations, or a d_0 × n matrix with one column per sample (as `@spec/data` gives). */
export type NetworkInput = Activations | Matrix;

/**
 * Chains layers into a {@link Network} for inputs of shape `input` (a number d_0 stands for d_0 features without
 * positions, an MLP's input), checking that each layer takes the shape before it and that the last gives one scalar
 * per sample. Shapes come from the layers' `outShape` (a layer without it is initialised once with a throwaway
 * generator).
 *
 * @throws SpecError `E_INPUT` for a bad input shape, no layers, or a non-scalar output (naming the layer), and the
 *   layers' own shape errors
 */
export function network(input: number | Shape, layers: ReadonlyArray<Layer>): Network {
  const inShape: Shape = typeof input === 'number' ? { spatial: [], channels: input } : input;
  if (!isShape(inShape)) {
    throw new SpecError(
      'E_INPUT',
      `network input dimension must be a positive integer (or a shape of positive integers), got ${JSON.stringify(input)}`,
    );
  }
  if (!Array.isArray(layers) || layers.length === 0)
    throw new SpecError('E_INPUT', 'a network needs at least one layer');
  const shapes: Shape[] = [{ spatial: [...inShape.spatial], channels: inShape.channels }];
  layers.forEach((layer, i) => {
    const out = layer.outShape?.(shapes[i]) ?? layer.init(shapes[i], createRng(0)).outShape;
    shapes.push(out);
  });
  const last = shapes[shapes.length - 1];
  if (last.spatial.length !== 0 || last.channels !== 1) {
    throw new SpecError(
      'E_INPUT',
      `the last layer (${layers[layers.length - 1].kind}) gives ${describeShape(last)} per sample; a network must end ` +
        'in one scalar output (add a readout layer of width 1, after flatten or global_avg_pool for spatial data)',
    );
  }
  const dims = shapes.map((s) => spatialSize(s.spatial) * s.channels);
  return { inShape: shapes[0], inputDim: dims[0], layers: [...layers], shapes, dims };
}

/**
 * Draws the parameters on the CPU from `rng`: layer ℓ (1-based) uses `rng.split('layer-ℓ')`, so the draws of one layer
 * do not depend on the others, and every backend gets the same numbers.
 */
export function initNetwork(net: Network, rng: Rng): NetworkParams {
  return net.layers.map((layer, i) => layer.init(net.shapes[i], rng.split(`layer-${i + 1}`)).params);
}

function checkParams(net: Network, params: ReadonlyArray<LayerParams | null>): void {
  if (!Array.isArray(params) || params.length !== net.layers.length) {
    throw new SpecError(
      'E_INPUT',
      `expected parameters for ${net.layers.length} layers, got ${Array.isArray(params) ? params.length : typeof params}`,
    );
  }
}

/**
 * The network's input as activations: activations are checked to have the input shape; a d_0 × n matrix (one column
 * per sample, feature j = p·C + c for position p and channel c) is transposed to one row per sample (O(n·d_0)).
 *
 * @throws SpecError `E_SHAPE` for the wrong size, `E_INPUT` for non-finite entries
 */
export function networkInput(net: Network, X: NetworkInput): Activations {
  let x: Activations;
  if ('samples' in X) {
    assertActivations(X, 'network', 'the input', net.inShape);
    x = X;
  } else {
    if (X.rows !== net.inputDim) {
      throw new SpecError(
        'E_SHAPE',
        `input X must have ${net.inputDim} rows (one column per sample), got ${X.rows} × ${X.cols}`,
      );
    }
    if (X.cols < 1) throw new SpecError('E_SHAPE', 'input X has no columns (samples)');
    x = activations(transpose(X).data as Float64Array, X.cols, net.inShape);
  }
  const d = x.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const a = Math.floor(i / net.inputDim);
      throw new SpecError('E_INPUT', `input X has a non-finite entry (${d[i]}) in sample ${a + 1}`);
    }
  }
  return x;
}

/**
 * Forward pass through `backend` (apps/docs/theory/fan-wang.md#network-and-kernels).
 *
 * @throws SpecError `E_SHAPE` when X has the wrong size, `E_INPUT` for non-finite X or parameters that do not match
 */
export function forward(net: Network, params: NetworkParams, X: NetworkInput, backend: Backend): ForwardPass {
  checkParams(net, params);
  return forwardLayers(net.layers, params, networkInput(net, X), backend);
}

/** The forward pass of `x` through `layers` (parameters already matched to them), keeping every output and cache. */
export function forwardLayers(
  layers: ReadonlyArray<Layer>,
  params: ReadonlyArray<LayerParams>,
  x: Activations,
  backend: Backend,
): ForwardPass {
  const ctx = { backend };
  const acts: Activations[] = [x];
  const caches: unknown[] = [];
  layers.forEach((layer, i) => {
    const { y, cache } = layer.apply(params[i], acts[i], ctx);
    acts.push(y);
    caches.push(cache);
  });
  return { activations: acts, caches };
}

/** f(x_a) for every sample of X, as a Float64Array of length n. */
export function networkOutput(net: Network, params: NetworkParams, X: NetworkInput, backend: Backend): Float64Array {
  const { activations: acts } = forward(net, params, X, backend);
  return Float64Array.from(acts[acts.length - 1].data);
}

/** The all-ones signal ∂f(x_a)/∂f(x_a) at the output, one per sample. */
export function onesSignal(n: number): Activations {
  return activations(new Float64Array(n).fill(1), n, { spatial: [], channels: 1 });
}

/**
 * Per-layer parameter gradients of `Σ_a f(x_a)` by the layers' vjp (backpropagation), keyed as the parameters. For one
 * sample (n = 1) this is ∇_θ f(x).
 */
export function parameterGradient(
  net: Network,
  params: NetworkParams,
  X: NetworkInput,
  backend: Backend,
): LayerParams[] {
  const fwd = forward(net, params, X, backend);
  const ctx = { backend };
  const grads: LayerParams[] = new Array<LayerParams>(net.layers.length);
  let g = onesSignal(fwd.activations[0].samples);
  for (let i = net.layers.length - 1; i >= 0; i--) {
    const { gx, gparams } = net.layers[i].vjp(params[i], fwd.caches[i], g, ctx);
    grads[i] = gparams;
    g = gx;
  }
  return grads;
}

/** ∂f(x_a)/∂x_a for every sample, one row per sample, by the layers' vjp. */
export function inputGradient(net: Network, params: NetworkParams, X: NetworkInput, backend: Backend): Activations {
  const fwd = forward(net, params, X, backend);
  const ctx = { backend };
  let g = onesSignal(fwd.activations[0].samples);
  for (let i = net.layers.length - 1; i >= 0; i--) {
    g = net.layers[i].vjp(params[i], fwd.caches[i], g, ctx, { params: false }).gx;
  }
  return g;
}
