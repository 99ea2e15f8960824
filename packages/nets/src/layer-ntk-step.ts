import {
  SpecError,
  ntkTermsContribution,
  type Activations,
  type Layer,
  type LayerContext,
  type LayerParams,
  type Matrix,
} from '@spec/core';
import { float64 } from './spatial/sample-gram.js';

/** One layer's step of the backward pass that builds the empirical NTK. */
export interface LayerNtkStep {
  /** The layer's n × n share, or null when it has no parameters. */
  readonly contribution: Float64Array | null;
  /** ∂f/∂(the layer's input), computed when called. */
  readonly gradInput: () => Activations;
}

/** Where the step is taken: the layer's input (whose Gram the caller may hold) and its place in the network. */
export interface LayerNtkStepInput {
  readonly index: number;
  readonly input: Activations;
  /** The Gram of `input` over samples (the caller may share it with the CK). */
  readonly inputGram: () => Matrix;
}

/**
 * The layer's NTK share and backward step (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes,
 * apps/docs/theory/architectures.md#finite-layers): from its `ntkTerms` when it has them (one pass over its signal: a
 * dense layer forms S once for both; a term whose left factor is the layer's input uses the Gram the caller holds),
 * else from `ntk` and `vjp`. The share is checked to be n × n.
 *
 * @throws SpecError `E_SHAPE` for a share that is not n × n
 */
export function layerNtkStep(
  layer: Layer,
  params: LayerParams,
  cache: unknown,
  gy: Activations,
  ctx: LayerContext,
  { index, input, inputGram }: LayerNtkStepInput,
): LayerNtkStep {
  let step: LayerNtkStep;
  if (layer.ntkTerms !== undefined) {
    const { terms, gradInput } = layer.ntkTerms(params, cache, gy, ctx);
    const K = ntkTermsContribution(terms, ctx.backend, {
      gramOf: (left) => (left.data === input.data && left.rows === input.samples ? inputGram() : undefined),
    });
    step = { contribution: K === null ? null : float64(K), gradInput };
  } else {
    step = {
      contribution: layer.ntk(params, cache, gy, ctx),
      gradInput: () => layer.vjp(params, cache, gy, ctx, { params: false }).gx,
    };
  }
  const c = step.contribution;
  const n = gy.samples;
  if (c !== null && c.length !== n * n) {
    throw new SpecError(
      'E_SHAPE',
      `layer ${index + 1} (${layer.kind}) returned an NTK share of ${c.length} entries, expected ${n} × ${n}`,
    );
  }
  return step;
}
