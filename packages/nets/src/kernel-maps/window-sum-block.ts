import type { RecordBlock } from '@spec/core';
import type { Padding } from '../architecture/spec.js';
import { axisMap, windowIndexMap } from './index-map.js';
import { spatialSize } from './record.js';

/**
 * The window sum of a convolution on one block (a, b) of the full record (apps/docs/theory/architectures.md#convolution,
 * #blockwise): `S[p, q] = Σ_δ B[ι(p, δ), ι(q, δ)]` over the window offsets δ (padded terms 0), for the NNGP and the
 * NTK block at once. The window is a product of one window per axis and ι acts on each axis alone, so the sum is taken
 * one axis at a time — for a 3 × 3 filter, 3 + 3 shifted adds per entry instead of 9 — and along each axis the output
 * positions that read consecutive inputs form runs, so the inner loops are contiguous shifted adds.
 */
export interface WindowSumBlock {
  /** Input positions L and output positions L_o of one sample. */
  readonly inputSize: number;
  readonly outputSize: number;
  /** Writes the Lo × Lo sums of `input` (L × L) into `output` (which may not share memory with `input`). */
  sum(input: RecordBlock, output: RecordBlock): void;
}

interface AxisPass {
  /** Positions before the axis (already in output size) and after it (still in input size). */
  readonly before: number;
  readonly after: number;
  readonly inLength: number;
  readonly outLength: number;
  readonly window: number;
  readonly index: Int32Array;
  /** Per offset d: runs (first output position, first input position, length) with consecutive ι. */
  readonly runs: ReadonlyArray<Int32Array>;
}

/**
 * The axis-by-axis plan of a window sum over `spatial` (window sizes, strides and padding as in `windowIndexMap`).
 *
 * @throws SpecError `E_INPUT` as `windowIndexMap` does (rank mismatch, VALID window larger than the input)
 */
export function windowSumBlock(
  spatial: ReadonlyArray<number>,
  window: ReadonlyArray<number>,
  strides: ReadonlyArray<number>,
  padding: Padding,
  layer: string,
): WindowSumBlock {
  const { outputSpatial } = windowIndexMap(spatial, window, strides, padding, layer);
  const D = spatial.length;
  const passes: AxisPass[] = [];
  for (let k = 0; k < D; k++) {
    const { length, index } = axisMap(spatial[k], window[k], strides[k], padding);
    const runs: Int32Array[] = [];
    for (let d = 0; d < window[k]; d++) {
      const r: number[] = [];
      for (let o = 0; o < length; o++) {
        const i = index[o * window[k] + d];
        if (i < 0) continue;
        const last = r.length - 3;
        if (last >= 0 && r[last] + r[last + 2] === o && r[last + 1] + r[last + 2] === i) r[last + 2]++;
        else r.push(o, i, 1);
      }
      runs.push(Int32Array.from(r));
    }
    passes.push({
      before: spatialSize(outputSpatial.slice(0, k)),
      after: spatialSize(spatial.slice(k + 1)),
      inLength: spatial[k],
      outLength: length,
      window: window[k],
      index,
      runs,
    });
  }
  const L = spatialSize(spatial);
  const Lo = spatialSize(outputSpatial);
  // The largest intermediate block, for the two scratch pairs the passes alternate between.
  let largest = 0;
  for (const pass of passes) largest = Math.max(largest, (pass.before * pass.outLength * pass.after) ** 2);
  const scratch = [
    { nngp: new Float64Array(largest), ntk: new Float64Array(largest) },
    { nngp: new Float64Array(largest), ntk: new Float64Array(largest) },
  ];
  return {
    inputSize: L,
    outputSize: Lo,
    sum(input, output) {
      let src: RecordBlock = input;
      passes.forEach((pass, k) => {
        const dst = k === passes.length - 1 ? output : scratch[k % 2];
        axisSum(pass, src, dst);
        src = dst;
      });
      if (passes.length === 0) {
        output.nngp.set(input.nngp.subarray(0, L * L));
        output.ntk.set(input.ntk.subarray(0, L * L));
      }
    },
  };
}

/** One axis of the window sum: the axis's length goes from `inLength` to `outLength` for both p and q. */
function axisSum(pass: AxisPass, src: RecordBlock, dst: RecordBlock): void {
  const { before: A, after: B, inLength: S, outLength: O, window: f, index, runs } = pass;
  const Lin = A * S * B;
  const Lout = A * O * B;
  const K = src.nngp;
  const T = src.ntk;
  const sK = dst.nngp;
  const sT = dst.ntk;
  sK.fill(0, 0, Lout * Lout);
  sT.fill(0, 0, Lout * Lout);
  for (let d = 0; d < f; d++) {
    const rr = runs[d];
    for (let ap = 0; ap < A; ap++) {
      for (let op = 0; op < O; op++) {
        const i = index[op * f + d];
        if (i < 0) continue;
        for (let bp = 0; bp < B; bp++) {
          const rowIn = ((ap * S + i) * B + bp) * Lin;
          const rowOut = ((ap * O + op) * B + bp) * Lout;
          for (let aq = 0; aq < A; aq++) {
            for (let r = 0; r < rr.length; r += 3) {
              const o = rowOut + (aq * O + rr[r]) * B;
              const s = rowIn + (aq * S + rr[r + 1]) * B;
              const len = rr[r + 2] * B;
              for (let j = 0; j < len; j++) {
                sK[o + j] += K[s + j];
                sT[o + j] += T[s + j];
              }
            }
          }
        }
      }
    }
  }
}
