import type { Activation } from '@spec/core';
import { resolveActivation } from '@spec/nets';

/** `--activation NAME` → the normalised activation, or the raw one with `--raw-activation`. */
export function activationFromFlags(flags: { activation: string; rawActivation: boolean }): Activation {
  return resolveActivation(flags.activation, { raw: flags.rawActivation });
}
