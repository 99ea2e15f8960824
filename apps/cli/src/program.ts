import { Command, CommanderError, Option, type OutputConfiguration } from 'commander';
import type { Streams } from './output/context.js';
import { collect, nonNegativeInt } from './options.js';
import type { CommandEnv } from './runtime.js';
import { commands, type CommandEntry } from './commands/index.js';
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

/** Gives the subcommand `cmd` its summary, flags and action from its module. */
function attach(cmd: Command, mod: CommandModule, streams: Streams): void {
  cmd.description(mod.summary);
  mod.configure(cmd);
  cmd.action(async (_opts: Record<string, unknown>, c: Command) => {
    const json = c.optsWithGlobals<{ json?: boolean }>().json === true;
    // Imported here: the environment loads @spec/core and the output helpers, which --version and --help do not need.
    const { createEnv } = await import('./runtime.js');
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

/** Every subcommand's module, by name (for help, which lists them all). */
export async function loadCommands(): Promise<Map<string, CommandModule>> {
  return new Map(await Promise.all(commands.map(async (c) => [c.name, await c.load()] as const)));
}

/**
 * Builds the `spec` program; output goes through `streams` so tests can capture it. The subcommands in `loaded` are
 * complete at once; the others import their module when they run (pass {@link loadCommands}' result before printing
 * help, which lists every command's summary).
 */
export function buildProgram(streams: Streams, loaded: ReadonlyMap<string, CommandModule> = new Map()): Command {
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

  const pending = new Map<Command, CommandEntry>();
  for (const entry of commands) {
    const cmd = program.command(entry.name).exitOverride().showSuggestionAfterError(true);
    cmd.configureOutput(outputTo(streams));
    const mod = loaded.get(entry.name);
    if (mod !== undefined) attach(cmd, mod, streams);
    else pending.set(cmd, entry);
  }
  // The module of a command not yet loaded is imported just before commander parses its flags (or prints its help).
  program.hook('preSubcommand', async (_program, cmd) => {
    const entry = pending.get(cmd);
    if (entry === undefined) return;
    pending.delete(cmd);
    attach(cmd, await entry.load(), streams);
  });
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
  // Commander writes its own one-line errors; we only map them to exit codes.
  try {
    const help = argv.length === 0 || argv.some((a) => a === 'help' || a === '--help' || a === '-h');
    const program = buildProgram(streams, help ? await loadCommands() : undefined);
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
    // Imported here: @spec/core loads its random-number dependencies, which --version and --help do not need.
    const { isSpecError } = await import('@spec/core');
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
