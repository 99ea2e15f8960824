import { combinationAtoms, combinationMean, kernelSystem, type KernelCombination } from './kernel-system.js';
import type { LimitSpectrum } from './limit-spectrum.js';
import { densityFromSystem, type GridOptions } from './stieltjes.js';

/**
 * Limit spectral law of any combination r·I + Σ q_ℓ K_ℓ of per-layer CKs (apps/docs/theory/fan-wang.md#ntk-fixed-point)
 * on an adaptive grid; {@link ckLimit} and {@link ntkLimit} are the two named cases.
 */
export function kernelLimit(combination: KernelCombination, grid?: GridOptions): LimitSpectrum {
  const sys = kernelSystem(combination, 'kernelLimit');
  return densityFromSystem(sys, combinationAtoms(combination), combination.r, grid, combinationMean(combination));
}
