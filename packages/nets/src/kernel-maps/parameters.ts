import { SpecError } from '@spec/core';

/** A scale parameter (W_std, b_std, …): finite and ≥ 0. Returns it. */
export function assertStd(value: unknown, layer: string, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SpecError('E_INPUT', `${layer}: ${name} must be a finite number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A list of positive integers with one entry per spatial axis (filter, window, strides). Returns a copy. */
export function assertPositiveIntegers(value: unknown, layer: string, name: string): number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)
  ) {
    throw new SpecError(
      'E_INPUT',
      `${layer}: ${name} must be a non-empty list of positive integers (one per spatial axis), got ${JSON.stringify(value)}`,
    );
  }
  return [...(value as number[])];
}
