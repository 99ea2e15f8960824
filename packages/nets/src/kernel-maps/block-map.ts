import { SpecError, isSpecError, type BlockKernelMap, type RecordBlock, type SpatialKernel } from '@spec/core';
import { allocateRecord, selfVariances, spatialSize, type MutableSpatialKernel } from './record.js';

/** Two L × L blocks (NNGP and NTK) of scratch. */
export function allocateBlock(L: number): RecordBlock {
  return { nngp: new Float64Array(L * L), ntk: new Float64Array(L * L) };
}

/** `f()`, with sample a named in a SpecError it throws (a block map knows positions, not samples). */
export function atSample<T>(a: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isSpecError(e)) throw new SpecError(e.code, `${e.message} (sample ${a + 1})`, { cause: e });
    throw e;
  }
}

/**
 * Every sample's {@link BlockKernelMap.sampleState} from its diagonal block (a, a) of `input` (copied into `scratch`),
 * or undefined when the map has none. Read before anything is written, so the record may then be mapped in place.
 */
function sampleStates(
  input: SpatialKernel,
  map: BlockKernelMap,
  varianceOf: ReadonlyArray<Float64Array>,
  readBlock: (a: number, b: number, into: RecordBlock) => void,
  scratch: RecordBlock,
): Float64Array[] | undefined {
  const state = map.sampleState;
  if (state === undefined) return undefined;
  const L = map.inputSize;
  return varianceOf.map((v, a) => {
    readBlock(a, a, scratch);
    return atSample(a, () => state(scratch, v, input.mean && input.mean.subarray(a * L, (a + 1) * L)));
  });
}

/** The output channel means of every sample (null when zero). */
function outputMeans(
  input: SpatialKernel,
  map: BlockKernelMap,
  varianceOf: ReadonlyArray<Float64Array>,
  states: ReadonlyArray<Float64Array> | undefined,
  Lo: number,
): Float64Array | null {
  const L = map.inputSize;
  const means = varianceOf.map((v, a) =>
    map.mapMean(input.mean && input.mean.subarray(a * L, (a + 1) * L), v, states?.[a]),
  );
  if (means[0] === null || means[0] === undefined) return null;
  const mean = new Float64Array(varianceOf.length * Lo);
  means.forEach((m, a) => mean.set(m!, a * Lo));
  return mean;
}

/**
 * A block map applied to a whole full record (apps/docs/theory/architectures.md#blockwise): blocks (a, b) with a ≤ b
 * are read row by row into scratch, mapped, and written to (a, b) and, transposed, to (b, a) (K and Θ are symmetric).
 * With `inPlace` and an unchanged number of positions, into the input's arrays: block (a, b) is read whole before
 * blocks (a, b) and (b, a) are written, and (b, a) is never read. The same numbers as the pair-by-pair route.
 */
export function mapFullRecordBlockwise(input: SpatialKernel, map: BlockKernelMap, inPlace: boolean): SpatialKernel {
  const gaussian = map.outputGaussian(input.gaussian);
  const n = input.samples;
  const L = map.inputSize;
  const Lo = spatialSize(map.outputSpatial);
  const variance = selfVariances(input);
  const varianceOf = Array.from({ length: n }, (_, a) => variance.subarray(a * L, (a + 1) * L));
  const src = allocateBlock(L);
  const read = (a: number, b: number, into: RecordBlock): void => {
    for (let p = 0; p < L; p++) {
      const row = ((a * L + p) * n + b) * L;
      into.nngp.set(input.nngp.subarray(row, row + L), p * L);
      into.ntk.set(input.ntk.subarray(row, row + L), p * L);
    }
  };
  const states = sampleStates(input, map, varianceOf, read, src);
  const mean = outputMeans(input, map, varianceOf, states, Lo);
  const out: MutableSpatialKernel =
    inPlace && Lo === L
      ? { ...input, spatial: [...map.outputSpatial], gaussian, mean: null }
      : allocateRecord({ samples: n, spatial: map.outputSpatial, form: 'full', gaussian, withMean: false });
  const dst = allocateBlock(Lo);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      read(a, b, src);
      map.mapBlock(src, dst, varianceOf[a], varianceOf[b], states?.[a], states?.[b]);
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
  return mean === null ? out : { ...out, mean };
}

/**
 * A diagonal block map (L entries `K[a,p,b,p]` per pair) applied to a whole diagonal record: pairs a ≤ b mapped and
 * written to (a, b) and (b, a). With `inPlace` (and L positions out), into the input's arrays: entry (b, a), b > a, is
 * never read. The same numbers as the pair-by-pair route.
 */
export function mapDiagonalRecordBlockwise(input: SpatialKernel, map: BlockKernelMap, inPlace: boolean): SpatialKernel {
  const gaussian = map.outputGaussian(input.gaussian);
  const n = input.samples;
  const L = map.inputSize;
  const Lo = spatialSize(map.outputSpatial);
  const variance = selfVariances(input);
  const varianceOf = Array.from({ length: n }, (_, a) => variance.subarray(a * L, (a + 1) * L));
  const src: RecordBlock = { nngp: new Float64Array(L), ntk: new Float64Array(L) };
  const read = (a: number, b: number, into: RecordBlock): void => {
    const at = (a * n + b) * L;
    into.nngp.set(input.nngp.subarray(at, at + L));
    into.ntk.set(input.ntk.subarray(at, at + L));
  };
  const states = sampleStates(input, map, varianceOf, read, src);
  const mean = outputMeans(input, map, varianceOf, states, Lo);
  const out: MutableSpatialKernel =
    inPlace && Lo === L
      ? { ...input, spatial: [...map.outputSpatial], gaussian, mean: null }
      : allocateRecord({ samples: n, spatial: map.outputSpatial, form: 'diagonal', gaussian, withMean: false });
  const dst: RecordBlock = { nngp: new Float64Array(Lo), ntk: new Float64Array(Lo) };
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      read(a, b, src);
      map.mapBlock(src, dst, varianceOf[a], varianceOf[b], states?.[a], states?.[b]);
      out.nngp.set(dst.nngp, (a * n + b) * Lo);
      out.ntk.set(dst.ntk, (a * n + b) * Lo);
      out.nngp.set(dst.nngp, (b * n + a) * Lo);
      out.ntk.set(dst.ntk, (b * n + a) * Lo);
    }
  }
  return mean === null ? out : { ...out, mean };
}
