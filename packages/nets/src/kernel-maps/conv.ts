import type { SpatialKernel, BlockKernelMap } from '@spec/core';
import type { Padding } from '../architecture/spec.js';
import { mapFullRecordBlockwise } from './block-map.js';
import { windowIndexMap } from './index-map.js';
import { windowSumBlock } from './window-sum-block.js';
import type { LayerKernelMap } from './layer-map.js';
import { assertPositiveIntegers, assertStd } from './parameters.js';
import { allocateRecord, spatialSize } from './record.js';

/** Parameters of {@link convKernelMap} (names as in the JSON format, apps/docs/theory/architectures.md#json-format). */
export interface ConvKernelMapOptions {
  /** Filter size per spatial axis, e.g. [3, 3]. */
  readonly filter: ReadonlyArray<number>;
  /** Strides per axis (default 1 each). */
  readonly strides?: ReadonlyArray<number>;
  /** Default `'VALID'` (neural-tangents' default). */
  readonly padding?: Padding;
  /** Default 1. */
  readonly W_std?: number;
  /** Default 0. */
  readonly b_std?: number;
}

/**
 * The kernel map of an n-D convolution with shared weights (apps/docs/theory/architectures.md#convolution):
 * `K'[a,p,b,q] = (W²/|F|) Σ_δ K[a,ι(p,δ),b,ι(q,δ)] + b²` (padding terms 0, |F| the full filter size even at SAME
 * edges), `Θ' = K' + (W²/|F|) Σ_δ Θ[a,ι(p,δ),b,ι(q,δ)]`, `m' = 0`, Gaussian output. Either record form.
 */
export function convKernelMap(options: ConvKernelMapOptions): LayerKernelMap {
  const filter = assertPositiveIntegers(options.filter, 'conv', 'filter');
  const strides = assertPositiveIntegers(options.strides ?? filter.map(() => 1), 'conv', 'strides');
  const padding = options.padding ?? 'VALID';
  const w2 = assertStd(options.W_std ?? 1, 'conv', 'W_std') ** 2;
  const b2 = assertStd(options.b_std ?? 0, 'conv', 'b_std') ** 2;
  const label = `conv [${filter.join(', ')}] ${padding}`;
  const indexMap = (spatial: ReadonlyArray<number>) => windowIndexMap(spatial, filter, strides, padding, label);
  return {
    label,
    linearity: 'fresh',
    needsFullSpatial: false,
    outputSpatial: (spatial) => indexMap(spatial).outputSpatial,
    map: (input) => apply(input, false),
    mapInPlace: (input) => apply(input, true),
    blocks: (spatial) => [blockMap(spatial)],
    diagonalBlocks: (spatial) => [diagonalBlockMap(spatial)],
  };

  /**
   * The map on one block (a, b) of the diagonal record: the window sum of each output position over its taps, in the
   * order of the diagonal record route below (so the same numbers), then the scale and the bias.
   */
  function diagonalBlockMap(spatial: ReadonlyArray<number>): BlockKernelMap {
    const { outputSpatial, taps, index } = indexMap(spatial);
    const Lo = spatialSize(outputSpatial);
    const scale = w2 / taps;
    return {
      inputSize: spatialSize(spatial),
      outputSpatial,
      outputGaussian: () => true,
      mapMean: () => null,
      mapBlock(input, output) {
        windowRow(input.nngp, input.ntk, 0, index, taps, Lo, scale, output.nngp, output.ntk);
      },
    };
  }

  /**
   * The map on one block (a, b) of the full record: the window sum axis by axis (`windowSumBlock`), then the scale and
   * the bias.
   */
  function blockMap(spatial: ReadonlyArray<number>): BlockKernelMap {
    const window = windowSumBlock(spatial, filter, strides, padding, label);
    const { outputSpatial, taps } = indexMap(spatial);
    const Lo = window.outputSize;
    const scale = w2 / taps;
    return {
      inputSize: window.inputSize,
      outputSpatial,
      outputGaussian: () => true,
      mapMean: () => null,
      mapBlock(input, output) {
        window.sum(input, output);
        const sK = output.nngp;
        const sT = output.ntk;
        for (let i = 0; i < Lo * Lo; i++) {
          const kk = scale * sK[i] + b2;
          sK[i] = kk;
          sT[i] = kk + scale * sT[i];
        }
      },
    };
  }

  /**
   * The map; with `inPlace`, into the input's arrays when the shape is kept. The full form goes block by block
   * ({@link mapFullRecordBlockwise}); the diagonal form row (a, b) by row.
   */
  function apply(input: SpatialKernel, inPlace: boolean): SpatialKernel {
    if (input.form === 'full') return mapFullRecordBlockwise(input, blockMap(input.spatial), inPlace);
    const { outputSpatial, taps, index } = indexMap(input.spatial);
    const n = input.samples;
    const L = spatialSize(input.spatial);
    const Lo = spatialSize(outputSpatial);
    const out =
      inPlace && Lo === L
        ? { ...input, spatial: outputSpatial, mean: null, gaussian: true }
        : allocateRecord({ samples: n, spatial: outputSpatial, form: 'diagonal', gaussian: true, withMean: false });
    const K = input.nngp;
    const T = input.ntk;
    const scale = w2 / taps;
    const oK = out.nngp;
    const oT = out.ntk;
    // One row (a, b) at a time through scratch, so the output may overwrite the input row.
    const rowK = new Float64Array(Lo);
    const rowT = new Float64Array(Lo);
    for (let ab = 0; ab < n * n; ab++) {
      windowRow(K, T, ab * L, index, taps, Lo, scale, rowK, rowT);
      oK.set(rowK, ab * Lo);
      oT.set(rowT, ab * Lo);
    }
    return out;
  }

  /** One row (a, b) of the diagonal record from `K`, `T` at `offset`: window sums over the taps, scaled, plus the bias. */
  function windowRow(
    K: Float64Array,
    T: Float64Array,
    offset: number,
    index: Int32Array,
    taps: number,
    Lo: number,
    scale: number,
    rowK: Float64Array,
    rowT: Float64Array,
  ): void {
    for (let p = 0; p < Lo; p++) {
      let sk = 0;
      let st = 0;
      for (let d = 0; d < taps; d++) {
        const i = index[p * taps + d];
        if (i >= 0) {
          sk += K[offset + i];
          st += T[offset + i];
        }
      }
      rowK[p] = scale * sk + b2;
      rowT[p] = rowK[p] + scale * st;
    }
  }
}
