import {
  SpecError,
  type Backend,
  type Rng,
  type Activations,
  type Layer,
  type LayerParams,
  type Shape,
} from '@spec/core';
import { assertActivations, describeShape } from './activations.js';
import { kernelsOfPass } from '../empirical-kernels.js';
import { forwardLayers } from '../network.js';
import { float64 } from './sample-gram.js';

/** What {@link initSpatialNetwork} returns. */
export interface SpatialNetworkInit {
  /** One parameter record per layer. */
  readonly params: ReadonlyArray<LayerParams>;
  /** shapes[0] = the input shape, shapes[ℓ] = the per-sample shape after ℓ layers (the last is scalar). */
  readonly shapes: ReadonlyArray<Shape>;
}

/** What {@link spatialForward} returns. */
export interface SpatialForwardPass {
  /** activations[0] = the input, activations[ℓ] = the output of layer ℓ; the last holds f(x_a), one per sample. */
  readonly activations: ReadonlyArray<Activations>;
  /** Per layer, the cache its backward pass needs (opaque). */
  readonly caches: ReadonlyArray<unknown>;
}

/** Options of {@link spatialEmpiricalKernels}. */
export interface SpatialKernelOptions {
  /** Which kernels (default `'both'`). */
  readonly kernel?: 'ck' | 'ntk' | 'both';
  /** Also return each layer's NTK share (default false). */
  readonly perLayer?: boolean;
}

/** What {@link spatialEmpiricalKernels} returns; matrices are n × n, row-major. */
export interface SpatialEmpiricalKernels {
  /** f(x_a) for every sample. */
  readonly outputs: Float64Array;
  /** The CK: Gram ⟨z_a, z_b⟩ of the readout's input features z (all positions and channels of the last layer's input). */
  readonly ck?: Float64Array;
  /** The empirical NTK Σ_θ ∂f(x_a)/∂θ ∂f(x_b)/∂θ, the sum of the layers' shares. */
  readonly ntk?: Float64Array;
  /** Each layer's NTK share (null for a layer without parameters), aligned with the layers; they sum to `ntk`. */
  readonly perLayer?: ReadonlyArray<Float64Array | null>;
}

function checkNetwork(layers: ReadonlyArray<Layer>): void {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new SpecError('E_INPUT', 'spatial network: needs at least one layer (the last a dense readout of width 1)');
  }
}

/**
 * Draws the parameters of a network of {@link Layer}s for inputs of per-sample shape `inShape`: layer ℓ
 * (1-based) draws from `rng.split('layer-ℓ')`, as the MLP's `initNetwork` does.
 *
 * @throws SpecError `E_SHAPE` when the network does not end in one output per sample (spatial `[]`, 1 channel), and
 *   the layers' own errors
 */
export function initSpatialNetwork(layers: ReadonlyArray<Layer>, inShape: Shape, rng: Rng): SpatialNetworkInit {
  checkNetwork(layers);
  const shapes: Shape[] = [inShape];
  const params = layers.map((layer, i) => {
    const { params: p, outShape } = layer.init(shapes[i], rng.split(`layer-${i + 1}`));
    shapes.push(outShape);
    return p;
  });
  const last = shapes[shapes.length - 1];
  if (last.spatial.length !== 0 || last.channels !== 1) {
    throw new SpecError(
      'E_SHAPE',
      `spatial network: the last layer (${layers[layers.length - 1].kind}) gives ${describeShape(last)}; a scalar-output network ends in flatten or global_avg_pool and a dense readout of width 1`,
    );
  }
  return { params, shapes };
}

/**
 * The forward pass through every layer, products on `backend`.
 *
 * @throws SpecError `E_INPUT` when `params` does not match the layers
 */
export function spatialForward(
  layers: ReadonlyArray<Layer>,
  params: ReadonlyArray<LayerParams>,
  x: Activations,
  backend: Backend,
): SpatialForwardPass {
  checkNetwork(layers);
  if (!Array.isArray(params) || params.length !== layers.length) {
    throw new SpecError('E_INPUT', `spatial network: expected parameters for ${layers.length} layers`);
  }
  assertActivations(x, 'spatial network', 'the input');
  return forwardLayers(layers, params, x, backend);
}

/**
 * Outputs, CK and empirical NTK of a scalar-output network of {@link Layer}s
 * (apps/docs/theory/architectures.md#finite-layers): the same driver as `empiricalKernels` (a forward pass, then a
 * backward sweep of the signal ∂f(x_a)/∂f(x_a) = 1, where every layer adds its NTK share — from its terms when it has
 * them), on activations and a list of layers.
 *
 * @throws SpecError `E_SHAPE` when the output is not one number per sample, `E_DATA` when a kernel or output is not
 *   finite (an activation overflowed: try smaller W_std), and the layers' errors
 */
export function spatialEmpiricalKernels(
  layers: ReadonlyArray<Layer>,
  params: ReadonlyArray<LayerParams>,
  x: Activations,
  backend: Backend,
  options: SpatialKernelOptions = {},
): SpatialEmpiricalKernels {
  const which = options.kernel ?? 'both';
  if (which !== 'ck' && which !== 'ntk' && which !== 'both') {
    throw new SpecError(
      'E_INPUT',
      `spatial network: kernel must be 'ck', 'ntk' or 'both', got ${JSON.stringify(which)}`,
    );
  }
  const fwd = spatialForward(layers, params, x, backend);
  const out = fwd.activations[layers.length];
  if (out.spatial.length !== 0 || out.channels !== 1) {
    throw new SpecError(
      'E_SHAPE',
      `spatial network: the output is ${describeShape(out)} per sample; end in flatten or global_avg_pool and a dense readout of width 1`,
    );
  }
  const k = kernelsOfPass(layers, params, fwd.activations, fwd.caches, backend, which, {
    perLayer: options.perLayer === true,
  });
  const result: {
    outputs: Float64Array;
    ck?: Float64Array;
    ntk?: Float64Array;
    perLayer?: Array<Float64Array | null>;
  } = { outputs: Float64Array.from(out.data) };
  assertFiniteArray(result.outputs, 'the network outputs');
  if (k.ck !== undefined) {
    result.ck = float64(k.ck);
    assertFiniteArray(result.ck, 'the CK');
  }
  if (k.ntk !== undefined) {
    result.ntk = float64(k.ntk);
    assertFiniteArray(result.ntk, 'the NTK');
  }
  if (k.perLayer !== undefined) result.perLayer = k.perLayer.map((m) => (m === null ? null : float64(m)));
  return result;
}

function assertFiniteArray(a: Float64Array, what: string): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new SpecError(
        'E_DATA',
        `spatial network: ${what} has a non-finite entry (an activation overflowed?); try smaller W_std or inputs`,
      );
    }
  }
}
