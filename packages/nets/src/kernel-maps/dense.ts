import type { SpatialKernel, BlockKernelMap, RecordBlock } from '@spec/core';
import type { LayerKernelMap } from './layer-map.js';
import { assertStd } from './parameters.js';
import { spatialSize } from './record.js';

/** Parameters of {@link denseKernelMap} (NTK parametrisation, apps/docs/theory/architectures.md#conventions). */
export interface DenseKernelMapOptions {
  /** Weight scale W_std (default 1). */
  readonly W_std?: number;
  /** Bias scale b_std (default 0). */
  readonly b_std?: number;
}

/**
 * The kernel map of a dense layer applied per position (apps/docs/theory/architectures.md#dense):
 * `K' = W_std² K + b_std²`, `Θ' = K' + W_std² Θ`, `m' = 0`, Gaussian output. Acts entrywise, so either record form.
 */
export function denseKernelMap(options: DenseKernelMapOptions = {}): LayerKernelMap {
  const w2 = assertStd(options.W_std ?? 1, 'dense', 'W_std') ** 2;
  const b2 = assertStd(options.b_std ?? 0, 'dense', 'b_std') ** 2;
  /** The entrywise map from `input` to `output` (which may be the same arrays) over `count` entries. */
  const entries = (input: RecordBlock, output: RecordBlock, count: number): void => {
    for (let i = 0; i < count; i++) {
      const k = w2 * input.nngp[i] + b2;
      output.nngp[i] = k;
      output.ntk[i] = k + w2 * input.ntk[i];
    }
  };
  const apply = (input: SpatialKernel, nngp: Float64Array, ntk: Float64Array): SpatialKernel => {
    entries(input, { nngp, ntk }, nngp.length);
    return { ...input, nngp, ntk, mean: null, gaussian: true };
  };
  return {
    label: 'dense',
    linearity: 'fresh',
    needsFullSpatial: false,
    outputSpatial: (spatial) => spatial,
    map: (input) => apply(input, new Float64Array(input.nngp.length), new Float64Array(input.ntk.length)),
    mapInPlace: (input) => apply(input, input.nngp, input.ntk),
    blocks: (spatial) => [entrywise(spatialSize(spatial), spatial, 2)],
    diagonalBlocks: (spatial) => [entrywise(spatialSize(spatial), spatial, 1)],
  };

  /** The block map on L² (full) or L (diagonal) entries. */
  function entrywise(L: number, spatial: ReadonlyArray<number>, power: 1 | 2): BlockKernelMap {
    return {
      inputSize: L,
      outputSpatial: spatial,
      outputGaussian: () => true,
      mapBlock: (input, output) => entries(input, output, L ** power),
      mapMean: () => null,
    };
  }
}
