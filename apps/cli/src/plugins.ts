import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SpecError, use, type Plugin } from '@spec/core';

function isPlugin(v: unknown): v is Plugin {
  return typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string';
}

/**
 * Loads `--plugin FILE` modules (ESM; `.js`/`.mjs`, or `.ts` when run through tsx) and registers their
 * default export (or named `plugin` export) in the default registry, exactly as built-ins register.
 */
export async function loadPlugins(files: ReadonlyArray<string>): Promise<string[]> {
  const names: string[] = [];
  for (const file of files) {
    const path = resolve(file);
    if (!existsSync(path)) throw new SpecError('E_INPUT', `plugin file not found: ${path}`);
    let mod: { default?: unknown; plugin?: unknown };
    try {
      mod = (await import(pathToFileURL(path).href)) as { default?: unknown; plugin?: unknown };
    } catch (e) {
      throw new SpecError('E_INPUT', `cannot load plugin ${path}: ${(e as Error).message.split('\n')[0]}`);
    }
    const plugin = mod.default ?? mod.plugin;
    if (!isPlugin(plugin))
      throw new SpecError('E_INPUT', `plugin ${path} must default-export definePlugin({ name, … })`);
    use(plugin);
    names.push(plugin.name);
  }
  return names;
}
