import type { BlockKernelMap, RecordBlock, SpatialKernel } from '@spec/core';
import { allocateRecord, selfVariances, spatialSize, type MutableSpatialKernel } from './record.js';

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
