import {
  SpecError,
  ntkTermsContribution,
  type Layer,
  type LayerCache,
  type LayerContext,
  type LayerParams,
  type Matrix,
} from '@spec/core';

/** One layer's step of the backward pass that builds the empirical NTK. */
export interface LayerNtkStep {
  /** The layer's n × n share, or null when it has no parameters. */
  readonly contribution: Matrix | null;
  /** ∂f/∂(the layer's input), computed when called. */
  readonly gradInput: () => Matrix;
}

/** Where the step is taken: the layer's input (whose Gram the caller may hold) and its place in the network. */
export interface LayerNtkStepInput {
  readonly index: number;
  readonly input: Matrix;
  /** The Gram of `input` (the caller may share it with the CK). */
  readonly inputGram: () => Matrix;
}

/**
 * The layer's NTK share and backward step (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes): from
 * its `ntkTerms` when it has them (one pass over its signal: a dense layer forms S once for both), else from
 * `ntkContribution` and `vjp`. The share is checked to be n × n.
 *
 * @throws SpecError `E_SHAPE` for a share that is not n × n
 */
export function layerNtkStep(
  layer: Layer,
  params: LayerParams,
  cache: LayerCache,
  G: Matrix,
  ctx: LayerContext,
  { index, input, inputGram }: LayerNtkStepInput,
): LayerNtkStep {
  let step: LayerNtkStep;
  if (layer.ntkTerms !== undefined) {
    const { terms, gradInput } = layer.ntkTerms(params, cache, G, ctx);
    const contribution = ntkTermsContribution(terms, ctx.backend, {
      gramOf: (left) => (left === input ? inputGram() : undefined),
    });
    step = { contribution, gradInput };
  } else {
    step = {
      contribution: layer.ntkContribution(params, cache, G, ctx, { inputGram }),
      gradInput: () => layer.vjp(params, cache, G, ctx, { wantParams: false }).gradInput,
    };
  }
  const c = step.contribution;
  const n = G.cols;
  if (c !== null && (c.rows !== n || c.cols !== n)) {
    throw new SpecError(
      'E_SHAPE',
      `layer ${index + 1} (${layer.kind}) returned an NTK contribution of ${c.rows} × ${c.cols}, expected ${n} × ${n}`,
    );
  }
  return step;
}
