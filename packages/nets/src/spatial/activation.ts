import type { Activation, Layer } from '@spec/core';
import { activationOption } from '../activations/resolve.js';
import { elementwiseLayer, type ElementwiseCache } from '../layers/elementwise.js';
import { assertOptions } from './params.js';

/** Options of {@link spatialActivation}. */
export interface SpatialActivationOptions {
  /** φ: an Activation object or the name of a registered activation (used raw, as registered). */
  readonly fn: Activation | string;
}

/**
 * The element-wise layer `y = φ(x)` at every sample, position and channel (apps/docs/theory/architectures.md#activations),
 * with any activation of the registry: the JSON format's `act`, the same layer as the MLP's `activationLayer`.
 *
 * @throws SpecError `E_INPUT` for an unknown or malformed activation
 */
export function spatialActivation(options: SpatialActivationOptions): Layer<ElementwiseCache> {
  assertOptions(options, 'act');
  return elementwiseLayer(activationOption(options.fn, 'act'), 'act');
}
