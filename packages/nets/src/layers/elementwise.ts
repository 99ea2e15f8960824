import {
  SpecError,
  assertShape,
  type Activation,
  type Backend,
  type Layer,
  type LayerFactory,
  type Matrix,
} from '@spec/core';
import { activationKernelMap } from '../kernel-maps/activation.js';
import { activationOption } from '../activations/resolve.js';

/** Options of {@link activationLayer}. */
export interface ActivationLayerOptions {
  /** φ (an object, or a registry name, used raw). */
  readonly activation: Activation | string;
}

/**
 * A parameter-free element-wise layer `out = φ(in)` (e.g. before the readout of a residual network,
 * apps/docs/theory/infinite-width.md#residual-mlp). Backward `φ′(in) ⊙ G`; no NTK contribution (`ntkTerms` has no
 * terms, only the backward step). Kernel map
 * (apps/docs/theory/infinite-width.md#mlp-recursions): `Σ′ = E φ(u)φ(v)`, `Θ′ = Θ · E φ′(u)φ′(v)`, (u, v) ~ N(0, Σ).
 */
export function activationLayer(options: ActivationLayerOptions): Layer {
  if (options === null || typeof options !== 'object')
    throw new SpecError('E_INPUT', 'activation layer: options must be an object');
  const act = activationOption(options.activation, 'activation layer');
  const inputOf = (cache: Record<string, Matrix>): Matrix => {
    const X = cache.input;
    if (X === undefined) throw new SpecError('E_INPUT', 'activation layer: the forward cache lacks "input"');
    return X;
  };
  /** ∂f/∂in = φ′(in) ⊙ G. */
  const backpropagate = (X: Matrix, G: Matrix, backend: Backend): Matrix => {
    assertShape(G, X.rows, X.cols, 'activation layer: gradient of the output');
    return backend.hadamard(backend.map(X, act, 'derivative'), G);
  };
  return {
    kind: 'activation',
    outputDim: (d) => d,
    init: () => ({}),
    apply(_params, input, { backend }) {
      return { output: backend.map(input, act, 'value'), cache: { input } };
    },
    vjp(_params, cache, gradOutput, { backend }) {
      return { gradInput: backpropagate(inputOf(cache), gradOutput, backend), gradParams: {} };
    },
    // No parameters, so no terms: only the backward step (the lean and matrix-free NTK routes pass through it).
    ntkTerms(_params, cache, gradOutput, { backend }) {
      const X = inputOf(cache);
      return { terms: [], gradInput: () => backpropagate(X, gradOutput, backend) };
    },
    ntkContribution: () => null,
    kernelMap: () => activationKernelMap(act),
  };
}

/** The {@link activationLayer} as a registry plugin entry. */
export const activationLayerFactory: LayerFactory<ActivationLayerOptions> = {
  name: 'activation',
  description: 'element-wise activation φ(x), no parameters',
  create: activationLayer,
};
