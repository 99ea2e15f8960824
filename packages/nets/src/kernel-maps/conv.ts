import type { SpatialKernel } from '@spec/core';
import type { Padding } from '../architecture/spec.js';
import { windowIndexMap } from './index-map.js';
import type { LayerKernelMap } from './layer-map.js';
import { assertPositiveIntegers, assertStd } from './parameters.js';
import { allocateRecord, spatialSize } from './record.js';

/** Sample pairs per chunk of the full-record convolution (scratch of L²·CHUNK floats per kernel). */
const CHUNK = 16;

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
  };

  /** The map; with `inPlace`, into the input's arrays when the shape is kept (each block is read before written). */
  function apply(input: SpatialKernel, inPlace: boolean): SpatialKernel {
    const { outputSpatial, taps, index } = indexMap(input.spatial);
    const n = input.samples;
    const L = spatialSize(input.spatial);
    const Lo = spatialSize(outputSpatial);
    const out =
      inPlace && Lo === L
        ? { ...input, spatial: outputSpatial, mean: null, gaussian: true }
        : allocateRecord({ samples: n, spatial: outputSpatial, form: input.form, gaussian: true, withMean: false });
    const K = input.nngp;
    const T = input.ntk;
    const scale = w2 / taps;
    const oK = out.nngp;
    const oT = out.ntk;
    if (input.form === 'diagonal') {
      // One row (a, b) at a time through scratch, so the output may overwrite the input row.
      const rowK = new Float64Array(Lo);
      const rowT = new Float64Array(Lo);
      for (let ab = 0; ab < n * n; ab++) {
        for (let p = 0; p < Lo; p++) {
          let sk = 0;
          let st = 0;
          for (let d = 0; d < taps; d++) {
            const i = index[p * taps + d];
            if (i >= 0) {
              sk += K[ab * L + i];
              st += T[ab * L + i];
            }
          }
          rowK[p] = scale * sk + b2;
          rowT[p] = rowK[p] + scale * st;
        }
        oK.set(rowK, ab * Lo);
        oT.set(rowT, ab * Lo);
      }
    } else {
      // Per offset δ: the output positions p that read a real input position ι(p, δ), and the same as runs of
      // consecutive q with consecutive ι(q, δ), so the inner loop is a contiguous shifted add (JIT-friendly).
      const rows: Int32Array[] = [];
      const runs: Int32Array[] = [];
      for (let d = 0; d < taps; d++) {
        const pairs: number[] = [];
        const r: number[] = [];
        for (let q = 0; q < Lo; q++) {
          const i = index[q * taps + d];
          if (i < 0) continue;
          pairs.push(q, i);
          const last = r.length - 3;
          if (last >= 0 && r[last] + r[last + 2] === q && r[last + 1] + r[last + 2] === i) r[last + 2]++;
          else r.push(q, i, 1);
        }
        rows.push(Int32Array.from(pairs));
        runs.push(Int32Array.from(r));
      }
      // Output block (a, b) reads only input block (a, b), and blocks (b, a) are the transposes of blocks (a, b)
      // (K and Θ are symmetric), so only pairs a ≤ b are computed. They are processed CHUNK pairs at a time in a
      // position-major scratch [p][q][pair], where every shifted add is one contiguous loop over run × chunk (on the
      // record's own layout the runs are ≤ one spatial row, 8 floats for 8 × 8 images, and the rows of a block lie n·L
      // floats apart). Gathering into the scratch also makes the in-place map safe: a pair's block is read whole
      // before its two output blocks are written.
      const pairs: number[] = [];
      for (let a = 0; a < n; a++) for (let b = a; b < n; b++) pairs.push(a, b);
      const inK = new Float64Array(L * L * CHUNK);
      const inT = new Float64Array(L * L * CHUNK);
      const sK = new Float64Array(Lo * Lo * CHUNK);
      const sT = new Float64Array(Lo * Lo * CHUNK);
      for (let start = 0; start < pairs.length; start += 2 * CHUNK) {
        const count = Math.min(CHUNK, (pairs.length - start) / 2);
        for (let k = 0; k < count; k++) {
          const a = pairs[start + 2 * k];
          const b = pairs[start + 2 * k + 1];
          for (let p = 0; p < L; p++) {
            const row = ((a * L + p) * n + b) * L;
            for (let q = 0; q < L; q++) {
              inK[(p * L + q) * CHUNK + k] = K[row + q];
              inT[(p * L + q) * CHUNK + k] = T[row + q];
            }
          }
        }
        sK.fill(0);
        sT.fill(0);
        for (let d = 0; d < taps; d++) {
          const pr = rows[d];
          const rr = runs[d];
          for (let k = 0; k < pr.length; k += 2) {
            const outRow = pr[k] * Lo;
            const inRow = pr[k + 1] * L;
            for (let r = 0; r < rr.length; r += 3) {
              const o = (outRow + rr[r]) * CHUNK;
              const i = (inRow + rr[r + 1]) * CHUNK;
              const len = rr[r + 2] * CHUNK;
              for (let j = 0; j < len; j++) {
                sK[o + j] += inK[i + j];
                sT[o + j] += inT[i + j];
              }
            }
          }
        }
        for (let k = 0; k < count; k++) {
          const a = pairs[start + 2 * k];
          const b = pairs[start + 2 * k + 1];
          for (let p = 0; p < Lo; p++) {
            const row = ((a * Lo + p) * n + b) * Lo;
            for (let q = 0; q < Lo; q++) {
              const kk = scale * sK[(p * Lo + q) * CHUNK + k] + b2;
              oK[row + q] = kk;
              oT[row + q] = kk + scale * sT[(p * Lo + q) * CHUNK + k];
            }
          }
          if (a === b) continue;
          for (let q = 0; q < Lo; q++) {
            const row = ((b * Lo + q) * n + a) * Lo;
            for (let p = 0; p < Lo; p++) {
              const kk = scale * sK[(p * Lo + q) * CHUNK + k] + b2;
              oK[row + p] = kk;
              oT[row + p] = kk + scale * sT[(p * Lo + q) * CHUNK + k];
            }
          }
        }
      }
    }
    return out;
  }
}
