import { describe, expect, it } from 'vitest';
import { assertNonNegativeInteger, assertNonNegativeNumber, assertPositiveInteger, isSpecError } from '../src/index.js';

function message(f: () => void): string | undefined {
  try {
    f();
  } catch (e) {
    return isSpecError(e) && e.code === 'E_INPUT' ? e.message : 'wrong error';
  }
  return undefined;
}

describe('number checks', () => {
  it('assertPositiveInteger accepts 1, 2, 1e9 and refuses 0, −1, 1.5, NaN, Infinity, "3"', () => {
    for (const v of [1, 2, 1e9]) expect(message(() => assertPositiveInteger(v, 'n'))).toBeUndefined();
    for (const v of [0, -1, 1.5, NaN, Infinity, '3']) {
      expect(message(() => assertPositiveInteger(v, 'n'))).toBe(`n must be a positive integer, got ${String(v)}`);
    }
  });

  it('assertNonNegativeInteger accepts 0 and refuses −1 and 0.5', () => {
    expect(message(() => assertNonNegativeInteger(0, 'steps'))).toBeUndefined();
    expect(message(() => assertNonNegativeInteger(-1, 'steps'))).toMatch(/steps must be a non-negative integer/);
    expect(message(() => assertNonNegativeInteger(0.5, 'steps'))).toMatch(/got 0.5/);
  });

  it('assertNonNegativeNumber accepts 0 and 0.25 and refuses −0.1, NaN and Infinity', () => {
    expect(message(() => assertNonNegativeNumber(0, 'noise'))).toBeUndefined();
    expect(message(() => assertNonNegativeNumber(0.25, 'noise'))).toBeUndefined();
    for (const v of [-0.1, NaN, Infinity]) expect(message(() => assertNonNegativeNumber(v, 'noise'))).toMatch(/noise/);
  });
});
