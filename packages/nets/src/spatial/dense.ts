import type { Backend, Activations, Layer, LayerParams } from '@spec/core';
import { activations, assertActivations, assertShapeArg, shapeOf, spatialSize } from './activations.js';
import {
  biasGradients,
  biasNtk,
  denseForward,
  denseInputGradient,
  denseWeightGradient,
  denseWeightNtk,
} from './dense-products.js';
import { assertCount, assertOptions, assertStd, drawNormal, param } from './params.js';

/** Options of {@link spatialDense}. */
export interface SpatialDenseOptions {
  /** Output channels C_out (1 for the readout). */
  readonly width: number;
  /** W_std (default 1). */
  readonly W_std?: number;
  /** b_std (default 0: no bias parameter, as neural-tangents' `b_std=None`). */
  readonly b_std?: number;
}

interface DenseCache {
  readonly x: Activations;
}

/**
 * A dense layer applied at every position with the same weights (a 1 × 1 convolution,
 * apps/docs/theory/architectures.md#dense), NTK parametrisation:
 * `y_o(a,p) = W_std Σ_i ω_oi x_i(a,p)/√C_in + b_std β_o`. Parameters `W` (C_out × C_in, row-major) and, when
 * b_std > 0, `b` (C_out), raw N(0, 1) draws. With no positions this is the MLP's `dense` with
 * `parametrization: 'ntk'`, `sigmaW2 = W_std²`, `sigmaB2 = b_std²` and the linear activation.
 *
 * NTK share (apps/docs/theory/architectures.md#finite-layers), with g = ∂f/∂y and α = W_std/√C_in:
 * `α² Σ_{p,q} ⟨x_a(p), x_b(q)⟩⟨g_a(p), g_b(q)⟩ + b_std² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩` ({@link denseWeightNtk}: with one
 * position the MLP dense share through the same `ntkTermsContribution`, otherwise by position Grams or per-sample
 * weight gradients, whichever costs less). Every product runs on the context's backend.
 *
 * @throws SpecError `E_INPUT` for a bad width or scale
 */
export function spatialDense(options: SpatialDenseOptions): Layer<DenseCache> {
  assertOptions(options, 'dense');
  const width = assertCount(options.width, 'dense', 'width');
  const wStd = assertStd(options.W_std ?? 1, 'dense', 'W_std');
  const bStd = assertStd(options.b_std ?? 0, 'dense', 'b_std');
  const hasBias = bStd > 0;

  const weights = (params: LayerParams, cin: number): { W: Float64Array; b: Float64Array | null } => ({
    W: param(params, 'W', width * cin, 'dense'),
    b: hasBias ? param(params, 'b', width, 'dense') : null,
  });

  return {
    kind: 'dense',
    init(inShape, rng) {
      assertShapeArg(inShape, 'dense');
      const params: Record<string, Float64Array> = { W: drawNormal(rng, 'W', width * inShape.channels) };
      if (hasBias) params.b = drawNormal(rng, 'b', width);
      return { params, outShape: { spatial: [...inShape.spatial], channels: width } };
    },
    apply(params, x, { backend }) {
      assertActivations(x, 'dense', 'the input');
      const { W, b } = weights(params, x.channels);
      const rows = x.samples * spatialSize(x.spatial);
      const alpha = wStd / Math.sqrt(x.channels);
      const y = denseForward(backend, x.data, rows, W, width, alpha, b !== null ? { b, scale: bStd } : null);
      return { y: activations(y, x.samples, { spatial: x.spatial, channels: width }), cache: { x } };
    },
    vjp(params, cache, gy, { backend }, options) {
      const { x } = cache;
      const cin = x.channels;
      assertActivations(gy, 'dense', 'the output gradient', { ...shapeOf(x), channels: width, samples: x.samples });
      const { W } = weights(params, cin);
      const alpha = wStd / Math.sqrt(cin);
      const rows = x.samples * spatialSize(x.spatial);
      const gx = activations(denseInputGradient(backend, gy.data, rows, W, width, alpha), x.samples, shapeOf(x));
      if (options?.params === false) return { gx, gparams: {} };
      const gparams: Record<string, Float64Array> = {
        W: denseWeightGradient(backend, gy.data, x.data, rows, width, cin, alpha),
      };
      if (hasBias) gparams.b = biasGradients(gy.data, 1, rows, width, bStd);
      return { gx, gparams };
    },
    ntk(params, cache, gy, { backend }) {
      const { x } = cache;
      assertActivations(gy, 'dense', 'the output gradient', { ...shapeOf(x), channels: width, samples: x.samples });
      weights(params, x.channels);
      const shape = { n: x.samples, L: spatialSize(x.spatial), cin: x.channels, cout: width };
      return denseWeightNtk(backend, x.data, gy.data, shape, wStd / Math.sqrt(x.channels), { biasScale: bStd });
    },
  };
}

/**
 * `s² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩` (n × n): the NTK share of a bias of scale s added at every position, on the backend.
 */
export function signalSumGram(backend: Backend, g: Activations, s: number): Float64Array {
  return biasNtk(backend, g.data, g.samples, spatialSize(g.spatial), g.channels, s);
}
