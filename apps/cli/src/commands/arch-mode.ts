/**
 * What the `--arch` mode of `spec infinite`, `spec spectrum` and `spec train` shares: the `--shape` option and the
 * check that flags of the MLP mode are not mixed with `--arch` (and the other way round).
 */
import { SpecError } from '@spec/core';
import { Option, type Command } from 'commander';
import { positiveIntList } from '../options.js';

/** Flags of one mode: commander attribute name and the flag as the user types it. */
export type ModeFlags = ReadonlyArray<readonly [attribute: string, flag: string]>;

/** `--shape D,…,C`: the shape of one sample with --arch. */
export function shapeOption(): Option {
  return new Option('--shape <dims>', 'with --arch: the shape of one sample (spatial…, C), e.g. 8,8,3').argParser(
    positiveIntList('--shape', 1_000_000),
  );
}

/** Options of {@link refuseOtherModeFlags}. */
export interface ModeCheck {
  /** Flags that make sense only without --arch. */
  readonly mlpOnly: ModeFlags;
  /** Flags that make sense only with --arch. */
  readonly archOnly: ModeFlags;
  /** What an MLP-only flag sets, for the message ("the MLP of spec train"). */
  readonly mlpWhat: string;
  /** Defaults that differ with --arch (attribute → value), applied when the user did not give the flag. */
  readonly archDefaults?: Readonly<Record<string, unknown>>;
}

/**
 * Adds a pre-action hook to `cmd` that refuses, with E_INPUT naming the flag, a flag of the other mode than the one
 * chosen (--arch given or not), and sets the --arch defaults.
 */
export function refuseOtherModeFlags(cmd: Command, check: ModeCheck): void {
  cmd.hook('preAction', (c) => {
    const given = (name: string): boolean => c.getOptionValueSource(name) === 'cli';
    const arch = c.getOptionValue('arch') !== undefined;
    for (const [name, flag] of arch ? check.mlpOnly : check.archOnly) {
      if (given(name)) {
        throw new SpecError(
          'E_INPUT',
          arch
            ? `${flag} sets ${check.mlpWhat}, not --arch (the JSON list is the whole network); drop ${flag}`
            : `${flag} applies to --arch only`,
        );
      }
    }
    if (!arch) return;
    for (const [name, value] of Object.entries(check.archDefaults ?? {})) {
      if (!given(name)) c.setOptionValueWithSource(name, value, 'default');
    }
  });
}
