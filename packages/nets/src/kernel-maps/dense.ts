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
  return affineKernelMap({ weight: w2, bias: b2 });
}

/**
 * The NTK of an affine layer's own parameters when it is not the NNGP of its output: the standard parametrisation's
 * `Θ_own = inputWeight·K + bias` (apps/docs/theory/dispersion.md#setting: `d_in K + 1{bias}`, which grows with width).
 */
export interface AffineTangent {
  readonly inputWeight: number;
  readonly bias: number;
}

/**
 * The entrywise map of an affine layer with weight variance `weight` and bias variance `bias`
 * (apps/docs/theory/infinite-width.md#mlp-recursions): `K' = weight·K + bias`, `Θ' = K' + weight·Θ` (NTK and fan-wang
 * parametrisations), or with `tangent` `Θ' = tangent.inputWeight·K + tangent.bias + weight·Θ`; `m' = 0`, Gaussian. The
 * one implementation behind {@link denseKernelMap} and the MLP's `dense` layer.
 */
export function affineKernelMap(
  variances: { readonly weight: number; readonly bias: number },
  tangent?: AffineTangent,
): LayerKernelMap {
  const w2 = variances.weight;
  const b2 = variances.bias;
  /** The entrywise map from `input` to `output` (which may be the same arrays) over `count` entries. */
  const entries = (input: RecordBlock, output: RecordBlock, count: number): void => {
    if (tangent === undefined) {
      for (let i = 0; i < count; i++) {
        const k = w2 * input.nngp[i] + b2;
        output.nngp[i] = k;
        output.ntk[i] = k + w2 * input.ntk[i];
      }
      return;
    }
    const { inputWeight, bias } = tangent;
    for (let i = 0; i < count; i++) {
      const s = input.nngp[i];
      output.nngp[i] = w2 * s + b2;
      output.ntk[i] = inputWeight * s + bias + w2 * input.ntk[i];
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
