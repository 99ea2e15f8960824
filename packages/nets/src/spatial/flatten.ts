import { SpecError, type Activations, type Layer } from '@spec/core';
import { activations, assertActivations, assertShapeArg, shapeOf, spatialSize } from './activations.js';
import { parameterFree } from './params.js';

interface ShapeCache {
  readonly x: Activations;
}

/**
 * Flatten (apps/docs/theory/architectures.md#flatten): positions and channels become C·L channels with no positions,
 * position-major (the row-major data is unchanged). A dense readout after it has fan-in C·L and its own weight for every
 * position.
 */
export function spatialFlatten(): Layer<ShapeCache> {
  return parameterFree({
    kind: 'flatten',
    init(inShape) {
      assertShapeArg(inShape, 'flatten');
      return { params: {}, outShape: { spatial: [], channels: spatialSize(inShape.spatial) * inShape.channels } };
    },
    apply(_params, x) {
      assertActivations(x, 'flatten', 'the input');
      const channels = spatialSize(x.spatial) * x.channels;
      return { y: activations(Float64Array.from(x.data), x.samples, { spatial: [], channels }), cache: { x } };
    },
    vjp(_params, cache, gy) {
      const { x } = cache;
      const channels = spatialSize(x.spatial) * x.channels;
      assertActivations(gy, 'flatten', 'the output gradient', { spatial: [], channels, samples: x.samples });
      return { gx: activations(Float64Array.from(gy.data), x.samples, shapeOf(x)), gparams: {} };
    },
    ntk: () => null,
  });
}

/**
 * The last position of a sequence (the last-state readout of an RNN, apps/docs/theory/architectures.md#rnn):
 * `y_c(a) = x_c(a, T)`, no positions. Needs exactly one spatial axis.
 */
export function spatialLast(): Layer<ShapeCache> {
  const checkRank = (spatial: ReadonlyArray<number>): void => {
    if (spatial.length !== 1) {
      throw new SpecError(
        'E_SHAPE',
        `last: needs a sequence (one spatial axis), got spatial shape [${spatial.join(', ')}]; use flatten or global_avg_pool`,
      );
    }
  };
  return parameterFree({
    kind: 'last',
    init(inShape) {
      assertShapeArg(inShape, 'last');
      checkRank(inShape.spatial);
      return { params: {}, outShape: { spatial: [], channels: inShape.channels } };
    },
    apply(_params, x) {
      assertActivations(x, 'last', 'the input');
      checkRank(x.spatial);
      const [T] = x.spatial;
      const C = x.channels;
      const y = new Float64Array(x.samples * C);
      for (let a = 0; a < x.samples; a++) y.set(x.data.subarray((a * T + T - 1) * C, (a * T + T) * C), a * C);
      return { y: activations(y, x.samples, { spatial: [], channels: C }), cache: { x } };
    },
    vjp(_params, cache, gy) {
      const { x } = cache;
      assertActivations(gy, 'last', 'the output gradient', { spatial: [], channels: x.channels, samples: x.samples });
      const [T] = x.spatial;
      const C = x.channels;
      const gx = new Float64Array(x.data.length);
      for (let a = 0; a < x.samples; a++) gx.set(gy.data.subarray(a * C, (a + 1) * C), (a * T + T - 1) * C);
      return { gx: activations(gx, x.samples, shapeOf(x)), gparams: {} };
    },
    ntk: () => null,
  });
}
