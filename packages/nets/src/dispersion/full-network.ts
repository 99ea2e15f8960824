import { assertFitsInMemory, availableMemoryBytes, SpecError, type Backend, type Matrix, type Rng } from '@spec/core';
import { relu } from '../activations/relu.js';
import { mlp } from '../mlp.js';
import { initNetwork, parameterGradient, type Network } from '../network.js';

/**
 * Options of {@link fullNetworkNtkSamples}: ReLU MLP in standard parametrisation
 * (apps/docs/theory/dispersion.md#setting).
 */
export interface FullNetworkNtkOptions {
  /** Hidden width M ≥ 1. */
  readonly width: number;
  /** Input dimension n0 ≥ 1. */
  readonly inputDim: number;
  /** Number of hidden layers L ≥ 1. */
  readonly depth: number;
  /** σ_w² > 0: W^l_ij ~ N(0, σ_w²/n_{l−1}), readout included. */
  readonly sigmaW2: number;
  /** σ_b² ≥ 0 of the initial biases (default 0; biases are trainable either way). */
  readonly sigmaB2?: number;
  /** Number of independent networks. */
  readonly samples: number;
  readonly rng: Rng;
  readonly backend: Backend;
  /** Called every 64 networks and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Samples of the diagonal NTK Θ(x, x) = Θ_w + Θ_b, one per network (same shape as rmt's `ScalarNtkSamples`). */
export interface FullNetworkNtkSamples {
  readonly weights: Float64Array;
  readonly biases: Float64Array;
  readonly total: Float64Array;
}

/**
 * The apps/docs/theory/dispersion.md#setting network: L ReLU layers of width M and a scalar Gaussian readout, standard
 * parametrisation, trainable biases.
 */
export function dispersionNetwork(
  options: Pick<FullNetworkNtkOptions, 'width' | 'inputDim' | 'depth' | 'sigmaW2' | 'sigmaB2'>,
): Network {
  const { width, inputDim, depth, sigmaW2 } = options;
  for (const [v, name] of [
    [width, 'width'],
    [inputDim, 'inputDim'],
    [depth, 'depth'],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new SpecError('E_INPUT', `dispersion network: ${name} must be a positive integer, got ${String(v)}`);
  }
  if (!(sigmaW2 > 0) || !Number.isFinite(sigmaW2))
    throw new SpecError('E_INPUT', `dispersion network: sigmaW2 must be finite and > 0, got ${String(sigmaW2)}`);
  return mlp({
    inputDim,
    widths: new Array<number>(depth).fill(width),
    activation: relu,
    bias: true,
    parametrization: 'standard',
    sigmaW2,
    sigmaB2: options.sigmaB2 ?? 0,
    outputWeights: 'gaussian',
  });
}

function squaredNorm(m: Float64Array | undefined): number {
  if (m === undefined) return 0;
  let s = 0;
  for (let i = 0; i < m.length; i++) s += m[i] * m[i];
  return s;
}

/**
 * Full-network Monte Carlo of the diagonal NTK of a ReLU MLP (apps/docs/theory/dispersion.md#setting): for each of
 * `samples` independent networks ({@link dispersionNetwork}: W^l_ij ~ N(0, σ_w²/n_{l−1}), Gaussian readout, biases N(0,
 * σ_b²) and trainable), one forward/backward pass on a fixed unit input x gives `Θ_w = Σ_l ‖∂f/∂W^l‖²` and
 * `Θ_b = Σ_l ‖∂f/∂b^l‖²` (readout included). Rotational invariance makes the choice of x irrelevant (it is drawn once
 * from `rng`). Cost O(samples · L · M²); the exact scalar recursion `scalarNtkSamples` of @spec/rmt
 * (apps/docs/theory/dispersion.md#exact-finite-width) samples the same law in O(L) when σ_b = 0.
 *
 * @throws SpecError `E_INPUT` for bad sizes or variances
 */
export function fullNetworkNtkSamples(options: FullNetworkNtkOptions): FullNetworkNtkSamples {
  const { samples, rng, backend, inputDim } = options;
  if (!Number.isInteger(samples) || samples < 1)
    throw new SpecError('E_INPUT', `fullNetworkNtkSamples: samples must be a positive integer, got ${String(samples)}`);
  const sb2 = options.sigmaB2 ?? 0;
  if (!(sb2 >= 0) || !Number.isFinite(sb2))
    throw new SpecError('E_INPUT', `fullNetworkNtkSamples: sigmaB2 must be finite and ≥ 0, got ${String(sb2)}`);
  // One network at a time: its weights and their gradients (n0·M + (L − 1)·M² + M each), before drawing them.
  const { width: M, depth: L } = options;
  assertFitsInMemory(
    8 * 2 * (inputDim * M + Math.max(0, L - 1) * M * M + M),
    availableMemoryBytes(),
    `a full network of width ${M} and depth ${L} with its gradients`,
    'use --method scalar (the exact O(L) recursion) or a smaller --width',
  );
  const net = dispersionNetwork(options);
  const x = new Float64Array(inputDim);
  rng.split('input').fillNormal(x);
  const norm = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
  for (let i = 0; i < inputDim; i++) x[i] /= norm;
  const X: Matrix = { rows: inputDim, cols: 1, data: x };
  const weights = new Float64Array(samples);
  const biases = new Float64Array(samples);
  const total = new Float64Array(samples);
  for (let t = 0; t < samples; t++) {
    const params = initNetwork(net, rng.split(`net-${t}`));
    const grads = parameterGradient(net, params, X, backend);
    let w = 0;
    let b = 0;
    for (const g of grads) {
      w += squaredNorm(g.W);
      b += squaredNorm(g.b);
    }
    weights[t] = w;
    biases[t] = b;
    total[t] = w + b;
    if ((t + 1) % 64 === 0 || t + 1 === samples) options.onProgress?.(t + 1, samples);
  }
  return { weights, biases, total };
}
