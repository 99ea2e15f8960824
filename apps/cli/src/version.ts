import { createRequire } from 'node:module';

// package.json sits one folder above both src/ and dist/, so the same relative path works from either.
const require = createRequire(import.meta.url);

/** The version of the `spec` command (from apps/cli/package.json). */
export const VERSION = (require('../package.json') as { version: string }).version;
