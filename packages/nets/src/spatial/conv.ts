import type { SpatialActivations, SpatialLayer, SpatialParams } from '@spec/core';
import type { Padding } from '../architecture/spec.js';
import { activations, assertActivations, assertShapeArg, spatialSize } from './activations.js';
import { signalSumGram } from './dense.js';
import { assertPadding, windowIndexMap, type WindowIndexMap } from '../kernel-maps/index-map.js';
import { assertCount, assertCounts, assertOptions, assertStd, drawNormal, param } from './params.js';
import { addInto, perSampleGradientGram } from './sample-gram.js';

/** Options of {@link spatialConv}. */
export interface SpatialConvOptions {
  /** Output channels. */
  readonly width: number;
  /** Filter size per spatial axis, e.g. [3, 3]. */
  readonly filter: ReadonlyArray<number>;
  /** Stride per axis (default 1 on every axis). */
  readonly strides?: ReadonlyArray<number>;
  /** `'VALID'` (default), `'SAME'` (zero padding) or `'CIRCULAR'` (wrap-around). */
  readonly padding?: Padding;
  /** W_std (default 1). */
  readonly W_std?: number;
  /** b_std (default 0: no bias parameter). */
  readonly b_std?: number;
}

interface ConvCache {
  readonly x: SpatialActivations;
  readonly map: WindowIndexMap;
}

/**
 * An n-dimensional convolution with weights shared over positions (apps/docs/theory/architectures.md#convolution),
 * NTK parametrisation with fan-in C_in·|F|:
 * `y_o(a,p) = W_std/√(C_in|F|) Σ_{δ∈F} Σ_i ω_{δ,o,i} x_i(a, ι(p,δ)) + b_std β_o`, with x(·, ∅) = 0 at padded offsets.
 * Parameters `W` (|F| × C_out × C_in, offsets row-major over the filter) and, when b_std > 0, `b` (C_out).
 *
 * NTK share (apps/docs/theory/architectures.md#finite-layers): each weight ω_{δ,o,i} collects its uses at every
 * output position, ∂f(x_a)/∂ω_{δ,o,i} = α Σ_p g_o(a,p) x_i(a, ι(p,δ)); the share is the Gram of these per-sample
 * gradients (O(n L |F| C_in C_out + n² |F| C_in C_out), rows held in blocks of bounded memory) plus the bias term
 * `b_std² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩`.
 *
 * @throws SpecError `E_INPUT` for a bad width, filter, stride, padding or scale
 */
export function spatialConv(options: SpatialConvOptions): SpatialLayer<ConvCache> {
  assertOptions(options, 'conv');
  const width = assertCount(options.width, 'conv', 'width');
  const filter = assertCounts(options.filter, 'conv', 'filter');
  const strides = assertCounts(options.strides ?? filter.map(() => 1), 'conv', 'strides');
  const padding = assertPadding(options.padding ?? 'VALID', 'conv');
  const wStd = assertStd(options.W_std ?? 1, 'conv', 'W_std');
  const bStd = assertStd(options.b_std ?? 0, 'conv', 'b_std');
  const hasBias = bStd > 0;
  const taps = spatialSize(filter);
  const mapOf = (spatial: ReadonlyArray<number>): WindowIndexMap =>
    windowIndexMap(spatial, filter, strides, padding, 'conv');
  const weights = (params: SpatialParams, cin: number): { W: Float64Array; b: Float64Array | null } => ({
    W: param(params, 'W', taps * width * cin, 'conv'),
    b: hasBias ? param(params, 'b', width, 'conv') : null,
  });

  /** Adds ∂f(x_a)/∂ω (scaled by α) for sample a into gW. */
  function addWeightGradient(
    a: number,
    x: SpatialActivations,
    gy: SpatialActivations,
    map: WindowIndexMap,
    alpha: number,
    gW: Float64Array,
  ): void {
    const cin = x.channels;
    const Lin = spatialSize(x.spatial);
    const Lout = spatialSize(map.outputSpatial);
    for (let p = 0; p < Lout; p++) {
      const go = (a * Lout + p) * width;
      for (let t = 0; t < taps; t++) {
        const src = map.index[p * taps + t];
        if (src < 0) continue;
        const xo = (a * Lin + src) * cin;
        for (let o = 0; o < width; o++) {
          const v = alpha * gy.data[go + o];
          if (v === 0) continue;
          const wo = (t * width + o) * cin;
          for (let i = 0; i < cin; i++) gW[wo + i] += v * x.data[xo + i];
        }
      }
    }
  }

  function checkGradient(cache: ConvCache, gy: SpatialActivations): void {
    assertActivations(gy, 'conv', 'the output gradient', {
      spatial: cache.map.outputSpatial,
      channels: width,
      samples: cache.x.samples,
    });
  }

  return {
    kind: 'conv',
    init(inShape, rng) {
      assertShapeArg(inShape, 'conv');
      const map = mapOf(inShape.spatial);
      const params: Record<string, Float64Array> = { W: drawNormal(rng, 'W', taps * width * inShape.channels) };
      if (hasBias) params.b = drawNormal(rng, 'b', width);
      return { params, outShape: { spatial: [...map.outputSpatial], channels: width } };
    },
    apply(params, x) {
      assertActivations(x, 'conv', 'the input');
      const cin = x.channels;
      const { W, b } = weights(params, cin);
      const map = mapOf(x.spatial);
      const alpha = wStd / Math.sqrt(cin * taps);
      const Lin = spatialSize(x.spatial);
      const Lout = spatialSize(map.outputSpatial);
      const y = new Float64Array(x.samples * Lout * width);
      for (let a = 0; a < x.samples; a++) {
        for (let p = 0; p < Lout; p++) {
          const yo = (a * Lout + p) * width;
          for (let t = 0; t < taps; t++) {
            const src = map.index[p * taps + t];
            if (src < 0) continue;
            const xo = (a * Lin + src) * cin;
            for (let o = 0; o < width; o++) {
              const wo = (t * width + o) * cin;
              let s = 0;
              for (let i = 0; i < cin; i++) s += W[wo + i] * x.data[xo + i];
              y[yo + o] += alpha * s;
            }
          }
          if (b !== null) for (let o = 0; o < width; o++) y[yo + o] += bStd * b[o];
        }
      }
      return {
        y: activations(y, x.samples, { spatial: map.outputSpatial, channels: width }),
        cache: { x, map },
      };
    },
    vjp(params, cache, gy, _ctx, options) {
      checkGradient(cache, gy);
      const { x, map } = cache;
      const cin = x.channels;
      const { W } = weights(params, cin);
      const alpha = wStd / Math.sqrt(cin * taps);
      const Lin = spatialSize(x.spatial);
      const Lout = spatialSize(map.outputSpatial);
      const gx = new Float64Array(x.data.length);
      for (let a = 0; a < x.samples; a++) {
        for (let p = 0; p < Lout; p++) {
          const go = (a * Lout + p) * width;
          for (let t = 0; t < taps; t++) {
            const src = map.index[p * taps + t];
            if (src < 0) continue;
            const xo = (a * Lin + src) * cin;
            for (let o = 0; o < width; o++) {
              const v = alpha * gy.data[go + o];
              if (v === 0) continue;
              const wo = (t * width + o) * cin;
              for (let i = 0; i < cin; i++) gx[xo + i] += v * W[wo + i];
            }
          }
        }
      }
      const gxAct = activations(gx, x.samples, { spatial: x.spatial, channels: cin });
      if (options?.params === false) return { gx: gxAct, gparams: {} };
      const gW = new Float64Array(W.length);
      for (let a = 0; a < x.samples; a++) addWeightGradient(a, x, gy, map, alpha, gW);
      const gparams: Record<string, Float64Array> = { W: gW };
      if (hasBias) {
        const gb = new Float64Array(width);
        for (let r = 0; r < x.samples * Lout; r++)
          for (let o = 0; o < width; o++) gb[o] += bStd * gy.data[r * width + o];
        gparams.b = gb;
      }
      return { gx: gxAct, gparams };
    },
    ntk(params, cache, gy) {
      checkGradient(cache, gy);
      const { x, map } = cache;
      const { W } = weights(params, x.channels);
      const alpha = wStd / Math.sqrt(x.channels * taps);
      const theta = perSampleGradientGram(x.samples, [W.length], (a, [row]) =>
        addWeightGradient(a, x, gy, map, alpha, row),
      );
      if (hasBias) addInto(theta, signalSumGram(gy, bStd));
      return theta;
    },
  };
}
