import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpecError, importPlugin, isSpecError, use, type Plugin } from '@spec/core';

/**
 * Loads `--plugin FILE` modules (ESM; `.js`/`.mjs`, or `.ts` when run through tsx) and registers their
 * default export (or named `plugin` export) in the default registry, exactly as built-ins register, with the module's
 * URL (so that work split over worker threads, e.g. the infinite-width kernels of an architecture, registers it there
 * too).
 */
export async function loadPlugins(files: ReadonlyArray<string>): Promise<string[]> {
  const names: string[] = [];
  for (const file of files) {
    const path = resolve(file);
    if (!existsSync(path)) throw new SpecError('E_INPUT', `plugin file not found: ${path}`);
    const url = pathToFileURL(path).href;
    let plugin: Plugin;
    try {
      plugin = await importPlugin(url);
    } catch (e) {
      if (isSpecError(e)) throw e;
      throw new SpecError('E_INPUT', `cannot load plugin ${path}: ${(e as Error).message.split('\n')[0]}`);
    }
    use(plugin, { module: url });
    names.push(plugin.name);
  }
  return names;
}
