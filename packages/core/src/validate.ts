import { SpecError } from './errors.js';

/** Throws `E_INPUT` unless `value` is a positive integer; the message names `what` (e.g. `"n"`, `"tile"`). */
export function assertPositiveInteger(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SpecError('E_INPUT', `${what} must be a positive integer, got ${String(value)}`);
  }
}

/** Throws `E_INPUT` unless `value` is a non-negative integer; the message names `what`. */
export function assertNonNegativeInteger(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new SpecError('E_INPUT', `${what} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Throws `E_INPUT` unless `value` is a finite number ≥ 0; the message names `what`. */
export function assertNonNegativeNumber(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SpecError('E_INPUT', `${what} must be a finite non-negative number, got ${String(value)}`);
  }
}
