import type { SpatialKernel, BlockKernelMap } from '@spec/core';
import type { Padding } from '../architecture/spec.js';
import { windowIndexMap } from './index-map.js';
import { mapFullRecordBlockwise } from './block-map.js';
import type { LayerKernelMap } from './layer-map.js';
import { assertPositiveIntegers } from './parameters.js';
import { requireFullForm, spatialSize } from './record.js';

/** Parameters of {@link avgPoolKernelMap} (apps/docs/theory/architectures.md#average-pooling). */
export interface PoolKernelMapOptions {
  /** Window size per spatial axis. */
  readonly window: ReadonlyArray<number>;
  /** Default 1 per axis (neural-tangents' default, not the window). */
  readonly strides?: ReadonlyArray<number>;
  /** Default `'VALID'`. */
  readonly padding?: Padding;
  /** SAME padding: divide by the number of non-padded window positions instead of |w| (default false). */
  readonly normalize_edges?: boolean;
  /** `true`: sum pooling (no 1/|w|). Default false. */
  readonly sum?: boolean;
}

/** Sparse rows of the pooling matrix M (L_out × L): for output p, the input positions and weights. */
interface PoolingMatrix {
  readonly outputSpatial: ReadonlyArray<number>;
  readonly rowStart: Int32Array;
  readonly column: Int32Array;
  readonly weight: Float64Array;
}

function poolingMatrix(
  spatial: ReadonlyArray<number>,
  o: Required<PoolKernelMapOptions>,
  label: string,
): PoolingMatrix {
  const { outputSpatial, taps, index } = windowIndexMap(spatial, o.window, o.strides, o.padding, label);
  const Lo = spatialSize(outputSpatial);
  const rowStart = new Int32Array(Lo + 1);
  const column: number[] = [];
  const weight: number[] = [];
  for (let p = 0; p < Lo; p++) {
    const cols = [];
    for (let d = 0; d < taps; d++) if (index[p * taps + d] >= 0) cols.push(index[p * taps + d]);
    const w = o.sum ? 1 : 1 / (o.normalize_edges ? cols.length : taps);
    for (const c of cols) {
      column.push(c);
      weight.push(w);
    }
    rowStart[p + 1] = column.length;
  }
  return { outputSpatial, rowStart, column: Int32Array.from(column), weight: Float64Array.from(weight) };
}

/**
 * The kernel map of average pooling (or sum pooling with `sum: true`) over a window
 * (apps/docs/theory/architectures.md#average-pooling): with M the pooling matrix over positions, `K' = M K Mᵀ`,
 * `Θ' = M Θ Mᵀ` on both position axes, `m' = M m`, Gaussianity kept. Needs the full record.
 */
export function avgPoolKernelMap(options: PoolKernelMapOptions): LayerKernelMap {
  const kind = options.sum ? 'sum_pool' : 'avg_pool';
  const window = assertPositiveIntegers(options.window, kind, 'window');
  const o: Required<PoolKernelMapOptions> = {
    window,
    strides: assertPositiveIntegers(options.strides ?? window.map(() => 1), kind, 'strides'),
    padding: options.padding ?? 'VALID',
    normalize_edges: options.normalize_edges ?? false,
    sum: options.sum ?? false,
  };
  const label = `${kind} [${window.join(', ')}] ${o.padding}`;
  return {
    label,
    linearity: 'linear',
    needsFullSpatial: true,
    outputSpatial: (spatial) => poolingMatrix(spatial, o, label).outputSpatial,
    map(input: SpatialKernel): SpatialKernel {
      requireFullForm(input, label);
      return mapFullRecordBlockwise(input, blockMap(input.spatial), false);
    },
    blocks: (spatial) => [blockMap(spatial)],
  };

  /** `M · block(a, b) · Mᵀ` on one block, `M m` on one sample's means (apps/docs/theory/architectures.md#blockwise). */
  function blockMap(spatial: ReadonlyArray<number>): BlockKernelMap {
    const M = poolingMatrix(spatial, o, label);
    const L = spatialSize(spatial);
    const Lo = spatialSize(M.outputSpatial);
    const left = new Float64Array(Lo * L);
    const product = (src: Float64Array, dst: Float64Array): void => {
      // left = M · block(a, b), then block'(a, b) = left · Mᵀ.
      left.fill(0);
      for (let p = 0; p < Lo; p++) {
        for (let k = M.rowStart[p]; k < M.rowStart[p + 1]; k++) {
          const w = M.weight[k];
          const row = M.column[k] * L;
          for (let j = 0; j < L; j++) left[p * L + j] += w * src[row + j];
        }
      }
      for (let p = 0; p < Lo; p++) {
        for (let q = 0; q < Lo; q++) {
          let s = 0;
          for (let k = M.rowStart[q]; k < M.rowStart[q + 1]; k++) s += M.weight[k] * left[p * L + M.column[k]];
          dst[p * Lo + q] = s;
        }
      }
    };
    return {
      inputSize: L,
      outputSpatial: M.outputSpatial,
      outputGaussian: (gaussian) => gaussian,
      mapBlock(input, output) {
        product(input.nngp, output.nngp);
        product(input.ntk, output.ntk);
      },
      mapMean(mean) {
        if (mean === null) return null;
        const out = new Float64Array(Lo);
        for (let p = 0; p < Lo; p++) {
          let s = 0;
          for (let k = M.rowStart[p]; k < M.rowStart[p + 1]; k++) s += M.weight[k] * mean[M.column[k]];
          out[p] = s;
        }
        return out;
      },
    };
  }
}
