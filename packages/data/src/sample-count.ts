import { SpecError } from '@spec/core';

/**
 * Validates a requested number of samples (`E_INPUT` unless a positive integer) and, when the
 * available count is known, that the file holds that many (`E_DATA` naming the file).
 */
export function checkSampleCount(n: number | undefined, name: string): void {
  if (n !== undefined && (!Number.isSafeInteger(n) || n < 1)) {
    throw new SpecError('E_INPUT', `${name} must be a positive integer, got ${n}`);
  }
}

/** Throws `E_DATA` when `wanted` samples starting at `offset` exceed the `available` ones in `source`. */
export function checkAvailable(wanted: number, offset: number, available: number, source: string): void {
  if (offset + wanted > available) {
    const from = offset > 0 ? ` starting at sample ${offset}` : '';
    throw new SpecError(
      'E_DATA',
      `${source}: asked for ${wanted} samples${from} but it holds only ${available}; pass a smaller --n`,
    );
  }
}

/** The indices 0, 1, …, n − 1 (the first n samples). */
export function firstIndices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
