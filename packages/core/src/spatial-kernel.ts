/**
 * The infinite-width kernel record batched over samples and positions (apps/docs/theory/architectures.md#kernel-record):
 * what every layer's kernel map reads and writes, like neural-tangents' `Kernel`. A hidden layer's channels are
 * i.i.d. in the limit, so one record describes all of them.
 *
 * Layouts (row-major, L = product of `spatial`, 1 when `spatial` is empty):
 * - `form: 'full'`: `nngp`, `ntk` have shape (n, L, n, L), entry ((a·L + p)·n + b)·L + q = K[a, p, b, q];
 * - `form: 'diagonal'`: shape (n, n, L), entry (a·n + b)·L + p = K[a, p, b, p] (equal positions only — exact when
 *   every layer reads only equal-position pairs: dense, conv, activations, layernorm, residual sums, flatten last);
 * - `mean`: shape (n, L), entry a·L + p = the channel mean m[a, p]; `null` when it is zero (after any fresh linear
 *   layer).
 */
export interface SpatialKernel {
  /** Number of samples n the record covers. */
  readonly samples: number;
  /** Spatial shape (e.g. [8, 8] for 8 × 8 images, [T] for a sequence, [] for no positions). */
  readonly spatial: ReadonlyArray<number>;
  readonly form: 'full' | 'diagonal';
  /** K: uncentred second moment lim (1/C) Σ_c h_c(a,p) h_c(b,q) (the covariance when `gaussian`). */
  readonly nngp: Float64Array;
  /** Θ: lim ⟨∂h_c(a,p)/∂θ, ∂h_c(b,q)/∂θ⟩ over every parameter below. */
  readonly ntk: Float64Array;
  /** Channel means m[a, p], or null when zero. */
  readonly mean: Float64Array | null;
  /** The channels are i.i.d. zero-mean jointly Gaussian over (a, p) with covariance `nngp` (nt's `is_gaussian`). */
  readonly gaussian: boolean;
}

/**
 * A layer's infinite-width kernel map on {@link SpatialKernel} records.
 *
 * @throws SpecError `E_INPUT` naming the layer and the reason when the map has no closed form for this record
 *   (e.g. an activation after a non-Gaussian record, softmax attention with 1/√d scaling, max-pooling)
 */
export interface SpatialKernelMap {
  /** Maps the record of the layer's input to the record of its output. */
  map(input: SpatialKernel): SpatialKernel;
  /** True when the map reads pairs of different positions (pooling, global pooling, attention): needs `form: 'full'`. */
  readonly needsFullSpatial: boolean;
  /**
   * Optional: the spatial shape of the output for an input of spatial shape `spatial` (absent: the map keeps the
   * shape), so a network is checked before any record is allocated.
   *
   * @throws SpecError `E_INPUT` when the layer cannot take an input of that shape (e.g. a 2-D filter on sequences)
   */
  outputSpatial?(spatial: ReadonlyArray<number>): ReadonlyArray<number>;
  /**
   * Optional: the map as block maps on the full record for an input of spatial shape `spatial`
   * (apps/docs/theory/architectures.md#blockwise), or undefined for shapes where it has none. A network whose every
   * layer has them runs pair by pair of samples without any n²L² record (and on several threads). They must give, block
   * by block, what {@link map} gives on a full record. A map that reads more than block (a, b) and what it derives
   * from each of the samples a and b alone (`sampleState`) — anything coupling samples — has none. A sum of branches (a residual
   * block) is one {@link BlockFanInSum} step.
   */
  blocks?(spatial: ReadonlyArray<number>): ReadonlyArray<BlockStep> | undefined;
  /**
   * Optional: the same for the diagonal record (apps/docs/theory/architectures.md#blockwise), whose block (a, b) is the
   * vector `nngp[p] = K[a,p,b,p]`, `ntk[p] = Θ[a,p,b,p]` (length L, `inputSize` L, variances as for `blocks`); they
   * must give, block by block, what {@link map} gives on a diagonal record.
   */
  diagonalBlocks?(spatial: ReadonlyArray<number>): ReadonlyArray<BlockStep> | undefined;
}

/**
 * Block (a, b) of a full record (apps/docs/theory/architectures.md#blockwise): `nngp[p·L + q] = K[a,p,b,q]`,
 * `ntk[p·L + q] = Θ[a,p,b,q]`, L × L row-major; of a diagonal record, the L entries `nngp[p] = K[a,p,b,p]`.
 */
export interface RecordBlock {
  readonly nngp: Float64Array;
  readonly ntk: Float64Array;
}

/**
 * A layer's map on one block (a, b) of the full record, for one input spatial shape
 * (apps/docs/theory/architectures.md#blockwise): output block (a, b) is a function of input block (a, b) and of the
 * input variances `K[a,p,a,p]`, `K[b,q,b,q]` only. Dense, convolution, activations and pooling are such maps, so a chain
 * of them runs pair by pair on blocks that stay in cache, without any n²L² record.
 */
export interface BlockKernelMap {
  /** Input positions L (the product of the input spatial shape). */
  readonly inputSize: number;
  /** Output spatial shape. */
  readonly outputSpatial: ReadonlyArray<number>;
  /**
   * Whether the output is Gaussian when the input is (or is not).
   *
   * @throws SpecError `E_INPUT` when the map is not determined for such an input (an activation after raw data)
   */
  outputGaussian(inputGaussian: boolean): boolean;
  /**
   * Optional: what the map needs of one sample besides its variances — attention's attention matrix, LayerNorm's
   * inverse standard deviations and channel means —, from the sample's diagonal input block (a, a), its variances and
   * its input channel means (null: zero). Called once per sample before any block of a pair, and passed to
   * {@link mapBlock} as `stateA` / `stateB`.
   *
   * @throws SpecError `E_INPUT` when the sample has no output (e.g. a zero channel variance before LayerNorm)
   */
  sampleState?(diagonal: RecordBlock, variance: Float64Array, mean: Float64Array | null): Float64Array;
  /**
   * Writes output block (a, b) (Lo × Lo; Lo for a diagonal block) from input block (a, b) (L × L; L), the input
   * variances of samples a and b (`varianceA[p] = K[a,p,a,p]`, length L) and, for a map with {@link sampleState}, the
   * two samples' states. `output` never shares memory with `input`.
   */
  mapBlock(
    input: RecordBlock,
    output: RecordBlock,
    varianceA: Float64Array,
    varianceB: Float64Array,
    stateA?: Float64Array,
    stateB?: Float64Array,
  ): void;
  /**
   * One sample's output channel means (length Lo) from its input means (null: zero), variances and, for a map with
   * {@link sampleState}, its state; or null (zero).
   */
  mapMean(mean: Float64Array | null, variance: Float64Array, state?: Float64Array): Float64Array | null;
}

/**
 * A weighted sum of branches among block maps (FanOut → one chain per branch → FanInSum,
 * apps/docs/theory/architectures.md#residual-branches): output block (a, b) = Σ_i w_i² · (branch i's output block (a, b)),
 * channel means Σ_i w_i m_i; an empty branch is the identity. What a residual block's or a sum's map gives as blocks.
 */
export interface BlockFanInSum {
  /** Each branch's block maps in order (empty: the identity). */
  readonly branches: ReadonlyArray<ReadonlyArray<BlockStep>>;
  /** w_i, one per branch. */
  readonly weights: ReadonlyArray<number>;
  /** Input positions L. */
  readonly inputSize: number;
  /** Output spatial shape (every branch's). */
  readonly outputSpatial: ReadonlyArray<number>;
}

/** One step of a chain of block maps: a layer's block map, or a sum of branches. */
export type BlockStep = BlockKernelMap | BlockFanInSum;

/** Whether a {@link BlockStep} is a sum of branches. */
export function isBlockFanInSum(step: BlockStep): step is BlockFanInSum {
  return 'branches' in step;
}

/**
 * Creates the kernel map of one layer kind of the JSON architecture format (apps/docs/theory/architectures.md#json-format)
 * from the entry's parameters: what a plugin registers so that `{ "layer": name, ... }` has an infinite-width map.
 */
export interface SpatialKernelMapFactory {
  /** The layer kind as written in the JSON format. */
  readonly name: string;
  readonly description?: string;
  /**
   * The map for one entry (the whole JSON object, `layer` included).
   *
   * @throws SpecError `E_INPUT` for a missing or invalid parameter
   */
  create(entry: Readonly<Record<string, unknown>>): SpatialKernelMap;
}
