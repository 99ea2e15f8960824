import { InvalidArgumentError } from 'commander';

/** Commander argument parsers: each rejects bad values with a one-line message (exit 2). */

export function positiveInt(what: string, max = 1e9) {
  return intInRange(what, 1, max);
}

/** An integer in [min, max]; the message names the flag and the range. */
export function intInRange(what: string, min: number, max: number) {
  return (value: string): number => {
    const v = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v < min || v > max) {
      throw new InvalidArgumentError(`${what} must be an integer between ${min} and ${max}, got "${value}"`);
    }
    return v;
  };
}

/**
 * `--points` of a limit density: at least 100 (the adaptive grid needs them to resolve a support) and at most
 * 20000 (more points cost seconds each without changing any statistic the commands report).
 */
export const limitPoints = intInRange('--points', 100, 20_000);

export function nonNegativeInt(what: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const v = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v > max) {
      throw new InvalidArgumentError(`${what} must be a non-negative integer, got "${value}"`);
    }
    return v;
  };
}

export function finiteNumber(what: string, min = -Infinity, max = Infinity) {
  return (value: string): number => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
      const range = min > -Infinity || max < Infinity ? ` in [${min}, ${max}]` : '';
      throw new InvalidArgumentError(`${what} must be a finite number${range}, got "${value}"`);
    }
    return v;
  };
}

/** A comma-separated list of positive integers, e.g. `--widths 2000,2000`. */
export function positiveIntList(what: string, max = 1e9) {
  const one = positiveInt(what, max);
  return (value: string): number[] => {
    const parts = value.split(',').map((s) => s.trim());
    if (parts.length === 0 || parts.some((p) => p === ''))
      throw new InvalidArgumentError(`${what} must be a comma-separated list of positive integers, got "${value}"`);
    return parts.map(one);
  };
}

/** A comma-separated list of finite numbers. */
export function numberList(what: string, min = -Infinity, max = Infinity) {
  const one = finiteNumber(what, min, max);
  return (value: string): number[] => value.split(',').map((s) => one(s.trim()));
}

export function oneOf<T extends string>(what: string, choices: ReadonlyArray<T>) {
  return (value: string): T => {
    if (!(choices as ReadonlyArray<string>).includes(value)) {
      throw new InvalidArgumentError(`${what} must be one of ${choices.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
