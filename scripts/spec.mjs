// `pnpm spec …` in this repository: runs the compiled CLI (apps/cli/dist), after checking that the build matches
// the sources (build-stamp.mjs: one stat per source file). When a source, a package manifest, a tsconfig or the
// lockfile changed since the last build, it says so on stderr and rebuilds first (incrementally); when the build
// fails it stops with the compiler's errors. `pnpm spec:src …` runs the sources through tsx instead.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { staleReason } from './build-stamp.mjs';

/**
 * Starts the CLI through `start` once the build at `root` is up to date, rebuilding it with `build` if needed.
 * Returns the exit code when it stops instead (the build failed).
 * @param {{
 *   root: string,
 *   build: () => Promise<boolean>,
 *   start: () => Promise<unknown>,
 *   stderr: (text: string) => void,
 * }} io
 * @returns {Promise<number | undefined>}
 */
export async function launch({ root, build, start, stderr }) {
  const reason = staleReason(root);
  if (reason !== null) {
    stderr(`spec: rebuilding first (${reason} since the last build)\n`);
    const started = performance.now();
    if (!(await build())) {
      stderr('error: the build failed (errors above): fix them, or run the sources with pnpm -s spec:src\n');
      return 1;
    }
    stderr(`spec: rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  await start();
  return undefined;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const code = await launch({
    root,
    build: async () => (await import('./build.mjs')).build({ onlyIfStale: true }),
    start: () => import(pathToFileURL(join(root, 'apps/cli/dist/main.js')).href),
    stderr: (text) => void process.stderr.write(text),
  });
  if (code !== undefined) process.exitCode = code;
}
