import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSpecError } from '@spec/core';
import { afterAll, expect } from 'vitest';

/** A fresh temp directory for this test file, removed after its tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spec-data-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Asserts that `p` rejects with a SpecError of `code` whose message matches every pattern. */
export async function expectSpecError(
  p: Promise<unknown> | (() => unknown),
  code: string,
  ...patterns: (string | RegExp)[]
): Promise<void> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, 'expected a SpecError').toBeDefined();
  expect(isSpecError(err), String(err)).toBe(true);
  const e = err as { code: string; message: string };
  expect(e.code, e.message).toBe(code);
  for (const pat of patterns) expect(e.message).toMatch(pat);
}
