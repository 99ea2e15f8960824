import { isSpecError, type SpecErrorCode } from '@spec/core';
import { expect } from 'vitest';

function check(err: unknown, code: SpecErrorCode, patterns: ReadonlyArray<string | RegExp>): void {
  expect(err, `expected a SpecError ${code}, nothing was thrown`).toBeDefined();
  expect(isSpecError(err), String(err)).toBe(true);
  const e = err as { code: string; message: string };
  expect(e.code, e.message).toBe(code);
  for (const pattern of patterns) expect(e.message).toMatch(pattern);
}

/** Asserts that `f()` throws a SpecError with `code` whose message matches every pattern. */
export function expectSpecError(f: () => unknown, code: SpecErrorCode, ...patterns: (string | RegExp)[]): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  check(err, code, patterns);
}

/** Like {@link expectSpecError} for a promise (or a function returning one) that must reject. */
export async function expectSpecErrorAsync(
  p: Promise<unknown> | (() => unknown),
  code: SpecErrorCode,
  ...patterns: (string | RegExp)[]
): Promise<void> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  check(err, code, patterns);
}
