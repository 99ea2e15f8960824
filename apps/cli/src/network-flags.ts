import { Option, type Command } from 'commander';
import { addDataFlags, type DataFlags } from './data-source.js';
import { oneOf, positiveInt, positiveIntList } from './options.js';

/** Flags shared by `spectrum` and `limit` (the commands and their flags: apps/cli/README.md). */
export interface NetworkFlags extends DataFlags {
  n: number;
  d0?: number;
  widths: number[];
  activation: string;
  rawActivation: boolean;
  kernel: 'ck' | 'ntk' | 'both';
  data: string;
  classes?: number;
}

/** Largest size accepted on the command line (a dense n × n kernel beyond this would not fit). */
const MAX_SIZE = 100_000;

export const DEFAULTS = { n: 1000, d0: 800, widths: [1000, 1000], activation: 'tanh' } as const;

/** Declares the network and data flags on a command. */
export function addNetworkFlags(cmd: Command, opts: { data: boolean }): Command {
  cmd
    .addOption(new Option('--n <int>', 'number of samples').argParser(positiveInt('--n', MAX_SIZE)).default(DEFAULTS.n))
    .addOption(
      new Option(
        '--d0 <int>',
        `input dimension (default ${DEFAULTS.d0}; for real data it comes from the data)`,
      ).argParser(positiveInt('--d0', MAX_SIZE)),
    )
    .addOption(
      new Option('--widths <list>', 'hidden-layer widths d1,d2,… (depth = their count)')
        .argParser(positiveIntList('--widths', MAX_SIZE))
        .default([...DEFAULTS.widths], DEFAULTS.widths.join(',')),
    )
    .addOption(
      new Option(
        '--activation <name>',
        'activation, normalised to mean 0 and variance 1 under N(0,1) (see --raw-activation)',
      ).default(DEFAULTS.activation),
    )
    .option('--raw-activation', 'use the activation as is, without normalisation', false)
    .addOption(
      new Option('--kernel <which>', 'kernel(s): ck, ntk or both')
        .argParser(oneOf('--kernel', ['ck', 'ntk', 'both'] as const))
        .default('both'),
    );
  if (opts.data) {
    cmd
      .addOption(
        new Option(
          '--data <source>',
          'data: gaussian|sphere|mixture|digits|fashion-mnist[:train|test]|cifar10:PATH|mnist:PATH|npy:PATH|csv:PATH',
        ).default('gaussian'),
      )
      .addOption(
        new Option('--classes <k>', 'number of classes for --data mixture').argParser(positiveInt('--classes', 1000)),
      );
    addDataFlags(cmd);
  }
  return cmd;
}
