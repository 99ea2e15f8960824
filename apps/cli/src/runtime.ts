import type { Command } from 'commander';
import { SpecError, isSpecError, registry, type Backend } from '@spec/core';
import { createOutputContext, type OutputContext, type Streams } from './output/context.js';
import { defaultOutDir } from './output/files.js';
import { createProgress, type Progress } from './output/progress.js';
import { loadPlugins } from './plugins.js';

/** Global flags of every command (apps/cli/README.md). */
export interface GlobalOptions {
  json: boolean;
  out?: string;
  seed: number;
  backend: string;
  force: boolean;
  plugin?: string[];
}

/** Everything a command's action needs besides its own flags. */
export interface CommandEnv {
  readonly globals: GlobalOptions;
  readonly out: OutputContext;
  readonly progress: Progress;
  /**
   * Where a command's figures go: the --out folder when given; with neither --out nor --json, a fresh
   * `spec-out/<name>-<time>/` folder (so a plain run still leaves its figures, and never overwrites any).
   */
  figureOut(name: string): OutputContext;
  /** The backend chosen with --backend (created on first use). */
  backend(): Promise<Backend>;
  /** Moves every staged result file into place (the command succeeded). */
  commit(): void;
  /** Drops every staged result file (the command failed). */
  discard(): void;
}

/** Built-in backends are imported only when selected (gpu.js is heavy to load). */
async function importBuiltinBackend(name: string): Promise<void> {
  if (name === 'cpu') await import('@spec/backend-cpu');
  else if (name === 'gpujs') await import('@spec/backend-gpujs');
}

const BUILTIN_BACKENDS = ['cpu', 'gpujs'];

/** Refuses an unknown --backend up front, also for commands that never use one (plugins are loaded by then). */
function checkBackendName(name: string): void {
  const plugins = registry.backends().map((b) => b.name);
  if (BUILTIN_BACKENDS.includes(name) || plugins.includes(name)) return;
  const known = [...BUILTIN_BACKENDS, ...plugins.filter((k) => !BUILTIN_BACKENDS.includes(k))];
  throw new SpecError('E_INPUT', `unknown backend "${name}" (known: ${known.join(', ')})`);
}

/** Creates a backend, turning a factory's own failure into a one-line E_BACKEND instead of an internal error. */
async function createBackend(name: string): Promise<Backend> {
  await importBuiltinBackend(name);
  try {
    return await registry.backend(name).create();
  } catch (e) {
    if (isSpecError(e)) throw e;
    throw new SpecError('E_BACKEND', `backend "${name}" could not be created: ${(e as Error).message ?? String(e)}`, {
      cause: e,
    });
  }
}

/** Builds the environment from the parsed global flags; loads --plugin modules first. */
export async function createEnv(cmd: Command, streams: Streams): Promise<CommandEnv> {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  await loadPlugins(globals.plugin ?? []);
  checkBackendName(globals.backend);
  const out = createOutputContext({ json: globals.json, out: globals.out, force: globals.force }, streams);
  const contexts: OutputContext[] = [out];
  let backend: Promise<Backend> | undefined;
  return {
    globals,
    out,
    progress: await createProgress(),
    figureOut(name) {
      if (globals.out !== undefined || globals.json) return out;
      const ctx = createOutputContext({ json: false, out: defaultOutDir(name), force: globals.force }, streams);
      contexts.push(ctx);
      return ctx;
    },
    backend() {
      backend ??= createBackend(globals.backend);
      return backend;
    },
    commit() {
      for (const ctx of contexts) ctx.commit();
    },
    discard() {
      for (const ctx of contexts) ctx.discard();
    },
  };
}
