import { readFileSync } from 'node:fs';

/**
 * The version of the `spec` command (from apps/cli/package.json, which sits one folder above both src/ and the
 * bundle in dist/, so the same relative URL works from either). Read as a file: loading it through `require` would
 * start the CommonJS loader, which `spec --version` otherwise never needs.
 */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
