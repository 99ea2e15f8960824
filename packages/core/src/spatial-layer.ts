import type { LayerContext } from './layer.js';
import type { Rng } from './rng.js';
import type { SpatialKernelMap } from './spatial-kernel.js';

/**
 * A batch of activations with positions and channels (apps/docs/theory/architectures.md#conventions): sample a,
 * flat position p (row-major over `spatial`, L = product of `spatial`, 1 when it is empty) and channel c sit at
 * `data[(a·L + p)·channels + c]`, i.e. the row-major array of shape (samples, ...spatial, channels). An MLP's
 * activations are the case `spatial = []`.
 */
export interface SpatialActivations {
  readonly data: Float64Array;
  /** Number of samples n. */
  readonly samples: number;
  /** Spatial shape ([H, W] for images, [T] for sequences, [] for none). */
  readonly spatial: ReadonlyArray<number>;
  /** Number of channels C (the axis whose size goes to infinity in the kernel limits). */
  readonly channels: number;
}

/** The shape of one sample's activations: spatial shape and channels (what a layer's `init` needs to size weights). */
export interface SpatialShape {
  readonly spatial: ReadonlyArray<number>;
  readonly channels: number;
}

/**
 * A layer's trainable parameters, each a flat Float64Array of raw N(0, 1) draws ω, β (NTK parametrisation,
 * apps/docs/theory/architectures.md#conventions: the scalings W_std/√fan-in and b_std live in the layer, not in the
 * numbers). Flat and keyed by name so that gradients, finite differences and optimisers treat every layer alike;
 * combinators prefix their children's keys with the child's index (`"0/W"`, `"1/b"`).
 */
export type SpatialParams = Readonly<Record<string, Float64Array>>;

/** What {@link SpatialLayer.init} returns. */
export interface SpatialInit {
  readonly params: SpatialParams;
  /** The per-sample shape of the layer's output for the given input shape. */
  readonly outShape: SpatialShape;
}

/**
 * A finite-width layer on {@link SpatialActivations}: one object holding the forward pass, its vector–Jacobian
 * product and its parameters' share of the empirical NTK, with a slot for the layer's infinite-width kernel map — the
 * `stax` idea (a layer is init/apply/kernel in one object), so finite and infinite width describe the same network
 * (apps/docs/theory/architectures.md#finite-layers).
 *
 * Layers are pure: no member keeps state between calls. Everything the backward pass needs travels in the `Cache`
 * that `apply` returns; every sample's output depends only on that sample's input (no layer couples samples), so the
 * per-sample gradients that the NTK needs follow from batched calls. `Cache` is the layer's own type; callers treat it
 * as opaque and pass it back unchanged. Every call gets the {@link LayerContext} with the compute backend, as the MLP
 * layers do, so that a layer's matrix products (dense and conv over samples × positions) run on the backend the user
 * picked; a layer without products ignores it.
 */
export interface SpatialLayer<Cache = unknown> {
  /** The layer kind as in the JSON format (apps/docs/theory/architectures.md#json-format), e.g. `"conv"`; errors name it. */
  readonly kind: string;
  /**
   * Draws the parameters for inputs of shape `inShape` and says what shape comes out. The output shape is returned here
   * (not computed separately) so that one routine validates the input shape, sizes the weights and derives the output.
   *
   * @throws SpecError `E_SHAPE` when the layer cannot take inputs of this shape (e.g. a VALID filter larger than the
   *   input, an RNN on a record with two spatial axes)
   */
  init(inShape: SpatialShape, rng: Rng): SpatialInit;
  /**
   * The forward pass on a batch. Returns the output and the cache that {@link vjp} and {@link ntk} need (the input,
   * pre-activations, attention weights, …).
   *
   * @throws SpecError `E_SHAPE` when `x` or a parameter has the wrong size for this layer
   */
  apply(
    params: SpatialParams,
    x: SpatialActivations,
    ctx: LayerContext,
  ): { readonly y: SpatialActivations; readonly cache: Cache };
  /**
   * The backward pass of a scalar-per-sample output f: given `gy[a, ·] = ∂f(x_a)/∂y_a`, returns `gx[a, ·] =
   * ∂f(x_a)/∂x_a` and the parameter gradients summed over samples, `gparams[k] = Σ_a ∂f(x_a)/∂θ_k` (keys as in
   * `params`; for one sample this is ∇_θ f). With `options.params === false` the caller needs only `gx` (the NTK's
   * backward sweep) and the layer may return `gparams: {}`, skipping the weight-gradient work.
   */
  vjp(
    params: SpatialParams,
    cache: Cache,
    gy: SpatialActivations,
    ctx: LayerContext,
    options?: { readonly params?: boolean },
  ): { readonly gx: SpatialActivations; readonly gparams: SpatialParams };
  /**
   * This layer's parameters' share of the empirical NTK, the n × n matrix `Σ_{θ ∈ layer} ∂f(x_a)/∂θ · ∂f(x_b)/∂θ`
   * (row-major), given the back-propagated signal `gy[a, ·] = ∂f(x_a)/∂y_a` of a scalar-output network; null when the
   * layer has no parameters. Summed over the layers of a network it is the empirical NTK Θ = J Jᵀ
   * (apps/docs/theory/architectures.md#finite-layers). A weight used at several positions collects its uses before the
   * product: for a dense layer shared over positions, `Θ_W[a, b] = α² Σ_{p,q} ⟨x_a(p), x_b(q)⟩⟨g_a(p), g_b(q)⟩`
   * (the MLP's Gram of inputs ⊙ Gram of signals when there is one position). Composite layers return the sum over
   * everything inside them.
   */
  ntk(params: SpatialParams, cache: Cache, gy: SpatialActivations, ctx: LayerContext): Float64Array | null;
  /**
   * The layer's infinite-width kernel map on the batched record (apps/docs/theory/architectures.md#kernel-record), when
   * one is attached; unset on layers that have none yet.
   */
  readonly kernelMap?: SpatialKernelMap;
}

/** What a {@link SpatialLayerFactory} gets besides the JSON entry. */
export interface SpatialLayerContext {
  /**
   * The network's width: the channel count of a hidden layer whose entry sets none (an entry's own `width` parameter,
   * when the kind has one, takes precedence; the factory reads it from the entry).
   */
  readonly width: number;
}

/**
 * Creates the finite-width layer of one layer kind of the JSON architecture format
 * (apps/docs/theory/architectures.md#json-format) from the entry's parameters: what a plugin registers so that
 * `{ "layer": name, ... }` can be sampled at finite width (`spatialNetworkFromSpec` of `@spec/nets`), as
 * {@link SpatialKernelMapFactory} gives it an infinite-width map.
 */
export interface SpatialLayerFactory {
  /** The layer kind as written in the JSON format. */
  readonly name: string;
  readonly description?: string;
  /**
   * The layer for one entry (the whole JSON object, `layer` included).
   *
   * @throws SpecError `E_INPUT` for a missing or invalid parameter
   */
  create(entry: Readonly<Record<string, unknown>>, context: SpatialLayerContext): SpatialLayer;
}
