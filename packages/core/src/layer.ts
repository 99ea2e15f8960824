import type { Backend } from './backend.js';
import type { Matrix } from './matrix.js';
import type { Rng } from './rng.js';
import type { SpatialKernelMap } from './spatial-kernel.js';

/** Trainable parameters of one layer, by name (e.g. `{ W, b }`). */
export type LayerParams = Record<string, Matrix>;

/** What a layer's forward pass keeps for its backward pass. */
export type LayerCache = Record<string, Matrix>;

/** Shared settings passed to every layer call. */
export interface LayerContext {
  readonly backend: Backend;
}

/** Options of {@link Layer.apply}. */
export interface ApplyExtras {
  /**
   * The cache will be passed to {@link Layer.ntkTerms} exactly once and to nothing else (not to `vjp`, not to
   * `ntkContribution`), so the layer may keep in it only what that call needs, in the cheapest form, and overwrite it
   * there. The built-in dense layer keeps σ′(H) written over its pre-activation H (σ and σ′ from one
   * `backend.mapBoth` pass when the backend has it) and forms its signal S = c_out σ′(H) ⊙ G in place over it, so the
   * memory-lean NTK holds one d_ℓ × n array per layer instead of two. Default false.
   */
  readonly ntkTermsOnly?: boolean;
}

/**
 * One factored share of the empirical NTK, `(a2 · leftᵀleft + b2) ⊙ (rightᵀright)` (n × n; columns are samples), i.e.
 * `a2 · (leftᵀleft) ⊙ (rightᵀright) + b2 · rightᵀright` (apps/docs/theory/fan-wang.md#network-and-kernels,
 * #simulation-notes). A dense layer's weights and bias give one term: `left` its input X, `right` its signal
 * S = ∂f/∂(pre-activation), `a2 = α_W²`, `b2 = α_b²` (0 without bias). `left: null` stands for a factor with no rows,
 * whose Gram is 0: the share is then `b2 · rightᵀright` (e.g. per-unit parameters whose per-sample gradients are the
 * columns of `right`).
 */
export interface NtkTerm {
  /** e × n, or null for a zero Gram. */
  readonly left: Matrix | null;
  /** f × n. */
  readonly right: Matrix;
  /** Weight of the Hadamard product of the two Grams. */
  readonly a2: number;
  /** Weight of `rightᵀright` alone. */
  readonly b2: number;
}

/** What {@link Layer.ntkTerms} returns: one layer's step of the backward pass that builds the empirical NTK. */
export interface NtkTermsStep {
  /** The layer's NTK share as a sum of terms; empty for a parameter-free layer. */
  readonly terms: ReadonlyArray<NtkTerm>;
  /**
   * ∂f/∂input (d_in × n), the same matrix as `vjp(…).gradInput`, computed when called, at most once, and not at all
   * for the first layer. Callers drop `gradOutput` before calling it, so a layer that needs only its own signal
   * (dense: `α_W Wᵀ S`) does not keep two back-propagated arrays alive at once.
   */
  readonly gradInput: () => Matrix;
}

/**
 * A layer plugin: one object holding the finite network (init, apply, vjp), its empirical-NTK
 * contribution (as one n × n matrix, and optionally as factored terms with the backward step: `ntkTerms`) and its
 * infinite-width kernel map, so finite and infinite width cannot drift apart (the `stax` idea). Activations are
 * columns: inputs are d_in × n, outputs d_out × n.
 */
export interface Layer {
  /** Registry name of the layer kind, e.g. `"dense"`. */
  readonly kind: string;
  /** Output dimension for a given input dimension. */
  outputDim(inputDim: number): number;
  /** Draws the parameters. */
  init(inputDim: number, rng: Rng): LayerParams;
  /**
   * Forward pass on a batch of columns. With `extras.ntkTermsOnly` the cache will go to {@link Layer.ntkTerms} once
   * and to nothing else (see {@link ApplyExtras}); a layer without `ntkTerms` ignores the flag.
   */
  apply(
    params: LayerParams,
    input: Matrix,
    ctx: LayerContext,
    extras?: ApplyExtras,
  ): { output: Matrix; cache: LayerCache };
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
   * Optional: this layer's NTK share in factored form together with its backward step, for the routes that never hold
   * a layer's n × n share on its own (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes): the share is
   * the sum of the {@link NtkTerm}s, and `gradInput()` is `vjp(…).gradInput`. When every layer of a network has it,
   * `leanNtk` (one accumulated n × n buffer, each weight, signal and activation released as soon as used),
   * `leanNtkFactors` and the matrix-free (tiled, SLQ) operators apply; `empiricalKernels` uses it in place of
   * `ntkContribution` + `vjp` for any layer that has it. `ntkContribution` must give the same matrix: derive it from
   * these terms with `ntkTermsContribution` so the mathematics lives in one place.
   *
   * The cache is one from `apply`, made with or without `ntkTermsOnly`; a cache made with it may be consumed (written
   * over) by this call. Callers read the returned matrices and never write them.
   */
  ntkTerms?(params: LayerParams, cache: LayerCache, gradOutput: Matrix, ctx: LayerContext): NtkTermsStep;
  /**
   * Optional: the layer's infinite-width kernel map on the batched kernel record (apps/docs/theory/architectures.md#kernel-record;
   * an MLP's records have no positions), for inputs of width `inputDim` — the same {@link SpatialKernelMap} as a
   * spatial layer's and a plugin's registered maps, so every kernel route (one record for all pairs, pair by pair on
   * threads) takes the layer. `inputDim` is read by width-dependent maps only (the standard parametrisation,
   * apps/docs/theory/dispersion.md#setting). Unset on a layer without an infinite-width limit.
   */
  kernelMap?(inputDim: number): SpatialKernelMap;
}

/** Creates layers of one kind from options (what `--plugin` modules register). */
export interface LayerFactory<Options extends object = object> {
  readonly name: string;
  readonly description?: string;
  create(options: Options): Layer;
}
