import type { Activation, SpatialActivations, SpatialLayer } from '@spec/core';
import { activationOption } from '../activations/resolve.js';
import { activations, assertActivations, assertShapeArg, shapeOf } from './activations.js';
import { assertOptions } from './params.js';

/** Options of {@link spatialActivation}. */
export interface SpatialActivationOptions {
  /** φ: an Activation object or the name of a registered activation (used raw, as registered). */
  readonly fn: Activation | string;
}

interface ActivationCache {
  readonly x: SpatialActivations;
}

/**
 * The element-wise layer `y = φ(x)` at every sample, position and channel (apps/docs/theory/architectures.md#activations),
 * with any activation of the registry; no parameters, so no NTK share. Backward: `gx = φ′(x) ⊙ gy`.
 *
 * @throws SpecError `E_INPUT` for an unknown or malformed activation
 */
export function spatialActivation(options: SpatialActivationOptions): SpatialLayer<ActivationCache> {
  assertOptions(options, 'act');
  const act = activationOption(options.fn, 'act');
  const where = `act (${act.name})`;
  return {
    kind: 'act',
    init(inShape) {
      assertShapeArg(inShape, where);
      return { params: {}, outShape: { spatial: [...inShape.spatial], channels: inShape.channels } };
    },
    apply(_params, x) {
      assertActivations(x, where, 'the input');
      const y = new Float64Array(x.data.length);
      for (let i = 0; i < y.length; i++) y[i] = act.fn(x.data[i]);
      return { y: activations(y, x.samples, shapeOf(x)), cache: { x } };
    },
    vjp(_params, cache, gy) {
      const { x } = cache;
      assertActivations(gy, where, 'the output gradient', { ...shapeOf(x), samples: x.samples });
      const gx = new Float64Array(x.data.length);
      for (let i = 0; i < gx.length; i++) gx[i] = act.deriv(x.data[i]) * gy.data[i];
      return { gx: activations(gx, x.samples, shapeOf(x)), gparams: {} };
    },
    ntk: () => null,
  };
}
