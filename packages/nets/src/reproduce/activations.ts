import type { Activation } from '@spec/core';
import { relu } from '../activations/relu.js';
import { erf, tanh } from '../activations/sigmoidal.js';
import { gelu } from '../activations/smooth-relu.js';
import { normalizeActivation } from '../normalize.js';

const BUILTIN: Readonly<Record<string, Activation>> = { tanh, relu, erf, gelu };

/** The normalised σ̃ (MATH.md §1.2) of a built-in activation used by the reproductions. */
export function normalizedBuiltin(name: 'tanh' | 'relu' | 'erf' | 'gelu'): Activation {
  return normalizeActivation(BUILTIN[name]);
}
