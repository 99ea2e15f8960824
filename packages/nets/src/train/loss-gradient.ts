import { SpecError, type Backend, type LayerParams } from '@spec/core';
import { forward, onesSignal, type Network, type NetworkInput, type NetworkParams } from '../network.js';

/** Result of {@link lossGradient}. */
export interface LossGradient {
  /** ℒ = (1/2n) Σ_i (f(x_i) − y_i)². */
  readonly loss: number;
  /** f(x_i) for every sample of X. */
  readonly outputs: Float64Array;
  /** ∇_θ ℒ per layer, same shapes as the parameters. */
  readonly grads: LayerParams[];
}

/**
 * Mean-squared loss ℒ = (1/2n) Σ_i (f(x_i) − y_i)² and its parameter gradient
 * (apps/docs/theory/spectral-evolution.md#training-setups): ∇_θ ℒ = (1/n) Σ_i r_i ∂f(x_i)/∂θ with r_i = f(x_i) − y_i,
 * by one backward pass of the per-sample residual weights g = r/n (one per sample) through the layers' `vjp` (which sum
 * per-sample gradients weighted by G).
 *
 * @throws SpecError `E_SHAPE` when y does not have one entry per column of X, and the errors of {@link forward}
 */
export function lossGradient(
  net: Network,
  params: NetworkParams,
  X: NetworkInput,
  y: ArrayLike<number>,
  backend: Backend,
): LossGradient {
  const fwd = forward(net, params, X, backend);
  const n = fwd.activations[0].samples;
  if (y.length !== n) throw new SpecError('E_SHAPE', `lossGradient: ${y.length} targets for ${n} samples`);
  const outputs = Float64Array.from(fwd.activations[fwd.activations.length - 1].data);
  const G = onesSignal(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const r = outputs[i] - y[i];
    loss += r * r;
    G.data[i] = r / n;
  }
  loss /= 2 * n;
  const ctx = { backend };
  const grads: LayerParams[] = new Array<LayerParams>(net.layers.length);
  let g = G;
  for (let i = net.layers.length - 1; i >= 0; i--) {
    const { gx, gparams } = net.layers[i].vjp(params[i], fwd.caches[i], g, ctx);
    grads[i] = gparams;
    g = gx;
  }
  return { loss, outputs, grads };
}
