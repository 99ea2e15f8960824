import { SpecError } from '@spec/core';
import type { KernelCombination } from './kernel-system.js';
import { kernelLimit } from './kernel-limit.js';
import type { InputMeasure } from './input-measure.js';
import type { LimitSpectrum } from './limit-spectrum.js';
import type { GridOptions } from './stieltjes.js';

/**
 * Coefficients of the NTK surrogate K̃ = r₊I + Σ_{ℓ=0}^{L} q_ℓ K_ℓ (apps/docs/theory/fan-wang.md#ntk-surrogate): q_ℓ =
 * b^{2(L−ℓ)}, r₊ = Σ_{ℓ=0}^{L−1} (a^{L−ℓ} − b^{2(L−ℓ)}). `a` = E σ̃′², `b` = E σ̃′
 * (apps/docs/theory/toolkit.md#normalised-activations), a ≥ b².
 */
export function ntkSurrogateCoefficients(a: number, b: number, depth: number): { r: number; q: number[] } {
  if (!Number.isInteger(depth) || depth < 1)
    throw new SpecError('E_INPUT', `depth must be an integer ≥ 1, got ${depth}`);
  if (!Number.isFinite(a) || !Number.isFinite(b))
    throw new SpecError('E_INPUT', `a and b must be finite, got a = ${a}, b = ${b}`);
  if (a < b * b * (1 - 1e-12))
    throw new SpecError(
      'E_INPUT',
      `need a ≥ b² (Jensen, apps/docs/theory/toolkit.md#normalised-activations), got a = ${a}, b² = ${b * b}`,
    );
  const q: number[] = [];
  for (let l = 0; l <= depth; l++) q.push(b ** (2 * (depth - l)));
  let r = 0;
  for (let l = 0; l < depth; l++) r += a ** (depth - l) - b ** (2 * (depth - l));
  return { r: Math.max(0, r), q };
}

/** Options of {@link ntkLimit}. */
export interface NtkLimitOptions {
  /** γ_1..γ_L = n/d_ℓ for the L hidden layers. */
  readonly samplesPerNeuron: readonly number[];
  /** a_σ = E σ̃′(ξ)² of the normalised activation (apps/docs/theory/toolkit.md#normalised-activations). */
  readonly a: number;
  /** b_σ = E σ̃′(ξ), |b| ≤ 1. */
  readonly b: number;
  /** Law of the input Gram XᵀX. */
  readonly input: InputMeasure;
  /** Density grid options (default 1000 points, η = 1e−8·scale). */
  readonly grid?: GridOptions;
}

/** The NTK surrogate as a kernel combination (apps/docs/theory/fan-wang.md#ntk-surrogate). */
export function ntkCombination(options: Omit<NtkLimitOptions, 'grid'>): KernelCombination {
  const { r, q } = ntkSurrogateCoefficients(options.a, options.b, options.samplesPerNeuron.length);
  return { samplesPerNeuron: options.samplesPerNeuron, b: options.b, input: options.input, r, q };
}

/**
 * Limit spectral law of the NTK of an L-layer linear-width network, i.e. of r₊I + Σ q_ℓ K_ℓ
 * (apps/docs/theory/fan-wang.md#ntk-surrogate), through the recursive fixed point of
 * apps/docs/theory/fan-wang.md#ntk-fixed-point. No atom for a nonlinear σ unless the input has one that survives (see
 * `combinationAtoms`).
 */
export function ntkLimit(options: NtkLimitOptions): LimitSpectrum {
  return kernelLimit(ntkCombination(options), options.grid, 'ntkLimit');
}
