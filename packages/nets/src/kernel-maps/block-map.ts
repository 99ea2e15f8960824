import type { SpatialKernel } from '@spec/core';
import { allocateRecord, selfVariances, spatialSize, type MutableSpatialKernel } from './record.js';

/**
 * Block (a, b) of a full record (apps/docs/theory/architectures.md#blockwise): `nngp[p·L + q] = K[a,p,b,q]`,
 * `ntk[p·L + q] = Θ[a,p,b,q]`, L × L row-major.
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
   * Writes output block (a, b) (Lo × Lo) from input block (a, b) (L × L) and the input variances of samples a and b
   * (`varianceA[p] = K[a,p,a,p]`, length L). `output` never shares memory with `input`.
   */
  mapBlock(input: RecordBlock, output: RecordBlock, varianceA: Float64Array, varianceB: Float64Array): void;
  /** One sample's output channel means (length Lo) from its input means (null: zero) and variances, or null (zero). */
  mapMean(mean: Float64Array | null, variance: Float64Array): Float64Array | null;
}

/** Two L × L blocks (NNGP and NTK) of scratch. */
export function allocateBlock(L: number): RecordBlock {
  return { nngp: new Float64Array(L * L), ntk: new Float64Array(L * L) };
}

/**
 * A block map applied to a whole full record (apps/docs/theory/architectures.md#blockwise): blocks (a, b) with a ≤ b
 * are read row by row into scratch, mapped, and written to (a, b) and, transposed, to (b, a) (K and Θ are symmetric).
 * With `inPlace` and an unchanged number of positions, into the input's arrays: block (a, b) is read whole before
 * blocks (a, b) and (b, a) are written, and (b, a) is never read.
 */
export function mapFullRecordBlockwise(input: SpatialKernel, map: BlockKernelMap, inPlace: boolean): SpatialKernel {
  const gaussian = map.outputGaussian(input.gaussian);
  const n = input.samples;
  const L = map.inputSize;
  const Lo = spatialSize(map.outputSpatial);
  const variance = selfVariances(input);
  const varianceOf = Array.from({ length: n }, (_, a) => variance.subarray(a * L, (a + 1) * L));
  const means = varianceOf.map((v, a) => map.mapMean(input.mean && input.mean.subarray(a * L, (a + 1) * L), v));
  const out: MutableSpatialKernel =
    inPlace && Lo === L
      ? { ...input, spatial: [...map.outputSpatial], gaussian, mean: null }
      : allocateRecord({ samples: n, spatial: map.outputSpatial, form: 'full', gaussian, withMean: false });
  const src = allocateBlock(L);
  const dst = allocateBlock(Lo);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      for (let p = 0; p < L; p++) {
        const row = ((a * L + p) * n + b) * L;
        src.nngp.set(input.nngp.subarray(row, row + L), p * L);
        src.ntk.set(input.ntk.subarray(row, row + L), p * L);
      }
      map.mapBlock(src, dst, varianceOf[a], varianceOf[b]);
      for (let p = 0; p < Lo; p++) {
        const row = ((a * Lo + p) * n + b) * Lo;
        out.nngp.set(dst.nngp.subarray(p * Lo, (p + 1) * Lo), row);
        out.ntk.set(dst.ntk.subarray(p * Lo, (p + 1) * Lo), row);
      }
      if (a === b) continue;
      for (let q = 0; q < Lo; q++) {
        const row = ((b * Lo + q) * n + a) * Lo;
        for (let p = 0; p < Lo; p++) {
          out.nngp[row + p] = dst.nngp[p * Lo + q];
          out.ntk[row + p] = dst.ntk[p * Lo + q];
        }
      }
    }
  }
  if (means[0] === null || means[0] === undefined) return out;
  const mean = new Float64Array(n * Lo);
  means.forEach((m, a) => mean.set(m!, a * Lo));
  return { ...out, mean };
}
