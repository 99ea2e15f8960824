import { SpecError, type Activation, type Layer } from '@spec/core';
import { linear } from '../activations/elementary.js';
import { resolveActivation } from '../activations/resolve.js';
import { gaussianConstants } from '../gaussian-constants.js';
import { dense } from '../layers/dense.js';
import { activationLayer } from '../layers/elementwise.js';
import { residual } from '../layers/residual.js';
import { network, type Network } from '../network.js';

/**
 * Architectures with an infinite-width kernel in this module (apps/docs/theory/infinite-width.md#mlp-recursions,
 * #residual-mlp).
 */
export type InfiniteArchitecture = 'mlp' | 'residual';

/** Options of {@link infiniteKernels} and the other infinite-width routines. */
export interface InfiniteKernelOptions {
  /** φ: an Activation object or a registry name. A name means the **raw** activation (relu = max(x, 0)) unless `normalized`. */
  readonly activation: Activation | string;
  /**
   * Number of hidden layers L ≥ 1; the readout is included on top (apps/docs/theory/infinite-width.md#mlp-recursions:
   * the result is (Σ^{L+1}, Θ^{L+1})).
   */
  readonly depth: number;
  /** σ_w² of the hidden layers after the first and of the readout. Default `1/E φ(ξ)²` (variance preserving: 2 for raw relu, 1 for a normalised φ). */
  readonly sigmaW2?: number;
  /** σ_b² of every dense layer (default 0: no biases). */
  readonly sigmaB2?: number;
  /** σ²_w,in of the first layer, `Σ¹ = σ²_w,in ⟨x, y⟩ + σ_b²` for unit-norm inputs (default 1). */
  readonly sigmaW2In?: number;
  /**
   * `'mlp'` (default, apps/docs/theory/infinite-width.md#mlp-recursions) or `'residual'`
   * (apps/docs/theory/infinite-width.md#residual-mlp: L − 1 residual blocks after a linear input layer).
   */
  readonly architecture?: InfiniteArchitecture;
  /**
   * Use the normalised φ̃ = (φ − m)/s (apps/docs/theory/toolkit.md#normalised-activations) instead of the raw φ
   * (default false).
   */
  readonly normalized?: boolean;
}

/** The options of {@link InfiniteKernelOptions} with every default filled in. */
export interface ResolvedInfiniteOptions {
  readonly activation: Activation;
  readonly depth: number;
  readonly sigmaW2: number;
  readonly sigmaB2: number;
  readonly sigmaW2In: number;
  readonly architecture: InfiniteArchitecture;
  readonly normalized: boolean;
}

function variance(v: number | undefined, fallback: number, what: string): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
    throw new SpecError('E_INPUT', `infinite-width kernel: ${what} must be a finite number ≥ 0, got ${String(v)}`);
  }
  return x;
}

/**
 * Fills in the defaults of {@link InfiniteKernelOptions} (apps/docs/theory/infinite-width.md#mlp-recursions): raw
 * activation unless `normalized`, σ_w² = 1/E φ(ξ)², σ_b² = 0, σ²_w,in = 1, architecture `'mlp'`.
 *
 * @throws SpecError `E_INPUT` for an unknown activation, a depth that is not a positive integer, a
 *   negative or non-finite variance, or an unknown architecture
 */
export function resolveInfiniteOptions(options: InfiniteKernelOptions): ResolvedInfiniteOptions {
  if (options === null || typeof options !== 'object')
    throw new SpecError('E_INPUT', 'infinite-width kernel: options must be an object');
  const normalized = options.normalized ?? false;
  const activation = resolveActivation(options.activation, { raw: !normalized });
  const depth = options.depth;
  if (!Number.isInteger(depth) || depth < 1 || depth > 10_000) {
    throw new SpecError(
      'E_INPUT',
      `infinite-width kernel: depth (hidden layers) must be an integer in [1, 10000], got ${String(depth)}`,
    );
  }
  const architecture = options.architecture ?? 'mlp';
  if (architecture !== 'mlp' && architecture !== 'residual') {
    throw new SpecError(
      'E_INPUT',
      `infinite-width kernel: architecture must be 'mlp' or 'residual', got ${JSON.stringify(architecture)}`,
    );
  }
  const sigmaW2 =
    options.sigmaW2 !== undefined
      ? variance(options.sigmaW2, 1, 'sigmaW2')
      : 1 / gaussianConstants(activation).secondMoment;
  return {
    activation,
    depth,
    sigmaW2,
    sigmaB2: variance(options.sigmaB2, 0, 'sigmaB2'),
    sigmaW2In: variance(options.sigmaW2In, 1, 'sigmaW2In'),
    architecture,
    normalized,
  };
}

/**
 * The finite network whose infinite-width limit {@link infiniteKernels} computes, built from the layer plugins in NTK
 * parametrisation (apps/docs/theory/infinite-width.md#ntk-parametrisation), so the finite network and its kernel share
 * one object:
 * - `'mlp'`: L dense layers `φ(σ_w W h/√d_in + σ_b b)` (the first with σ²_w,in), then a linear dense
 *   readout of width 1 with σ_w², σ_b²;
 * - `'residual'` (apps/docs/theory/infinite-width.md#residual-mlp): a linear dense input layer (σ²_w,in), L − 1
 *   residual blocks `h + σ_w ω φ(h)/√n`, φ, and the dense readout (biases, when σ_b² > 0, in the input layer and the
 *   readout only).
 *
 * The kernel record convention of `'ntk'` layers is ⟨x, y⟩/d_0: for unit-norm x, y the infinite-width
 * kernel at cosine c is that of this network applied to √d_0·x, √d_0·y.
 */
export function infiniteNetwork(
  options: ResolvedInfiniteOptions,
  sizes: { readonly width: number; readonly inputDim: number },
): Network {
  const { activation, depth, sigmaW2, sigmaB2, sigmaW2In, architecture } = options;
  const bias = sigmaB2 > 0;
  const affine = (sw2: number, act: Activation, width: number): Layer =>
    dense({
      width,
      activation: act,
      parametrization: 'ntk',
      sigmaW2: sw2,
      bias,
      ...(bias ? { sigmaB2 } : {}),
      weights: 'gaussian',
    });
  const layers: Layer[] = [];
  if (architecture === 'mlp') {
    layers.push(affine(sigmaW2In, activation, sizes.width));
    for (let l = 1; l < depth; l++) layers.push(affine(sigmaW2, activation, sizes.width));
  } else {
    layers.push(affine(sigmaW2In, linear, sizes.width));
    for (let l = 1; l < depth; l++) layers.push(residual({ activation, sigmaW: Math.sqrt(sigmaW2) }));
    layers.push(activationLayer({ activation }));
  }
  layers.push(affine(sigmaW2, linear, 1));
  return network(sizes.inputDim, layers);
}
