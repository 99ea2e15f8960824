import { SpecError } from '@spec/core';

/** Throws `E_INPUT` unless every named size is a positive integer (synthetic generators' arguments). */
export function checkSizes(sizes: Record<string, number>): void {
  for (const [name, v] of Object.entries(sizes)) {
    if (!Number.isSafeInteger(v) || v < 1)
      throw new SpecError('E_INPUT', `${name} must be a positive integer, got ${v}`);
  }
}
