/**
 * The JSON architecture format (apps/docs/theory/architectures.md#json-format), as TypeScript types: a network is a
 * list of layer entries `{ "layer": KIND, ...parameters }`, parameter names as in neural-tangents' `stax`, NTK
 * parametrisation throughout (every weight W_std·ω/√fan_in with ω ~ N(0, 1), biases b_std·β). This format is a
 * contract relied on outside this repository: kinds and parameter names must not be renamed. Plugin layers appear
 * by their registered kind with their own parameters.
 */

/** Padding of convolutions and pooling (JAX/TF conventions). */
export type Padding = 'VALID' | 'SAME' | 'CIRCULAR';

/** `dense {W_std = 1, b_std = 0}`: per position, a 1 × 1 convolution on a spatial record. */
export interface DenseSpec {
  readonly layer: 'dense';
  readonly W_std?: number;
  readonly b_std?: number;
  /** Finite networks only: output channels (default: the network's width; the readout has 1). */
  readonly width?: number;
}

/** `conv {filter, strides = 1, padding = VALID, W_std = 1, b_std = 0}`, n-D with shared weights. */
export interface ConvSpec {
  readonly layer: 'conv';
  /** Filter size per spatial axis, e.g. [3, 3]. */
  readonly filter: ReadonlyArray<number>;
  readonly strides?: ReadonlyArray<number>;
  readonly padding?: Padding;
  readonly W_std?: number;
  readonly b_std?: number;
  /** Finite networks only: output channels (default: the network's width). */
  readonly width?: number;
}

/** Element-wise activations by name (`relu`, `erf`, `tanh`, `gelu`, `identity`, any registered activation). */
export interface ActivationSpec {
  readonly layer: 'act';
  readonly fn: string;
}

/** Shorthand activation entries: `{ "layer": "relu" }` etc. (any registered activation name). */
export interface NamedActivationSpec {
  readonly layer: 'relu' | 'erf' | 'tanh' | 'gelu' | 'identity' | (string & {});
}

/** `avg_pool {window, strides = 1, padding = VALID, normalize_edges = false}` (sum_pool without the 1/|w|). */
export interface AvgPoolSpec {
  readonly layer: 'avg_pool' | 'sum_pool';
  readonly window: ReadonlyArray<number>;
  readonly strides?: ReadonlyArray<number>;
  readonly padding?: Padding;
  readonly normalize_edges?: boolean;
}

/** `global_avg_pool`, `flatten`, `last` (the last position of a sequence): end the spatial part. */
export interface ReadoutSpatialSpec {
  readonly layer: 'global_avg_pool' | 'flatten' | 'last';
}

/** `layernorm {eps = 0}` over channels, no trainable gain or bias. */
export interface LayerNormSpec {
  readonly layer: 'layernorm';
  readonly eps?: number;
}

/** `attention {mode = tied, mechanism = softmax, QK_std = 1, OV_std = 1, b_std = 0}`; finite width also n_heads / d_head. */
export interface AttentionSpec {
  readonly layer: 'attention';
  readonly mode?: 'tied' | 'untied' | 'sqrt';
  readonly mechanism?: 'softmax' | 'identity';
  readonly QK_std?: number;
  readonly OV_std?: number;
  readonly b_std?: number;
  /** Finite networks, modes tied/untied: number of heads (default 1). */
  readonly n_heads?: number;
  /** Finite networks, mode sqrt: key dimension per head (heads = width / d_head). */
  readonly d_head?: number;
}

/** `rnn {act, W_std = 1, U_std = 1, b_std = 0}`: an Elman RNN over the position (time) axis. */
export interface RnnSpec {
  readonly layer: 'rnn';
  readonly act: string;
  readonly W_std?: number;
  readonly U_std?: number;
  readonly b_std?: number;
  /** Finite networks only: state size (default: the network's width). */
  readonly width?: number;
}

/** `residual {branch, alpha = 1}`: x + alpha·branch(x). */
export interface ResidualSpec {
  readonly layer: 'residual';
  readonly branch: ArchitectureSpec;
  readonly alpha?: number;
}

/** `sum {branches, weights = 1 each}`: Σ_i weights_i · branch_i(x). */
export interface SumSpec {
  readonly layer: 'sum';
  readonly branches: ReadonlyArray<ArchitectureSpec>;
  readonly weights?: ReadonlyArray<number>;
}

/** A plugin layer: its registered kind and its own parameters. */
export interface PluginLayerSpec {
  readonly layer: string;
  readonly [parameter: string]: unknown;
}

/** One entry of an architecture. */
export type LayerSpec =
  | DenseSpec
  | ConvSpec
  | ActivationSpec
  | NamedActivationSpec
  | AvgPoolSpec
  | ReadoutSpatialSpec
  | LayerNormSpec
  | AttentionSpec
  | RnnSpec
  | ResidualSpec
  | SumSpec
  | PluginLayerSpec;

/** A network: its layers, input to output; the last is a one-output dense layer on a non-spatial record. */
export type ArchitectureSpec = ReadonlyArray<LayerSpec>;
