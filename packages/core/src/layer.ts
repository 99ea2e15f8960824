import type { Backend } from './backend.js';
import type { Matrix } from './matrix.js';
import type { Rng } from './rng.js';

/**
 * Infinite-width kernel state for a pair of inputs (x, y), passed from layer to layer like neural-tangents' `Kernel`
 * record (apps/docs/theory/infinite-width.md#mlp-recursions): NNGP covariances and NTK values.
 */
export interface KernelRecord {
  /** Σ(x, y). */
  readonly nngp: number;
  /** Σ(x, x). */
  readonly nngpXX: number;
  /** Σ(y, y). */
  readonly nngpYY: number;
  /** Θ(x, y). */
  readonly ntk: number;
  /** Θ(x, x). */
  readonly ntkXX: number;
  /** Θ(y, y). */
  readonly ntkYY: number;
}

/** Trainable parameters of one layer, by name (e.g. `{ W, b }`). */
export type LayerParams = Record<string, Matrix>;

/** What a layer's forward pass keeps for its backward pass. */
export type LayerCache = Record<string, Matrix>;

/** Shared settings passed to every layer call. */
export interface LayerContext {
  readonly backend: Backend;
}

/**
 * A layer plugin: one object holding the finite network (init, apply, vjp), its empirical-NTK
 * contribution and its infinite-width kernel map, so finite and infinite width cannot drift apart
 * (the `stax` idea). Activations are columns: inputs are d_in × n, outputs d_out × n.
 */
export interface Layer {
  /** Registry name of the layer kind, e.g. `"dense"`. */
  readonly kind: string;
  /** Output dimension for a given input dimension. */
  outputDim(inputDim: number): number;
  /** Draws the parameters. */
  init(inputDim: number, rng: Rng): LayerParams;
  /** Forward pass on a batch of columns. */
  apply(params: LayerParams, input: Matrix, ctx: LayerContext): { output: Matrix; cache: LayerCache };
  /**
   * Backward pass of a scalar output f, per sample: given G = ∂f/∂output (d_out × n, column α for
   * sample α), returns ∂f/∂input (d_in × n) and the per-sample parameter gradients summed over samples.
   * With `extras.wantParams === false` the caller needs only `gradInput` and a layer may return
   * `gradParams: {}` (the empirical NTK skips the O(n·d²) weight gradients this way).
   */
  vjp(
    params: LayerParams,
    cache: LayerCache,
    gradOutput: Matrix,
    ctx: LayerContext,
    extras?: { readonly wantParams?: boolean },
  ): { gradInput: Matrix; gradParams: LayerParams };
  /**
   * This layer's parameters' contribution to the empirical NTK, Σ_θ ∂f(x_α)/∂θ ∂f(x_β)/∂θ (n × n), or null when the
   * layer has no parameters (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes: for dense weights,
   * the Gram of the inputs ⊙ the Gram of the back-propagated signals). `extras.inputGram`, when given, returns the Gram
   * XᵀX of this layer's input (the caller may already hold it as a per-layer CK), so a layer that needs it does not
   * recompute it.
   */
  ntkContribution(
    params: LayerParams,
    cache: LayerCache,
    gradOutput: Matrix,
    ctx: LayerContext,
    extras?: { readonly inputGram?: () => Matrix },
  ): Matrix | null;
  /**
   * Infinite-width kernel map (NNGP, NTK) of this layer (apps/docs/theory/infinite-width.md#mlp-recursions,
   * #residual-mlp): maps the record of the layer's input to the record of its output. `info.inputDim` is the input
   * width, needed only by width-dependent maps (standard parametrisation, apps/docs/theory/dispersion.md#setting);
   * layers that do not need it ignore it.
   */
  kernelMap(kernel: KernelRecord, info?: { readonly inputDim: number }): KernelRecord;
}

/** Creates layers of one kind from options (what `--plugin` modules register). */
export interface LayerFactory<Options extends object = object> {
  readonly name: string;
  readonly description?: string;
  create(options: Options): Layer;
}
