import type { SpatialKernel, BlockKernelMap } from '@spec/core';
import { mapFullRecordBlockwise } from './block-map.js';
import type { LayerKernelMap } from './layer-map.js';
import { allocateRecord, requireFullForm, spatialSize } from './record.js';

/** The mean of one sample's `L` channel means (position-averaged; plain left-to-right sum). */
function positionMean(mean: Float64Array, L: number): number {
  let s = 0;
  for (let p = 0; p < L; p++) s += mean[p];
  return s / L;
}

/** Channel means averaged over positions (or null). */
function meanOverPositions(input: SpatialKernel, L: number): Float64Array | null {
  if (input.mean === null) return null;
  const out = new Float64Array(input.samples);
  for (let a = 0; a < input.samples; a++) out[a] = positionMean(input.mean.subarray(a * L, (a + 1) * L), L);
  return out;
}

/** Global average pooling on one block (a, b) of the full record (apps/docs/theory/architectures.md#blockwise). */
function globalAvgPoolBlockMap(spatial: ReadonlyArray<number>): BlockKernelMap {
  const L = spatialSize(spatial);
  return {
    inputSize: L,
    outputSpatial: [],
    outputGaussian: (gaussian) => gaussian,
    mapBlock(input, output) {
      let sk = 0;
      let st = 0;
      for (let i = 0; i < L * L; i++) {
        sk += input.nngp[i];
        st += input.ntk[i];
      }
      output.nngp[0] = sk / (L * L);
      output.ntk[0] = st / (L * L);
    },
    mapMean: (mean) => (mean === null ? null : Float64Array.of(positionMean(mean, L))),
  };
}

/**
 * The kernel map of global average pooling (apps/docs/theory/architectures.md#global-average-pooling):
 * `K'[a,b] = (1/L²) Σ_{p,q} K[a,p,b,q]`, the same for Θ, `m' = mean_p m`, Gaussianity kept; the output has no
 * positions. Needs the full record (every pair of positions).
 */
export function globalAvgPoolKernelMap(): LayerKernelMap {
  return {
    label: 'global_avg_pool',
    linearity: 'linear',
    needsFullSpatial: true,
    outputSpatial: () => [],
    map(input: SpatialKernel): SpatialKernel {
      requireFullForm(input, 'global_avg_pool');
      return mapFullRecordBlockwise(input, globalAvgPoolBlockMap(input.spatial), false);
    },
    blocks: (spatial) => [globalAvgPoolBlockMap(spatial)],
  };
}

/**
 * A readout that reads equal positions only, on one block (a, b) of either record form
 * (apps/docs/theory/architectures.md#blockwise): `stride` L + 1 walks the diagonal of a full L × L block, 1 the entries of
 * a diagonal block; `pick` combines the L entries in the same order as the record maps.
 */
function equalPositionsBlockMap(
  L: number,
  stride: number,
  pick: (values: Float64Array, stride: number) => number,
  gaussian: (input: boolean) => boolean,
  mean: (mean: Float64Array | null) => Float64Array | null,
): BlockKernelMap {
  return {
    inputSize: L,
    outputSpatial: [],
    outputGaussian: gaussian,
    mapBlock(input, output) {
      output.nngp[0] = pick(input.nngp, stride);
      output.ntk[0] = pick(input.ntk, stride);
    },
    mapMean: mean,
  };
}

/** Flatten's combination of the L equal-position entries: their mean (a plain left-to-right sum, then / L). */
function flattenPick(L: number): (values: Float64Array, stride: number) => number {
  return (values, stride) => {
    let s = 0;
    for (let p = 0; p < L; p++) s += values[p * stride];
    return s / L;
  };
}

/**
 * The kernel map of flatten followed by a readout with fan-in C·L (apps/docs/theory/architectures.md#flatten):
 * `K'[a,b] = (1/L) Σ_p K[a,p,b,p]`, the same for Θ, `m' = mean_p m`; not Gaussian (position-dependent variances).
 * Reads equal positions only, so either record form.
 */
export function flattenKernelMap(): LayerKernelMap {
  return {
    label: 'flatten',
    linearity: 'other',
    needsFullSpatial: false,
    outputSpatial: () => [],
    map(input: SpatialKernel): SpatialKernel {
      const n = input.samples;
      const L = spatialSize(input.spatial);
      const out = allocateRecord({ samples: n, spatial: [], form: 'full', gaussian: false, withMean: false });
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let sk = 0;
          let st = 0;
          for (let p = 0; p < L; p++) {
            const i = input.form === 'full' ? ((a * L + p) * n + b) * L + p : (a * n + b) * L + p;
            sk += input.nngp[i];
            st += input.ntk[i];
          }
          out.nngp[a * n + b] = sk / L;
          out.ntk[a * n + b] = st / L;
        }
      }
      return { ...out, mean: meanOverPositions(input, L) };
    },
    blocks: (spatial) => [flattenBlockMap(spatialSize(spatial), spatialSize(spatial) + 1)],
    diagonalBlocks: (spatial) => [flattenBlockMap(spatialSize(spatial), 1)],
  };
}

function flattenBlockMap(L: number, stride: number): BlockKernelMap {
  return equalPositionsBlockMap(
    L,
    stride,
    flattenPick(L),
    () => false,
    (mean) => (mean === null ? null : Float64Array.of(positionMean(mean, L))),
  );
}

/**
 * The kernel map of taking the last position (the last state of a sequence; apps/docs/theory/architectures.md#rnn):
 * `K'[a,b] = K[a,L−1,b,L−1]`, the same for Θ and m, Gaussianity kept. Either record form.
 */
export function lastKernelMap(): LayerKernelMap {
  return {
    label: 'last',
    linearity: 'linear',
    needsFullSpatial: false,
    outputSpatial: () => [],
    map(input: SpatialKernel): SpatialKernel {
      const n = input.samples;
      const L = spatialSize(input.spatial);
      const p = L - 1;
      const out = allocateRecord({
        samples: n,
        spatial: [],
        form: 'full',
        gaussian: input.gaussian,
        withMean: input.mean !== null,
      });
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          const i = input.form === 'full' ? ((a * L + p) * n + b) * L + p : (a * n + b) * L + p;
          out.nngp[a * n + b] = input.nngp[i];
          out.ntk[a * n + b] = input.ntk[i];
        }
        if (input.mean !== null) out.mean![a] = input.mean[a * L + p];
      }
      return out;
    },
    blocks: (spatial) => [lastBlockMap(spatialSize(spatial), spatialSize(spatial) + 1)],
    diagonalBlocks: (spatial) => [lastBlockMap(spatialSize(spatial), 1)],
  };
}

function lastBlockMap(L: number, stride: number): BlockKernelMap {
  return equalPositionsBlockMap(
    L,
    stride,
    (values, step) => values[(L - 1) * step],
    (gaussian) => gaussian,
    (mean) => (mean === null ? null : Float64Array.of(mean[L - 1])),
  );
}
