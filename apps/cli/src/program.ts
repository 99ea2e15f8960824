import { Command, CommanderError, Option, type OutputConfiguration } from 'commander';
import { isSpecError } from '@spec/core';
import type { Streams } from './output/context.js';
import { collect, nonNegativeInt } from './options.js';
import { createEnv, type CommandEnv } from './runtime.js';
import { commands } from './commands/index.js';
import { VERSION } from './version.js';

/** A subcommand: declares its flags on `cmd` and runs with the environment. */
export interface CommandModule {
  readonly name: string;
  readonly summary: string;
  configure(cmd: Command): void;
  run(options: Record<string, unknown>, env: CommandEnv, args: string[]): Promise<void>;
}

const EXAMPLES = `
Examples:
  spec spectrum                                  CK and NTK spectra of a default tanh network vs their limits
  spec spectrum --n 1500 --d0 1000 --widths 2000,2000 --activation tanh --out results/
  spec limit --activation relu --widths 1000,1000 --n 800 --d0 600 --json
  spec <command> --help                          flags of one command`;

/**
 * Commander's output: help and version to stdout; its errors on one line (it appends "(Did you mean …?)" on a second
 * line, which would break the one-line promise).
 */
function outputTo(streams: Streams): OutputConfiguration {
  return {
    writeOut: (s) => streams.stdout(s),
    writeErr: (s) => streams.stderr(s),
    outputError: (s, write) => write(s.replace(/\s*\n(?!$)\s*/g, ' ')),
  };
}

/**
 * With --json, stdout carries exactly one JSON document: while the command runs (plugins included), console.log /
 * info / debug go to stderr, so a plugin's printing cannot corrupt the document.
 */
async function withStdoutReserved(json: boolean, f: () => Promise<void>): Promise<void> {
  if (!json) return f();
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  try {
    await f();
  } finally {
    Object.assign(console, saved);
  }
}

/** Builds the `spec` program; output goes through `streams` so tests can capture it. */
export function buildProgram(streams: Streams): Command {
  const program = new Command('spec');
  program
    .description('spec — spectra of neural-network kernels (CK, NTK), their random-matrix and infinite-width limits')
    .version(VERSION, '-V, --version')
    .option('--json', 'print one JSON document to stdout (nothing else on stdout)', false)
    .option('--out <dir>', 'write result files (*.json, *.npy, *.svg) into DIR')
    .option('--force', 'allow replacing existing files under --out', false)
    .addOption(
      new Option('--seed <n>', 'random seed (non-negative integer)')
        .argParser(nonNegativeInt('--seed', 2 ** 32 - 1))
        .default(0),
    )
    .option('--backend <name>', 'compute backend: cpu (float64) or gpujs (float32 products)', 'cpu')
    .option('--plugin <file>', 'load a plugin module (activations, layers, backends); repeatable', collect)
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput(outputTo(streams));

  for (const mod of commands) {
    const cmd = program.command(mod.name).description(mod.summary).exitOverride().showSuggestionAfterError(true);
    cmd.configureOutput(outputTo(streams));
    mod.configure(cmd);
    cmd.action(async (_opts: Record<string, unknown>, c: Command) => {
      const json = c.optsWithGlobals<{ json?: boolean }>().json === true;
      await withStdoutReserved(json, async () => {
        const env = await createEnv(c, streams);
        try {
          await mod.run(c.opts(), env, c.args);
          env.commit();
        } catch (e) {
          env.discard();
          throw e;
        } finally {
          env.progress.stop();
        }
      });
    });
  }
  return program;
}

/** One line, no stack: what the user sees on stderr. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/^error:\s*/i, '');
}

/**
 * Runs the CLI and returns the exit code: 0 success, 2 bad input (one line `error: …` on stderr),
 * 1 internal failure or a solver that did not converge (E_CONVERGENCE) on valid input.
 */
export async function runCli(argv: ReadonlyArray<string>, streams: Streams): Promise<number> {
  const program = buildProgram(streams);
  // Commander writes its own one-line errors; we only map them to exit codes.
  try {
    if (argv.length === 0) {
      streams.stdout(program.helpInformation() + EXAMPLES.trimStart() + '\n');
      return 0;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return 0;
      return 2;
    }
    if (isSpecError(e)) {
      streams.stderr(`error: ${firstLine(e.message)}\n`);
      // A solver that did not converge on valid input is our failure, not the user's: exit 1, as documented.
      return e.code === 'E_CONVERGENCE' ? 1 : 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    streams.stderr(`error: internal failure: ${firstLine(msg)}\n`);
    if (process.env.SPEC_DEBUG && e instanceof Error) streams.stderr(`${e.stack ?? ''}\n`);
    return 1;
  }
}
