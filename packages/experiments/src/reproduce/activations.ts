import type { Activation } from '@spec/core';
import { relu, erf, tanh, gelu, normalizeActivation } from '@spec/nets';

const BUILTIN: Readonly<Record<string, Activation>> = { tanh, relu, erf, gelu };

/**
 * The normalised σ̃ (apps/docs/theory/toolkit.md#normalised-activations) of a built-in activation used by the
 * reproductions.
 */
export function normalizedBuiltin(name: 'tanh' | 'relu' | 'erf' | 'gelu'): Activation {
  return normalizeActivation(BUILTIN[name]);
}
