import { SpecError } from '@spec/core';
import { discreteMeasure, type InputMeasure } from './input-measure.js';
import { combinationAtoms, combinationMean, kernelSystem, type KernelCombination } from './kernel-system.js';
import type { LimitSpectrum } from './limit-spectrum.js';
import { densityFromSystem, type GridOptions } from './stieltjes.js';

/**
 * Input eigenvalues below this multiple of the input's mean may be treated as zero when the law cannot be resolved
 * otherwise: each makes a support component within (its value)·q₀ of the lower edge, far below any grid's reach
 * (centred images have dozens of Gram eigenvalues between 1e−9 and 1e−5 of the mean).
 */
const TINY_INPUT = 1e-5;

/**
 * Limit spectral law of any combination r·I + Σ q_ℓ K_ℓ of per-layer CKs (apps/docs/theory/fan-wang.md#ntk-fixed-point)
 * on an adaptive grid; {@link ckLimit} and {@link ntkLimit} are the two named cases.
 *
 * When the law of a discrete input cannot be resolved completely (E_CONVERGENCE) and the input has eigenvalues
 * below 1e−5 of its mean, it is solved again with those eigenvalues set to zero, and the result says so in
 * `inputZeroed` (their mass moves into the atom at the lower edge, or into the continuous part within
 * 1e−5·q₀·mean of it: the CDF changes only on that interval). Otherwise the error stands.
 */
export function kernelLimit(combination: KernelCombination, grid?: GridOptions, label = 'kernelLimit'): LimitSpectrum {
  const solve = (c: KernelCombination): LimitSpectrum =>
    densityFromSystem(kernelSystem(c, label), combinationAtoms(c), c.r, grid, combinationMean(c));
  try {
    return solve(combination);
  } catch (error) {
    if (!(error instanceof SpecError && error.code === 'E_CONVERGENCE')) throw error;
    const zeroed = zeroTinyAtoms(combination.input);
    if (zeroed === undefined) throw error;
    return { ...solve({ ...combination, input: zeroed.input }), inputZeroed: zeroed.note };
  }
}

/** A discrete input with its eigenvalues below TINY_INPUT·mean set to 0, or undefined when it has none. */
function zeroTinyAtoms(
  input: InputMeasure,
): { input: InputMeasure; note: { readonly below: number; readonly mass: number } } | undefined {
  if (input.kind !== 'atoms') return undefined;
  const { x, w } = discreteMeasure(input);
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i] * w[i];
  const below = TINY_INPUT * mean;
  let mass = 0;
  const y = Float64Array.from(x, (v, i) => {
    if (v > 0 && v < below) {
      mass += w[i];
      return 0;
    }
    return v;
  });
  return mass > 0 ? { input: { kind: 'atoms', x: y, weights: w }, note: { below, mass } } : undefined;
}
