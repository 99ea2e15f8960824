import { SpecError, type Activations, type Layer } from '@spec/core';
import type { Padding } from '../architecture/spec.js';
import { activations, assertActivations, assertShapeArg, shapeOf, spatialSize } from './activations.js';
import { assertPadding, windowIndexMap, type WindowIndexMap } from '../kernel-maps/index-map.js';
import { assertCounts, assertOptions, parameterFree } from './params.js';

/** Options of {@link spatialAvgPool} and {@link spatialSumPool}. */
export interface SpatialPoolOptions {
  /** Window size per spatial axis. */
  readonly window: ReadonlyArray<number>;
  /** Stride per axis (default 1 on every axis, as neural-tangents). */
  readonly strides?: ReadonlyArray<number>;
  /** `'VALID'` (default), `'SAME'` or `'CIRCULAR'`. */
  readonly padding?: Padding;
  /** Average pooling only: divide by the number of non-padded window taps instead of |w| (default false). */
  readonly normalize_edges?: boolean;
}

interface PoolCache {
  readonly x: Activations;
  readonly map: WindowIndexMap;
  /** The weight M[p, ·] of every tap at output position p. */
  readonly weight: Float64Array;
}

function pool(kind: 'avg_pool' | 'sum_pool', options: SpatialPoolOptions): Layer<PoolCache> {
  assertOptions(options, kind);
  const window = assertCounts(options.window, kind, 'window');
  const strides = assertCounts(options.strides ?? window.map(() => 1), kind, 'strides');
  const padding = assertPadding(options.padding ?? 'VALID', kind);
  const normalizeEdges = options.normalize_edges ?? false;
  if (typeof normalizeEdges !== 'boolean') {
    throw new SpecError(
      'E_INPUT',
      `${kind}: normalize_edges must be true or false, got ${JSON.stringify(normalizeEdges)}`,
    );
  }
  if (normalizeEdges && kind === 'sum_pool') {
    throw new SpecError('E_INPUT', 'sum_pool: normalize_edges applies to avg_pool only');
  }
  const taps = spatialSize(window);

  function plan(spatial: ReadonlyArray<number>): { map: WindowIndexMap; weight: Float64Array } {
    const map = windowIndexMap(spatial, window, strides, padding, kind);
    const Lout = spatialSize(map.outputSpatial);
    const weight = new Float64Array(Lout);
    for (let p = 0; p < Lout; p++) {
      let valid = 0;
      for (let t = 0; t < taps; t++) if (map.index[p * taps + t] >= 0) valid++;
      weight[p] = kind === 'sum_pool' ? 1 : 1 / (normalizeEdges ? valid : taps);
    }
    return { map, weight };
  }

  return parameterFree({
    kind,
    init(inShape) {
      assertShapeArg(inShape, kind);
      const { map } = plan(inShape.spatial);
      return { params: {}, outShape: { spatial: [...map.outputSpatial], channels: inShape.channels } };
    },
    apply(_params, x) {
      assertActivations(x, kind, 'the input');
      const { map, weight } = plan(x.spatial);
      const C = x.channels;
      const Lin = spatialSize(x.spatial);
      const Lout = spatialSize(map.outputSpatial);
      const y = new Float64Array(x.samples * Lout * C);
      for (let a = 0; a < x.samples; a++) {
        for (let p = 0; p < Lout; p++) {
          const yo = (a * Lout + p) * C;
          for (let t = 0; t < taps; t++) {
            const src = map.index[p * taps + t];
            if (src < 0) continue;
            const xo = (a * Lin + src) * C;
            for (let c = 0; c < C; c++) y[yo + c] += weight[p] * x.data[xo + c];
          }
        }
      }
      return { y: activations(y, x.samples, { spatial: map.outputSpatial, channels: C }), cache: { x, map, weight } };
    },
    vjp(_params, cache, gy) {
      const { x, map, weight } = cache;
      assertActivations(gy, kind, 'the output gradient', {
        spatial: map.outputSpatial,
        channels: x.channels,
        samples: x.samples,
      });
      const C = x.channels;
      const Lin = spatialSize(x.spatial);
      const Lout = spatialSize(map.outputSpatial);
      const gx = new Float64Array(x.data.length);
      for (let a = 0; a < x.samples; a++) {
        for (let p = 0; p < Lout; p++) {
          const go = (a * Lout + p) * C;
          for (let t = 0; t < taps; t++) {
            const src = map.index[p * taps + t];
            if (src < 0) continue;
            const xo = (a * Lin + src) * C;
            for (let c = 0; c < C; c++) gx[xo + c] += weight[p] * gy.data[go + c];
          }
        }
      }
      return { gx: activations(gx, x.samples, shapeOf(x)), gparams: {} };
    },
    ntk: () => null,
  });
}

/**
 * Average pooling over windows (apps/docs/theory/architectures.md#average-pooling):
 * `y(a,p) = Σ_δ x(a, ι(p,δ)) / |w|` (or / the number of non-padded taps with `normalize_edges`), the index map of the
 * convolution. No parameters.
 *
 * @throws SpecError `E_INPUT` for a bad window, stride, padding or normalize_edges
 */
export function spatialAvgPool(options: SpatialPoolOptions): Layer<PoolCache> {
  return pool('avg_pool', options);
}

/**
 * Sum pooling over windows (apps/docs/theory/architectures.md#average-pooling): average pooling without the 1/|w|.
 *
 * @throws SpecError `E_INPUT` for a bad window, stride or padding
 */
export function spatialSumPool(options: Omit<SpatialPoolOptions, 'normalize_edges'>): Layer<PoolCache> {
  return pool('sum_pool', options);
}

/** Options of {@link spatialMaxPool}. */
export type SpatialMaxPoolOptions = Omit<SpatialPoolOptions, 'normalize_edges'>;

interface MaxPoolCache {
  readonly x: Activations;
  readonly outputSpatial: ReadonlyArray<number>;
  /** For every output entry (a, p, c), the flat input index it took its value from. */
  readonly argmax: Int32Array;
}

/**
 * Max pooling over windows: `y_c(a,p) = max_δ x_c(a, ι(p,δ))` over the taps that fall inside the input (padding
 * never wins, as padding with −∞ in neural-tangents' `MaxPool`), the index map of the convolution. No parameters; the
 * gradient goes to the first tap that attains the maximum. It has no closed-form infinite-width kernel map
 * (apps/docs/theory/architectures.md#no-closed-form): its finite network is what there is to study.
 *
 * @throws SpecError `E_INPUT` for a bad window, stride or padding
 */
export function spatialMaxPool(options: SpatialMaxPoolOptions): Layer<MaxPoolCache> {
  const kind = 'max_pool';
  assertOptions(options, kind);
  const window = assertCounts(options.window, kind, 'window');
  const strides = assertCounts(options.strides ?? window.map(() => 1), kind, 'strides');
  const padding = assertPadding(options.padding ?? 'VALID', kind);
  const taps = spatialSize(window);
  return parameterFree({
    kind,
    init(inShape) {
      assertShapeArg(inShape, kind);
      const map = windowIndexMap(inShape.spatial, window, strides, padding, kind);
      return { params: {}, outShape: { spatial: [...map.outputSpatial], channels: inShape.channels } };
    },
    apply(_params, x) {
      assertActivations(x, kind, 'the input');
      const map = windowIndexMap(x.spatial, window, strides, padding, kind);
      const C = x.channels;
      const Lin = spatialSize(x.spatial);
      const Lout = spatialSize(map.outputSpatial);
      const y = new Float64Array(x.samples * Lout * C);
      const argmax = new Int32Array(y.length).fill(-1);
      for (let a = 0; a < x.samples; a++) {
        for (let p = 0; p < Lout; p++) {
          const yo = (a * Lout + p) * C;
          for (let t = 0; t < taps; t++) {
            const src = map.index[p * taps + t];
            if (src < 0) continue;
            const xo = (a * Lin + src) * C;
            for (let c = 0; c < C; c++) {
              if (argmax[yo + c] < 0 || x.data[xo + c] > y[yo + c]) {
                y[yo + c] = x.data[xo + c];
                argmax[yo + c] = xo + c;
              }
            }
          }
          // SAME or CIRCULAR windows always hold an input tap; a window of padding only cannot arise.
          if (C > 0 && argmax[yo] < 0) throw new SpecError('E_SHAPE', 'max_pool: a window covers padding only');
        }
      }
      return {
        y: activations(y, x.samples, { spatial: map.outputSpatial, channels: C }),
        cache: { x, outputSpatial: map.outputSpatial, argmax },
      };
    },
    vjp(_params, cache, gy) {
      const { x, outputSpatial, argmax } = cache;
      assertActivations(gy, kind, 'the output gradient', {
        spatial: outputSpatial,
        channels: x.channels,
        samples: x.samples,
      });
      const gx = new Float64Array(x.data.length);
      for (let i = 0; i < argmax.length; i++) gx[argmax[i]] += gy.data[i];
      return { gx: activations(gx, x.samples, shapeOf(x)), gparams: {} };
    },
    ntk: () => null,
  });
}

interface ReduceCache {
  readonly x: Activations;
}

/**
 * Global average pooling (apps/docs/theory/architectures.md#global-average-pooling): `y_c(a) = (1/L) Σ_p x_c(a,p)`,
 * a record with no positions and the same channels. A dense readout after it shares one weight over all positions.
 */
export function spatialGlobalAvgPool(): Layer<ReduceCache> {
  return parameterFree({
    kind: 'global_avg_pool',
    init(inShape) {
      assertShapeArg(inShape, 'global_avg_pool');
      return { params: {}, outShape: { spatial: [], channels: inShape.channels } };
    },
    apply(_params, x) {
      assertActivations(x, 'global_avg_pool', 'the input');
      const L = spatialSize(x.spatial);
      const C = x.channels;
      const y = new Float64Array(x.samples * C);
      for (let a = 0; a < x.samples; a++) {
        for (let p = 0; p < L; p++) for (let c = 0; c < C; c++) y[a * C + c] += x.data[(a * L + p) * C + c] / L;
      }
      return { y: activations(y, x.samples, { spatial: [], channels: C }), cache: { x } };
    },
    vjp(_params, cache, gy) {
      const { x } = cache;
      assertActivations(gy, 'global_avg_pool', 'the output gradient', {
        spatial: [],
        channels: x.channels,
        samples: x.samples,
      });
      const L = spatialSize(x.spatial);
      const C = x.channels;
      const gx = new Float64Array(x.data.length);
      for (let a = 0; a < x.samples; a++) {
        for (let p = 0; p < L; p++) for (let c = 0; c < C; c++) gx[(a * L + p) * C + c] = gy.data[a * C + c] / L;
      }
      return { gx: activations(gx, x.samples, shapeOf(x)), gparams: {} };
    },
    ntk: () => null,
  });
}
