import type { Command } from 'commander';
import { SpecError, registry, type Backend } from '@spec/core';
import { createOutputContext, type OutputContext, type Streams } from './output/context.js';
import { defaultOutDir } from './output/files.js';
import { createProgress, type Progress } from './output/progress.js';
import { loadPlugins } from './plugins.js';

/** Global flags (ARCHITECTURE.md "The spec command"). */
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
}

/** Built-in backends are imported only when selected (gpu.js is heavy to load). */
async function importBuiltinBackend(name: string): Promise<void> {
  if (name === 'cpu') await import('@spec/backend-cpu');
  else if (name === 'gpujs') await import('@spec/backend-gpujs');
}

/** Builds the environment from the parsed global flags; loads --plugin modules first. */
export async function createEnv(cmd: Command, streams: Streams): Promise<CommandEnv> {
  const globals = cmd.optsWithGlobals<GlobalOptions>();
  await loadPlugins(globals.plugin ?? []);
  const out = createOutputContext({ json: globals.json, out: globals.out, force: globals.force }, streams);
  let backend: Promise<Backend> | undefined;
  return {
    globals,
    out,
    progress: createProgress(),
    figureOut: (name) =>
      globals.out !== undefined || globals.json
        ? out
        : createOutputContext({ json: false, out: defaultOutDir(name), force: globals.force }, streams),
    backend() {
      backend ??= (async () => {
        await importBuiltinBackend(globals.backend);
        const known = registry.backends().map((b) => b.name);
        if (!known.includes(globals.backend)) {
          throw new SpecError(
            'E_INPUT',
            `unknown backend "${globals.backend}" (known: ${['cpu', 'gpujs', ...known.filter((k) => k !== 'cpu' && k !== 'gpujs')].join(', ')})`,
          );
        }
        return registry.backend(globals.backend).create();
      })();
      return backend;
    },
  };
}
