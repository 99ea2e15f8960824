/**
 * `pnpm docs:build`: every step that makes the site, in order, failing on the first failure.
 *   1. type-check the example plugin (the plugin guide's code must compile against the real API) and the site's code;
 *   2. generate the figure gallery with the CLI (scripts/gallery.ts);
 *   3. generate the API reference with typedoc (root typedoc.json → public/api);
 *   4. build the VitePress site into .vitepress/dist.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const docsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(docsRoot, '../..');

interface Step {
  readonly name: string;
  readonly cmd: string;
  readonly args: ReadonlyArray<string>;
  readonly cwd: string;
}

const steps: ReadonlyArray<Step> = [
  {
    name: 'type-check the example plugin',
    cmd: 'pnpm',
    args: ['exec', 'tsc', '--noEmit', '-p', 'examples/tsconfig.json'],
    cwd: docsRoot,
  },
  {
    name: 'type-check the site code (explorer, scripts, e2e test)',
    cmd: 'pnpm',
    args: ['exec', 'tsc', '--noEmit', '-p', 'tsconfig.json'],
    cwd: docsRoot,
  },
  { name: 'figure gallery (spec CLI)', cmd: 'pnpm', args: ['exec', 'tsx', 'scripts/gallery.ts'], cwd: docsRoot },
  {
    name: 'reproduction pages (spec reproduce)',
    cmd: 'pnpm',
    args: ['exec', 'tsx', 'scripts/reproductions.ts'],
    cwd: docsRoot,
  },
  {
    name: 'API reference (typedoc)',
    cmd: 'pnpm',
    args: ['exec', 'typedoc', '--options', 'typedoc.json'],
    cwd: repoRoot,
  },
  { name: 'site (vitepress build)', cmd: 'pnpm', args: ['exec', 'vitepress', 'build', '.'], cwd: docsRoot },
];

for (const step of steps) {
  const t0 = Date.now();
  console.log(`docs:build ▸ ${step.name}`);
  const r = spawnSync(step.cmd, step.args, { cwd: step.cwd, stdio: 'inherit', timeout: 20 * 60_000 });
  if (r.error || r.status !== 0) {
    console.error(`docs:build ✗ ${step.name} failed (${r.error ? String(r.error) : `exit ${r.status}`})`);
    process.exit(1);
  }
  console.log(`docs:build ✓ ${step.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
