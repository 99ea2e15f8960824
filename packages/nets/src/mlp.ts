import { SpecError, type Activation } from '@spec/core';
import { linear } from './activations/elementary.js';
import { activationOption } from './activations/resolve.js';
import type { ResolvedInfiniteOptions } from './infinite/architecture.js';
import { dense, type Parametrization } from './layers/dense.js';
import { network, type Network } from './network.js';

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Input dimension d_0. */
  readonly inputDim: number;
  /** Hidden widths d_1..d_L (at least one). */
  readonly widths: ReadonlyArray<number>;
  /** σ (pass `normalizeActivation(act)` for the normalised version the linear-width theory assumes). */
  readonly activation: Activation;
  /** Trainable biases in every layer including the readout (default false). */
  readonly bias?: boolean;
  /**
   * Default `'fan-wang'` (apps/docs/theory/fan-wang.md#network-and-kernels); `'ntk'`
   * (apps/docs/theory/infinite-width.md#ntk-parametrisation) or `'standard'` (apps/docs/theory/dispersion.md#setting).
   */
  readonly parametrization?: Parametrization;
  /** σ_w² of every layer including the readout (default 1). */
  readonly sigmaW2?: number;
  /** σ_b² (see {@link DenseOptions.sigmaB2}). */
  readonly sigmaB2?: number;
  /**
   * Readout weights: `'rademacher'` ±1 (default; apps/docs/theory/fan-wang.md#simulation-notes: Gaussian readouts shift
   * the NTK spectrum by O(d_L^{−1/2}) and converge slowly) or `'gaussian'`.
   */
  readonly outputWeights?: 'rademacher' | 'gaussian';
}

/**
 * The MLP of apps/docs/theory/fan-wang.md#network-and-kernels built from layer plugins: L {@link dense} layers with σ,
 * then a dense readout with the linear activation and width 1. Fan–Wang default: `X_ℓ = σ(W_ℓ X_{ℓ−1})/√d_ℓ`,
 * `f = wᵀ X_L`, so the empirical NTK is `X_LᵀX_L + Σ_ℓ (X_{ℓ−1}ᵀX_{ℓ−1}) ⊙ (S_ℓᵀS_ℓ)`.
 *
 * @throws SpecError `E_INPUT` for empty or invalid widths and the errors of {@link dense}
 */
export function mlp(options: MlpOptions): Network {
  const { inputDim, widths, activation } = options;
  if (!Array.isArray(widths) || widths.length === 0) {
    throw new SpecError(
      'E_INPUT',
      `mlp: widths must be a non-empty list of hidden widths, got ${JSON.stringify(widths)}`,
    );
  }
  const outputWeights = options.outputWeights ?? 'rademacher';
  if (outputWeights !== 'rademacher' && outputWeights !== 'gaussian') {
    throw new SpecError(
      'E_INPUT',
      `mlp: outputWeights must be 'rademacher' or 'gaussian', got ${JSON.stringify(outputWeights)}`,
    );
  }
  const shared = {
    bias: options.bias ?? false,
    parametrization: options.parametrization ?? 'fan-wang',
    ...(options.sigmaW2 !== undefined ? { sigmaW2: options.sigmaW2 } : {}),
    ...(options.sigmaB2 !== undefined ? { sigmaB2: options.sigmaB2 } : {}),
  } as const;
  const layers = widths.map((width) => dense({ width, activation, ...shared }));
  layers.push(dense({ width: 1, activation: linear, weights: outputWeights, ...shared }));
  const net = network(inputDim, layers);
  if (shared.parametrization === 'standard') return net;
  // The dense layers' kernel maps (fan-wang and ntk alike) are the MLP recursion with σ²_w,in = σ_w² and, with
  // biases, dense's default σ_b² = 1 (apps/docs/theory/infinite-width.md#mlp-recursions).
  const sigmaW2 = options.sigmaW2 ?? 1;
  return {
    ...net,
    mlpRecursion: {
      activation: activationOption(activation, 'mlp'),
      depth: widths.length,
      sigmaW2,
      sigmaB2: shared.bias ? (options.sigmaB2 ?? 1) : 0,
      sigmaW2In: sigmaW2,
      architecture: 'mlp',
      normalized: false,
    },
  };
}

/**
 * The options of the vectorised MLP recursion (`infiniteKernelPass`, apps/docs/theory/infinite-width.md#mlp-recursions)
 * whose kernels are those of `networkKernelMap` over `net`: its {@link Network.mlpRecursion}, set by {@link mlp} in the
 * fan-wang or ntk parametrisation; undefined for any other network.
 */
export function mlpKernelRecursion(net: Network): ResolvedInfiniteOptions | undefined {
  return net.mlpRecursion;
}
