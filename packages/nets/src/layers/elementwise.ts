import { SpecError, type Activation, type Activations, type Backend, type Layer, type Matrix } from '@spec/core';
import { activationKernelMap } from '../kernel-maps/activation.js';
import { activationOption } from '../activations/resolve.js';
import { activations, assertActivations, assertShapeArg, shapeOf, spatialSize } from '../spatial/activations.js';
import { float64 } from '../spatial/sample-gram.js';

/** Options of {@link activationLayer}. */
export interface ActivationLayerOptions {
  /** φ (an object, or a registry name, used raw). */
  readonly activation: Activation | string;
}

/** What the element-wise layer keeps: its input. */
export interface ElementwiseCache {
  readonly x: Activations;
}

/**
 * A parameter-free element-wise layer `y = φ(x)` at every sample, position and channel (e.g. before the readout of a
 * residual network, apps/docs/theory/infinite-width.md#residual-mlp; `act` in the JSON format,
 * apps/docs/theory/architectures.md#activations), on the backend's `map`. Backward `φ′(x) ⊙ gy`; no NTK share
 * (`ntkTerms` has no terms, only the backward step). Kernel map (apps/docs/theory/infinite-width.md#mlp-recursions):
 * `Σ′ = E φ(u)φ(v)`, `Θ′ = Θ · E φ′(u)φ′(v)`, (u, v) ~ N(0, Σ).
 *
 * @throws SpecError `E_INPUT` for an unknown or malformed activation
 */
export function activationLayer(options: ActivationLayerOptions): Layer<ElementwiseCache> {
  if (options === null || typeof options !== 'object')
    throw new SpecError('E_INPUT', 'activation layer: options must be an object');
  return elementwiseLayer(activationOption(options.activation, 'activation layer'), 'activation');
}

/** The element-wise layer of φ under the layer kind `kind` (`activation` for MLPs, `act` in the JSON format). */
export function elementwiseLayer(act: Activation, kind: string): Layer<ElementwiseCache> {
  const where = `${kind} (${act.name})`;
  /** gx = φ′(x) ⊙ gy. */
  const backpropagate = (x: Activations, gy: Activations, backend: Backend): Activations => {
    assertActivations(gy, where, 'the output gradient', { ...shapeOf(x), samples: x.samples });
    const g = backend.hadamard(backend.map(asMatrix(x), act, 'derivative'), asMatrix(gy));
    return activations(float64(g), x.samples, shapeOf(x));
  };
  return {
    kind,
    outShape(inShape) {
      assertShapeArg(inShape, where);
      return { spatial: [...inShape.spatial], channels: inShape.channels };
    },
    init(inShape) {
      assertShapeArg(inShape, where);
      return { params: {}, outShape: { spatial: [...inShape.spatial], channels: inShape.channels } };
    },
    apply(_params, x, { backend }) {
      assertActivations(x, where, 'the input');
      const y = backend.map(asMatrix(x), act, 'value');
      return { y: activations(float64(y), x.samples, shapeOf(x)), cache: { x } };
    },
    vjp(_params, cache, gy, { backend }) {
      return { gx: backpropagate(cache.x, gy, backend), gparams: {} };
    },
    // No parameters, so no terms: only the backward step (the lean and matrix-free NTK routes pass through it).
    ntkTerms(_params, cache, gy, { backend }) {
      return { terms: [], gradInput: () => backpropagate(cache.x, gy, backend) };
    },
    ntk: () => null,
    kernelMap: () => activationKernelMap(act),
  };
}

/** The activations as a (samples·positions) × channels matrix over the same data. */
function asMatrix(x: Activations): Matrix {
  return { rows: x.samples * spatialSize(x.spatial), cols: x.channels, data: x.data };
}
