import { isSpecError } from '@spec/core';
import { expect } from 'vitest';

/** Asserts that `f` throws a SpecError with code E_INPUT. */
export function expectInputError(f: () => unknown): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(isSpecError(err) && err.code).toBe('E_INPUT');
}
