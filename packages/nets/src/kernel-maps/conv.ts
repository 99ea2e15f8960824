import type { SpatialKernel } from '@spec/core';
import type { Padding } from '../architecture/spec.js';
import { windowIndexMap } from './index-map.js';
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
    map(input: SpatialKernel): SpatialKernel {
      const { outputSpatial, taps, index } = indexMap(input.spatial);
      const n = input.samples;
      const L = spatialSize(input.spatial);
      const Lo = spatialSize(outputSpatial);
      const out = allocateRecord({
        samples: n,
        spatial: outputSpatial,
        form: input.form,
        gaussian: true,
        withMean: false,
      });
      const K = input.nngp;
      const T = input.ntk;
      const oK = out.nngp;
      const oT = out.ntk;
      if (input.form === 'diagonal') {
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
            oK[ab * Lo + p] = sk;
            oT[ab * Lo + p] = st;
          }
        }
      } else {
        // Per offset δ, the output positions q that read a real input position, and that position: the inner loop is
        // then a branch-free gather over one row.
        const valid: Int32Array[] = [];
        const source: Int32Array[] = [];
        for (let d = 0; d < taps; d++) {
          const qs: number[] = [];
          const is: number[] = [];
          for (let q = 0; q < Lo; q++) {
            const i = index[q * taps + d];
            if (i >= 0) {
              qs.push(q);
              is.push(i);
            }
          }
          valid.push(Int32Array.from(qs));
          source.push(Int32Array.from(is));
        }
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            for (let d = 0; d < taps; d++) {
              const qs = valid[d];
              const is = source[d];
              for (let k = 0; k < qs.length; k++) {
                const inRow = ((a * L + is[k]) * n + b) * L;
                const outRow = ((a * Lo + qs[k]) * n + b) * Lo;
                for (let j = 0; j < qs.length; j++) {
                  oK[outRow + qs[j]] += K[inRow + is[j]];
                  oT[outRow + qs[j]] += T[inRow + is[j]];
                }
              }
            }
          }
        }
      }
      const scale = w2 / taps;
      for (let i = 0; i < oK.length; i++) {
        const k = scale * oK[i] + b2;
        oK[i] = k;
        oT[i] = k + scale * oT[i];
      }
      return out;
    },
  };
}
