// The build stamp: a listing (path, size, modification time) of every file the build reads, written by a
// successful `pnpm build` and compared by `pnpm spec` before it runs the compiled CLI. Any difference — a file
// edited (even to an older time), added or removed — makes the build stale, so compiled code never runs silently
// behind its sources. Plain JavaScript (type-checked through JSDoc): it runs before anything is compiled.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The published packages, in build order (each after the packages it imports). */
export const PUBLISHED = [
  'packages/core',
  'packages/backend-cpu',
  'packages/backend-gpujs',
  'packages/rmt',
  'packages/data',
  'packages/nets',
  'packages/experiments',
  'apps/cli',
];

/** Repository files outside the packages that change what the build writes. */
const ROOT_INPUTS = [
  'tsconfig.base.json',
  'tsconfig.build.json',
  'pnpm-lock.yaml',
  'scripts/build.mjs',
  'scripts/build-stamp.mjs',
  'scripts/bundle.mjs',
];

/** Files each package's build reads besides its `src/` tree. */
const PACKAGE_INPUTS = ['package.json', 'tsconfig.build.json'];

/**
 * Built files that must exist for the CLI to start, and for its worker threads (without its worker module the CPU
 * backend would quietly run on one thread).
 */
const OUTPUTS = [
  ...PUBLISHED.map((p) => `${p}/dist/index.js`),
  'apps/cli/dist/main.js',
  'apps/cli/dist/worker.js',
  'packages/backend-cpu/dist/worker.js',
];

/**
 * Where the stamp lives: under node_modules, so a fresh install (new dependency versions) also rebuilds.
 * @param {string} root
 */
export function stampPath(root) {
  return join(root, 'node_modules', '.cache', 'spec', 'build-stamp.json');
}

/**
 * The current listing of the build's inputs: repository-relative path → [size, mtimeMs]. Runs before every
 * `pnpm spec` (≈ 230 files): one readdir per folder and one stat per file, with paths joined as strings — Node's
 * recursive readdir and path.relative made the check ≈ 3× slower when cold (bench/README.md#start-up).
 * @param {string} root
 * @returns {Record<string, [number, number]>}
 */
export function listInputs(root) {
  /** @type {Record<string, [number, number]>} */
  const files = {};
  const add = (/** @type {string} */ rel) => {
    const st = statSync(`${root}/${rel}`, { throwIfNoEntry: false });
    if (st?.isFile()) files[rel] = [st.size, st.mtimeMs];
  };
  const walk = (/** @type {string} */ rel) => {
    for (const entry of readdirSync(`${root}/${rel}`, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(`${rel}/${entry.name}`);
      else if (entry.isFile()) add(`${rel}/${entry.name}`);
    }
  };
  for (const f of ROOT_INPUTS) add(f);
  for (const pkg of PUBLISHED) {
    for (const f of PACKAGE_INPUTS) add(`${pkg}/${f}`);
    if (existsSync(`${root}/${pkg}/src`)) walk(`${pkg}/src`);
  }
  return files;
}

/**
 * Why the build is stale, or null when it is up to date: the first input that differs from the stamp (edited,
 * added or removed), a missing compiled entry point, or no stamp at all.
 * @param {string} root
 * @returns {string | null}
 */
export function staleReason(root) {
  const path = stampPath(root);
  if (!existsSync(path)) return 'no build yet';
  /** @type {Record<string, [number, number]>} */
  let stamped;
  try {
    stamped = JSON.parse(readFileSync(path, 'utf8')).files;
  } catch {
    return 'the build stamp is unreadable';
  }
  const now = listInputs(root);
  for (const [file, [size, mtime]] of Object.entries(now)) {
    const old = stamped[file];
    if (old === undefined) return `${file} was added`;
    if (old[0] !== size || old[1] !== mtime) return `${file} changed`;
  }
  for (const file of Object.keys(stamped)) if (!(file in now)) return `${file} was removed`;
  for (const out of OUTPUTS) if (!existsSync(join(root, out))) return `${out} is missing`;
  return null;
}

/**
 * Records `inputs` (listed before the build started, so an edit made during the build leaves it stale).
 * @param {string} root
 * @param {Record<string, [number, number]>} inputs
 */
export function writeStamp(root, inputs) {
  const path = stampPath(root);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ files: inputs }));
}
