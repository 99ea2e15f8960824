import type { Activations, Layer, LayerParams } from '@spec/core';
import type { Padding } from '../architecture/spec.js';
import { activations, assertActivations, assertShapeArg, spatialSize } from './activations.js';
import {
  biasGradients,
  denseForward,
  denseInputGradient,
  denseWeightGradient,
  denseWeightNtk,
} from './dense-products.js';
import { assertPadding, windowIndexMap, type WindowIndexMap } from '../kernel-maps/index-map.js';
import { assertCount, assertCounts, assertOptions, assertStd, drawNormal, param } from './params.js';
import { samplesPerBlock } from './sample-gram.js';

/** Memory for the patches of a block of samples held at once (32 MiB). */
const PATCH_BLOCK_BYTES = 32 * 2 ** 20;

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
  readonly x: Activations;
  readonly map: WindowIndexMap;
}

/**
 * An n-dimensional convolution with weights shared over positions (apps/docs/theory/architectures.md#convolution),
 * NTK parametrisation with fan-in C_in·|F|:
 * `y_o(a,p) = W_std/√(C_in|F|) Σ_{δ∈F} Σ_i ω_{δ,o,i} x_i(a, ι(p,δ)) + b_std β_o`, with x(·, ∅) = 0 at padded offsets.
 * Parameters `W` (|F| × C_out × C_in, offsets row-major over the filter) and, when b_std > 0, `b` (C_out).
 *
 * A convolution is the dense map of its patches: row (a, p) of the patch matrix holds x(a, ι(p, δ)) for every offset δ
 * (zero where padded), |F|·C_in numbers, and `y = α · patches · W_matᵀ` with W_mat[o, (δ, i)] = ω_{δ,o,i}. Forward
 * pass, vjp and NTK share are the spatial dense layer's products on the patches (`dense-products.ts`, on the backend),
 * the input gradient scattered back from the patches, with patches made for blocks of samples of bounded memory.
 *
 * NTK share (apps/docs/theory/architectures.md#finite-layers): each weight ω_{δ,o,i} collects its uses at every
 * output position, ∂f(x_a)/∂ω_{δ,o,i} = α Σ_p g_o(a,p) x_i(a, ι(p,δ)), i.e. the dense share on the patches, plus the
 * bias term `b_std² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩`.
 *
 * @throws SpecError `E_INPUT` for a bad width, filter, stride, padding or scale
 */
export function spatialConv(options: SpatialConvOptions): Layer<ConvCache> {
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
  const weights = (params: LayerParams, cin: number): { W: Float64Array; b: Float64Array | null } => ({
    W: param(params, 'W', taps * width * cin, 'conv'),
    b: hasBias ? param(params, 'b', width, 'conv') : null,
  });

  function checkGradient(cache: ConvCache, gy: Activations): void {
    assertActivations(gy, 'conv', 'the output gradient', {
      spatial: cache.map.outputSpatial,
      channels: width,
      samples: cache.x.samples,
    });
  }

  /** Samples per block of patches. */
  const blockOf = (x: Activations, map: WindowIndexMap): number =>
    samplesPerBlock(x.samples, spatialSize(map.outputSpatial) * taps * x.channels, PATCH_BLOCK_BYTES);

  return {
    kind: 'conv',
    init(inShape, rng) {
      assertShapeArg(inShape, 'conv');
      const map = mapOf(inShape.spatial);
      const params: Record<string, Float64Array> = { W: drawNormal(rng, 'W', taps * width * inShape.channels) };
      if (hasBias) params.b = drawNormal(rng, 'b', width);
      return { params, outShape: { spatial: [...map.outputSpatial], channels: width } };
    },
    apply(params, x, { backend }) {
      assertActivations(x, 'conv', 'the input');
      const cin = x.channels;
      const { W, b } = weights(params, cin);
      const map = mapOf(x.spatial);
      const alpha = wStd / Math.sqrt(cin * taps);
      const Lout = spatialSize(map.outputSpatial);
      const Wmat = weightMatrix(W, taps, width, cin);
      const y = new Float64Array(x.samples * Lout * width);
      const bias = b !== null ? { b, scale: bStd } : null;
      const B = blockOf(x, map);
      for (let a0 = 0; a0 < x.samples; a0 += B) {
        const a1 = Math.min(x.samples, a0 + B);
        const rows = (a1 - a0) * Lout;
        y.set(denseForward(backend, patches(x, map, taps, a0, a1), rows, Wmat, width, alpha, bias), a0 * Lout * width);
      }
      return {
        y: activations(y, x.samples, { spatial: map.outputSpatial, channels: width }),
        cache: { x, map },
      };
    },
    vjp(params, cache, gy, { backend }, options) {
      checkGradient(cache, gy);
      const { x, map } = cache;
      const cin = x.channels;
      const { W } = weights(params, cin);
      const alpha = wStd / Math.sqrt(cin * taps);
      const Lin = spatialSize(x.spatial);
      const Lout = spatialSize(map.outputSpatial);
      const K = taps * cin;
      const Wmat = weightMatrix(W, taps, width, cin);
      const wantParams = options?.params !== false;
      const gx = new Float64Array(x.data.length);
      const gWmat = wantParams ? new Float64Array(width * K) : null;
      const B = blockOf(x, map);
      for (let a0 = 0; a0 < x.samples; a0 += B) {
        const a1 = Math.min(x.samples, a0 + B);
        const rows = (a1 - a0) * Lout;
        const g = gy.data.subarray(a0 * Lout * width, a1 * Lout * width);
        // Scatter the patch gradient back to the positions each patch entry came from.
        const gP = denseInputGradient(backend, g, rows, Wmat, width, alpha);
        for (let a = a0; a < a1; a++) {
          for (let p = 0; p < Lout; p++) {
            const row = ((a - a0) * Lout + p) * K;
            for (let t = 0; t < taps; t++) {
              const src = map.index[p * taps + t];
              if (src < 0) continue;
              const xo = (a * Lin + src) * cin;
              const po = row + t * cin;
              for (let i = 0; i < cin; i++) gx[xo + i] += gP[po + i];
            }
          }
        }
        if (gWmat !== null) {
          const part = denseWeightGradient(backend, g, patches(x, map, taps, a0, a1), rows, width, K, alpha);
          for (let k = 0; k < part.length; k++) gWmat[k] += part[k];
        }
      }
      const gxAct = activations(gx, x.samples, { spatial: x.spatial, channels: cin });
      if (gWmat === null) return { gx: gxAct, gparams: {} };
      const gparams: Record<string, Float64Array> = { W: weightsFromMatrix(gWmat, taps, width, cin) };
      if (hasBias) gparams.b = biasGradients(gy.data, 1, x.samples * Lout, width, bStd);
      return { gx: gxAct, gparams };
    },
    ntk(params, cache, gy, { backend }) {
      checkGradient(cache, gy);
      const { x, map } = cache;
      weights(params, x.channels);
      const alpha = wStd / Math.sqrt(x.channels * taps);
      const shape = { n: x.samples, L: spatialSize(map.outputSpatial), cin: taps * x.channels, cout: width };
      return denseWeightNtk(backend, (from, to) => patches(x, map, taps, from, to), gy.data, shape, alpha, {
        biasScale: bStd,
      });
    },
  };
}

/**
 * The patch rows of samples from … to − 1: row (a, p) holds x(a, ι(p, δ)) for the offsets δ in filter order, C_in
 * numbers each, zero where ι(p, δ) falls in the padding ((to − from)·L_out × |F|·C_in, row-major).
 */
export function patches(x: Activations, map: WindowIndexMap, taps: number, from: number, to: number): Float64Array {
  const cin = x.channels;
  const Lin = spatialSize(x.spatial);
  const Lout = spatialSize(map.outputSpatial);
  const K = taps * cin;
  const P = new Float64Array((to - from) * Lout * K);
  for (let a = from; a < to; a++) {
    for (let p = 0; p < Lout; p++) {
      const row = ((a - from) * Lout + p) * K;
      for (let t = 0; t < taps; t++) {
        const src = map.index[p * taps + t];
        if (src < 0) continue;
        const xo = (a * Lin + src) * cin;
        P.set(x.data.subarray(xo, xo + cin), row + t * cin);
      }
    }
  }
  return P;
}

/** W_mat (C_out × |F|·C_in) from the parameter layout W (|F| × C_out × C_in): W_mat[o, t·C_in + i] = W[t, o, i]. */
function weightMatrix(W: Float64Array, taps: number, cout: number, cin: number): Float64Array {
  const M = new Float64Array(W.length);
  for (let t = 0; t < taps; t++) {
    for (let o = 0; o < cout; o++)
      M.set(W.subarray((t * cout + o) * cin, (t * cout + o + 1) * cin), (o * taps + t) * cin);
  }
  return M;
}

/** The parameter layout (|F| × C_out × C_in) of a W_mat-shaped array (the inverse of {@link weightMatrix}). */
function weightsFromMatrix(M: Float64Array, taps: number, cout: number, cin: number): Float64Array {
  const W = new Float64Array(M.length);
  for (let t = 0; t < taps; t++) {
    for (let o = 0; o < cout; o++)
      W.set(M.subarray((o * taps + t) * cin, (o * taps + t + 1) * cin), (t * cout + o) * cin);
  }
  return W;
}
