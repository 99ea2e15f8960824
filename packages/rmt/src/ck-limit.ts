import type { KernelCombination } from './kernel-system.js';
import { kernelLimit } from './kernel-limit.js';
import type { InputMeasure } from './input-measure.js';
import type { LimitSpectrum } from './limit-spectrum.js';
import type { GridOptions } from './stieltjes.js';

/** Options of {@link ckLimit}. */
export interface CkLimitOptions {
  /** γ_1..γ_L = n/d_ℓ for the L hidden layers. */
  readonly samplesPerNeuron: readonly number[];
  /** b_σ of the normalised activation (apps/docs/theory/toolkit.md#normalised-activations), |b| ≤ 1. */
  readonly b: number;
  /** Law of the input Gram XᵀX. */
  readonly input: InputMeasure;
  /** Density grid options (default 1000 points, η = 1e−8·scale). */
  readonly grid?: GridOptions;
}

/**
 * The CK of layer L as a kernel combination: r = 0, q = e_L (apps/docs/theory/fan-wang.md#ntk-fixed-point "CK special
 * case").
 */
export function ckCombination(options: Omit<CkLimitOptions, 'grid'>): KernelCombination {
  const L = options.samplesPerNeuron.length;
  const q = new Array<number>(L + 1).fill(0);
  q[L] = 1;
  return { samplesPerNeuron: options.samplesPerNeuron, b: options.b, input: options.input, r: 0, q };
}

/**
 * Limit spectral law of the Conjugate Kernel K_L = X_Lᵀ X_L of an L-layer linear-width network: the iterated MP map μ_ℓ
 * = ρ^MP_{γ_ℓ} ⊠ ((1 − b²) + b²μ_{ℓ−1}) (apps/docs/theory/fan-wang.md#ck-limit), computed through the vector fixed
 * point of apps/docs/theory/fan-wang.md#ntk-fixed-point (linear in L). Atom at 0 of mass max(0, 1 − 1/γ_L) (for |b| <
 * 1).
 */
export function ckLimit(options: CkLimitOptions): LimitSpectrum {
  return kernelLimit(ckCombination(options), options.grid, 'ckLimit');
}
