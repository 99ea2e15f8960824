import { SpecError, isSpecError, type BlockKernelMap, type RecordBlock, type SpatialKernel } from '@spec/core';
import { allocateRecord, selfVariances, spatialSize, type MutableSpatialKernel } from './record.js';

/** Two zeroed blocks (NNGP and NTK) of L² (full) or L (diagonal) entries. */
export function allocateBlock(L: number, form: 'full' | 'diagonal' = 'full'): RecordBlock {
  const entries = form === 'full' ? L * L : L;
  return { nngp: new Float64Array(entries), ntk: new Float64Array(entries) };
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
  const n = input.samples;
  const L = map.inputSize;
  return mapRecordBlockwise(input, map, inPlace, {
    read(a, b, into) {
      for (let p = 0; p < L; p++) {
        const row = ((a * L + p) * n + b) * L;
        into.nngp.set(input.nngp.subarray(row, row + L), p * L);
        into.ntk.set(input.ntk.subarray(row, row + L), p * L);
      }
    },
    write(a, b, block, out, Lo) {
      for (let p = 0; p < Lo; p++) {
        const row = ((a * Lo + p) * n + b) * Lo;
        out.nngp.set(block.nngp.subarray(p * Lo, (p + 1) * Lo), row);
        out.ntk.set(block.ntk.subarray(p * Lo, (p + 1) * Lo), row);
      }
      if (a === b) return;
      for (let q = 0; q < Lo; q++) {
        const row = ((b * Lo + q) * n + a) * Lo;
        for (let p = 0; p < Lo; p++) {
          out.nngp[row + p] = block.nngp[p * Lo + q];
          out.ntk[row + p] = block.ntk[p * Lo + q];
        }
      }
    },
  });
}

/**
 * A diagonal block map (L entries `K[a,p,b,p]` per pair) applied to a whole diagonal record: pairs a ≤ b mapped and
 * written to (a, b) and (b, a). With `inPlace` (and L positions out), into the input's arrays: entry (b, a), b > a, is
 * never read. The same numbers as the pair-by-pair route.
 */
export function mapDiagonalRecordBlockwise(input: SpatialKernel, map: BlockKernelMap, inPlace: boolean): SpatialKernel {
  const n = input.samples;
  const L = map.inputSize;
  return mapRecordBlockwise(input, map, inPlace, {
    read(a, b, into) {
      const at = (a * n + b) * L;
      into.nngp.set(input.nngp.subarray(at, at + L));
      into.ntk.set(input.ntk.subarray(at, at + L));
    },
    write(a, b, block, out, Lo) {
      for (const at of [(a * n + b) * Lo, (b * n + a) * Lo]) {
        out.nngp.set(block.nngp, at);
        out.ntk.set(block.ntk, at);
      }
    },
  });
}

/** Where a record form keeps block (a, b): how to read it, and how to write it and (b, a). */
interface RecordLayout {
  read(a: number, b: number, into: RecordBlock): void;
  write(a: number, b: number, block: RecordBlock, out: MutableSpatialKernel, Lo: number): void;
}

/** The walk over pairs a ≤ b shared by both forms: sample states first, then every block, then the means. */
function mapRecordBlockwise(
  input: SpatialKernel,
  map: BlockKernelMap,
  inPlace: boolean,
  layout: RecordLayout,
): SpatialKernel {
  const gaussian = map.outputGaussian(input.gaussian);
  const n = input.samples;
  const L = map.inputSize;
  const Lo = spatialSize(map.outputSpatial);
  const variance = selfVariances(input);
  const varianceOf = Array.from({ length: n }, (_, a) => variance.subarray(a * L, (a + 1) * L));
  const src = allocateBlock(L, input.form);
  const states = sampleStates(input, map, varianceOf, layout.read, src);
  const mean = outputMeans(input, map, varianceOf, states, Lo);
  const out: MutableSpatialKernel =
    inPlace && Lo === L
      ? { ...input, spatial: [...map.outputSpatial], gaussian, mean: null }
      : allocateRecord({ samples: n, spatial: map.outputSpatial, form: input.form, gaussian, withMean: false });
  const dst = allocateBlock(Lo, input.form);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      layout.read(a, b, src);
      map.mapBlock(src, dst, varianceOf[a], varianceOf[b], states?.[a], states?.[b]);
      layout.write(a, b, dst, out, Lo);
    }
  }
  return mean === null ? out : { ...out, mean };
}
