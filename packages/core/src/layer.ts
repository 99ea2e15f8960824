import type { Backend } from './backend.js';
import type { Matrix } from './matrix.js';
import type { Rng } from './rng.js';
import type { SpatialKernelMap } from './spatial-kernel.js';

/**
 * A batch of activations with positions and channels (apps/docs/theory/architectures.md#conventions): sample a,
 * flat position p (row-major over `spatial`, L = product of `spatial`, 1 when it is empty) and channel c sit at
 * `data[(a·L + p)·channels + c]`, i.e. the row-major array of shape (samples, ...spatial, channels). An MLP's
 * activations are the case `spatial = []`: one row of `channels` features per sample.
 */
export interface Activations {
  readonly data: Float64Array;
  /** Number of samples n. */
  readonly samples: number;
  /** Spatial shape ([H, W] for images, [T] for sequences, [] for none). */
  readonly spatial: ReadonlyArray<number>;
  /** Number of channels C (the axis whose size goes to infinity in the kernel limits; an MLP layer's width). */
  readonly channels: number;
}

/** The shape of one sample's activations: spatial shape and channels (what a layer's `init` needs to size weights). */
export interface Shape {
  readonly spatial: ReadonlyArray<number>;
  readonly channels: number;
}

/**
 * A layer's trainable parameters, each a flat Float64Array keyed by name (a dense weight `W` is C_out × C_in,
 * row-major). Flat and keyed by name so that gradients, finite differences and optimisers treat every layer alike;
 * combinators prefix their children's keys with the child's index (`"0/W"`, `"1/b"`).
 */
export type LayerParams = Readonly<Record<string, Float64Array>>;

/** What {@link Layer.init} returns. */
export interface LayerInit {
  readonly params: LayerParams;
  /** The per-sample shape of the layer's output for the given input shape. */
  readonly outShape: Shape;
}

/** Shared settings passed to every layer call. */
export interface LayerContext {
  readonly backend: Backend;
}

/** Options of {@link Layer.apply}. */
export interface ApplyExtras {
  /**
   * The cache will be passed to {@link Layer.ntkTerms} exactly once and to nothing else (not to `vjp`, not to `ntk`),
   * so the layer may keep in it only what that call needs, in the cheapest form, and overwrite it there. The built-in
   * dense layer keeps σ′(H) written over its pre-activation H (σ and σ′ from one `backend.mapBoth` pass when the
   * backend has it) and forms its signal S = c_out σ′(H) ⊙ G in place over it, so the memory-lean NTK holds one
   * n × d_ℓ array per layer instead of two. A layer without `ntkTerms` ignores it. Default false.
   */
  readonly ntkTermsOnly?: boolean;
}

/**
 * One factored share of the empirical NTK, `(a2 · left leftᵀ + b2) ⊙ (right rightᵀ)` (n × n), i.e.
 * `a2 · (left leftᵀ) ⊙ (right rightᵀ) + b2 · right rightᵀ`, with one row per sample in both factors
 * (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes). A dense layer's weights and bias give one
 * term: `left` its input X (n × d_in), `right` its signal S = ∂f/∂(pre-activation) (n × d_out), `a2 = α_W²`,
 * `b2 = α_b²` (0 without bias). `left: null` stands for a factor with no columns, whose Gram is 0: the share is then
 * `b2 · right rightᵀ` (e.g. the rows of `right` are per-sample parameter gradients).
 */
export interface NtkTerm {
  /** n × e, or null for a zero Gram. */
  readonly left: Matrix | null;
  /** n × f. */
  readonly right: Matrix;
  /** Weight of the Hadamard product of the two Grams. */
  readonly a2: number;
  /** Weight of `right rightᵀ` alone. */
  readonly b2: number;
}

/** What {@link Layer.ntkTerms} returns: one layer's step of the backward pass that builds the empirical NTK. */
export interface NtkTermsStep {
  /** The layer's NTK share as a sum of terms; empty for a parameter-free layer. */
  readonly terms: ReadonlyArray<NtkTerm>;
  /**
   * ∂f/∂input, the same activations as `vjp(…).gx`, computed when called, at most once, and not at all for the first
   * layer. Callers drop `gy` before calling it, so a layer that needs only its own signal (dense: `α_W S W`) does not
   * keep two back-propagated arrays alive at once.
   */
  readonly gradInput: () => Activations;
}

/**
 * The one layer contract of spec (apps/docs/theory/architectures.md#finite-layers): one object holding the finite
 * network — forward pass, vector–Jacobian product, its parameters' share of the empirical NTK (as an n × n matrix and,
 * optionally, in factored form) — and its infinite-width kernel map, so finite and infinite width describe the same
 * network (the `stax` idea). MLP layers, convolutions, pooling, attention, RNNs, combinators and plugin layers all
 * implement it; every kernel route (stored, memory-lean, matrix-free, SLQ, infinite width) takes any of them.
 *
 * Layers are pure: no member keeps state between calls. Everything the backward pass needs travels in the `Cache`
 * that `apply` returns; every sample's output depends only on that sample's input (no layer couples samples), so the
 * per-sample gradients that the NTK needs follow from batched calls. `Cache` is the layer's own type; callers treat it
 * as opaque and pass it back unchanged. Every call gets the {@link LayerContext} with the compute backend, so a
 * layer's matrix products run on the backend the user picked.
 */
export interface Layer<Cache = unknown> {
  /** The layer kind as in the JSON format (apps/docs/theory/architectures.md#json-format), e.g. `"conv"`; errors name it. */
  readonly kind: string;
  /**
   * Draws the parameters for inputs of shape `inShape` and says what shape comes out. The output shape is returned here
   * (not computed separately) so that one routine validates the input shape, sizes the weights and derives the output.
   *
   * @throws SpecError `E_SHAPE` when the layer cannot take inputs of this shape (e.g. a VALID filter larger than the
   *   input, an RNN on a record with two spatial axes)
   */
  init(inShape: Shape, rng: Rng): LayerInit;
  /**
   * Optional: the output shape for inputs of shape `inShape` without drawing parameters — the `outShape` that `init`
   * returns — so a network can be checked and its memory planned before any weight exists (an MLP of width 4000 would
   * otherwise draw its weights once more just to learn its shapes). A network builder inits a layer without it once,
   * with a throwaway generator.
   */
  outShape?(inShape: Shape): Shape;
  /**
   * The forward pass on a batch. Returns the output and the cache that {@link vjp}, {@link ntk} and {@link ntkTerms}
   * need (the input, pre-activations, attention weights, …). With `extras.ntkTermsOnly` the cache will go to
   * {@link ntkTerms} once and to nothing else (see {@link ApplyExtras}).
   *
   * @throws SpecError `E_SHAPE` when `x` or a parameter has the wrong size for this layer
   */
  apply(
    params: LayerParams,
    x: Activations,
    ctx: LayerContext,
    extras?: ApplyExtras,
  ): { readonly y: Activations; readonly cache: Cache };
  /**
   * The backward pass of a scalar-per-sample output f: given `gy[a, ·] = ∂f(x_a)/∂y_a`, returns `gx[a, ·] =
   * ∂f(x_a)/∂x_a` and the parameter gradients summed over samples, `gparams[k] = Σ_a ∂f(x_a)/∂θ_k` (keys as in
   * `params`; for one sample this is ∇_θ f). With `options.params === false` the caller needs only `gx` (the NTK's
   * backward sweep) and the layer may return `gparams: {}`, skipping the weight-gradient work.
   */
  vjp(
    params: LayerParams,
    cache: Cache,
    gy: Activations,
    ctx: LayerContext,
    options?: { readonly params?: boolean },
  ): { readonly gx: Activations; readonly gparams: LayerParams };
  /**
   * This layer's parameters' share of the empirical NTK, the n × n matrix `Σ_{θ ∈ layer} ∂f(x_a)/∂θ · ∂f(x_b)/∂θ`
   * (row-major), given the back-propagated signal `gy[a, ·] = ∂f(x_a)/∂y_a` of a scalar-output network; null when the
   * layer has no parameters. Summed over the layers of a network it is the empirical NTK Θ = J Jᵀ
   * (apps/docs/theory/architectures.md#finite-layers). A weight used at several positions collects its uses before the
   * product: for a dense layer shared over positions, `Θ_W[a, b] = α² Σ_{p,q} ⟨x_a(p), x_b(q)⟩⟨g_a(p), g_b(q)⟩`
   * (the MLP's Gram of inputs ⊙ Gram of signals when there is one position). A layer with {@link ntkTerms} derives it
   * from them (`ntkTermsContribution`), so the mathematics lives in one place. Composite layers return the sum over
   * everything inside them.
   */
  ntk(params: LayerParams, cache: Cache, gy: Activations, ctx: LayerContext): Float64Array | null;
  /**
   * Optional: this layer's NTK share in factored form together with its backward step, for the routes that never hold
   * a layer's n × n share on its own (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes): the share is
   * the sum of the {@link NtkTerm}s, and `gradInput()` is `vjp(…).gx`. When every layer of a network has it, the
   * memory-lean NTK (one accumulated n × n buffer, each weight, signal and activation released as soon as used), its
   * factors and the matrix-free (tiled, SLQ) operators apply; the stored route uses it too, in place of `ntk` + `vjp`.
   *
   * The cache is one from `apply`, made with or without `ntkTermsOnly`; a cache made with it may be consumed (written
   * over) by this call. Callers read the returned matrices and never write them.
   */
  ntkTerms?(params: LayerParams, cache: Cache, gy: Activations, ctx: LayerContext): NtkTermsStep;
  /**
   * Optional: the layer's infinite-width kernel map on the batched kernel record
   * (apps/docs/theory/architectures.md#kernel-record) for inputs of per-sample shape `inShape` — the same
   * {@link SpatialKernelMap} a plugin registers for its layer kind, so every kernel route (one record for all pairs,
   * pair by pair on threads) takes the layer. The shape is read by width-dependent maps only (the standard
   * parametrisation's NTK, apps/docs/theory/dispersion.md#setting). Unset on a layer without an infinite-width limit.
   */
  kernelMap?(inShape: Shape): SpatialKernelMap;
}

/** What a {@link LayerFactory} gets besides the JSON entry. */
export interface LayerFactoryContext {
  /**
   * The network's width: the channel count of a hidden layer whose entry sets none (an entry's own `width` parameter,
   * when the kind has one, takes precedence; the factory reads it from the entry).
   */
  readonly width: number;
}

/**
 * Creates the layer of one layer kind of the JSON architecture format (apps/docs/theory/architectures.md#json-format)
 * from the entry's parameters: what a plugin registers so that `{ "layer": name, ... }` can be sampled at finite
 * width, as a {@link SpatialKernelMapFactory} gives the kind an infinite-width map.
 */
export interface LayerFactory {
  /** The layer kind as written in the JSON format. */
  readonly name: string;
  readonly description?: string;
  /**
   * The layer for one entry (the whole JSON object, `layer` included).
   *
   * @throws SpecError `E_INPUT` for a missing or invalid parameter
   */
  create(entry: Readonly<Record<string, unknown>>, context: LayerFactoryContext): Layer;
}
