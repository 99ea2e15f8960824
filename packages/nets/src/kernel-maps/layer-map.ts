import type { SpatialKernel, SpatialKernelMap, BlockStep } from '@spec/core';

/**
 * How a layer's output relates to its input in the sense of apps/docs/theory/architectures.md#residual-branches: a
 * branch of a sum is uncorrelated with every other branch when it ends in a fresh zero-mean linear layer.
 * - `fresh`: the output is a fresh zero-mean linear layer (dense, convolution, attention);
 * - `linear`: a fixed linear map over positions (identity, pooling), which keeps a fresh output fresh;
 * - `other`: anything else (activations, LayerNorm, RNN, flatten).
 */
export type BranchLinearity = 'fresh' | 'linear' | 'other';

/**
 * A built-in layer's kernel map: a {@link SpatialKernelMap} that also names itself (for messages), gives its output
 * shape (so a network is checked before any record is allocated), and says whether its output is a fresh linear
 * layer (for the residual rule, apps/docs/theory/architectures.md#residual-branches).
 */
export interface LayerKernelMap extends SpatialKernelMap {
  /** Short description used in messages, e.g. `conv [3, 3] SAME`. */
  readonly label: string;
  readonly linearity: BranchLinearity;
  outputSpatial(spatial: ReadonlyArray<number>): ReadonlyArray<number>;
  map(input: SpatialKernel): SpatialKernel;
  /**
   * Optional: the same as {@link map}, but it may overwrite `input.nngp` and `input.ntk` — for a caller that owns the
   * input record and will not read it again (a chain's intermediate records), so a layer on a full record of
   * hundreds of MB does not allocate (and page in) two new ones.
   */
  mapInPlace?(input: SpatialKernel): SpatialKernel;
  /**
   * Optional: the layer (a chain: its layers in order) as block maps on the full record for an input of spatial
   * shape `spatial` (apps/docs/theory/architectures.md#blockwise), or undefined when some layer has none (it reads
   * more than block (a, b) and the two samples' variances and means, e.g. attention). A plugin's map brings its own
   * (`SpatialKernelMap.blocks`).
   */
  blocks?(spatial: ReadonlyArray<number>): ReadonlyArray<BlockStep> | undefined;
  /** Optional: the same on the diagonal record (blocks of L entries `K[a,p,b,p]`). */
  diagonalBlocks?(spatial: ReadonlyArray<number>): ReadonlyArray<BlockStep> | undefined;
}

/** A plugin's {@link SpatialKernelMap} as a {@link LayerKernelMap} (no `outputSpatial`: it keeps the shape). */
export function asLayerKernelMap(map: SpatialKernelMap, label: string): LayerKernelMap {
  if ('label' in map && 'linearity' in map && typeof map.outputSpatial === 'function') return map as LayerKernelMap;
  return {
    label,
    linearity: 'other',
    needsFullSpatial: map.needsFullSpatial,
    outputSpatial: (spatial) => (map.outputSpatial ? map.outputSpatial(spatial) : spatial),
    map: (input) => map.map(input),
    ...(map.blocks !== undefined ? { blocks: (spatial: ReadonlyArray<number>) => map.blocks!(spatial) } : {}),
    ...(map.diagonalBlocks !== undefined
      ? { diagonalBlocks: (spatial: ReadonlyArray<number>) => map.diagonalBlocks!(spatial) }
      : {}),
  };
}
