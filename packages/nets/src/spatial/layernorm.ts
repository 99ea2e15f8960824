import { SpecError, type Activations, type Layer } from '@spec/core';
import { activations, assertActivations, assertShapeArg, shapeOf, spatialSize } from './activations.js';
import { assertOptions, assertStd, parameterFree } from './params.js';

/** Options of {@link spatialLayerNorm}. */
export interface SpatialLayerNormOptions {
  /** ε added to the variance (default 0). */
  readonly eps?: number;
}

interface LayerNormCache {
  /** The normalised output ĥ. */
  readonly y: Activations;
  /** √(σ² + ε) per (sample, position). */
  readonly scale: Float64Array;
}

/**
 * LayerNorm over channels at every position, no trainable gain or bias (apps/docs/theory/architectures.md#layernorm):
 * `y_c(a,p) = (x_c(a,p) − μ(a,p)) / √(σ²(a,p) + ε)` with the mean and (biased) variance over channels. Backward
 * `gx = (gy − mean_c gy − ĥ · mean_c(gy ⊙ ĥ)) / √(σ² + ε)`: 1/s times a projection removing two directions.
 *
 * @throws SpecError `E_INPUT` for a negative or non-finite eps
 */
export function spatialLayerNorm(options: SpatialLayerNormOptions = {}): Layer<LayerNormCache> {
  assertOptions(options, 'layernorm');
  const eps = assertStd(options.eps ?? 0, 'layernorm', 'eps');
  return parameterFree({
    kind: 'layernorm',
    init(inShape) {
      assertShapeArg(inShape, 'layernorm');
      return { params: {}, outShape: { spatial: [...inShape.spatial], channels: inShape.channels } };
    },
    apply(_params, x) {
      assertActivations(x, 'layernorm', 'the input');
      const C = x.channels;
      const rows = x.samples * spatialSize(x.spatial);
      const y = new Float64Array(x.data.length);
      const scale = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        const o = r * C;
        let mean = 0;
        for (let c = 0; c < C; c++) mean += x.data[o + c];
        mean /= C;
        let v = 0;
        for (let c = 0; c < C; c++) v += (x.data[o + c] - mean) ** 2;
        const s = Math.sqrt(v / C + eps);
        if (!(s > 0) || !Number.isFinite(s)) {
          throw new SpecError(
            'E_DATA',
            `layernorm: the channels at sample ${Math.floor(r / spatialSize(x.spatial)) + 1} have zero (or non-finite) variance; use eps > 0 or more than one channel`,
          );
        }
        scale[r] = s;
        for (let c = 0; c < C; c++) y[o + c] = (x.data[o + c] - mean) / s;
      }
      const yAct = activations(y, x.samples, shapeOf(x));
      return { y: yAct, cache: { y: yAct, scale } };
    },
    vjp(_params, cache, gy) {
      const { y, scale } = cache;
      assertActivations(gy, 'layernorm', 'the output gradient', { ...shapeOf(y), samples: y.samples });
      const C = y.channels;
      const gx = new Float64Array(y.data.length);
      for (let r = 0; r < scale.length; r++) {
        const o = r * C;
        let mg = 0;
        let mgy = 0;
        for (let c = 0; c < C; c++) {
          mg += gy.data[o + c];
          mgy += gy.data[o + c] * y.data[o + c];
        }
        mg /= C;
        mgy /= C;
        for (let c = 0; c < C; c++) gx[o + c] = (gy.data[o + c] - mg - y.data[o + c] * mgy) / scale[r];
      }
      return { gx: activations(gx, y.samples, shapeOf(y)), gparams: {} };
    },
    ntk: () => null,
  });
}
