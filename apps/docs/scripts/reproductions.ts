/**
 * Generates one docs page per paper reproduction: for every name in `spec reproduce --list --json`, runs
 * `spec reproduce NAME --out reproductions/NAME --force`, which writes reproductions/NAME/NAME.md (the
 * agreement table and the figures, with the size it ran at) and the SVGs next to it. VitePress (srcDir =
 * apps/docs) serves them as /reproductions/NAME/NAME. Nothing here is committed (reproductions/.gitignore).
 *
 * Sizes: reproductions whose full size takes more than about a minute run with --quick at docs-build time; the page
 * says which size it shows (the CLI writes it). FULL lists the ones that run at full size within that budget
 * (durations: bench/README.md#why-the-code-is-the-way-it-is).
 *
 * Usage: tsx scripts/reproductions.ts       (from apps/docs; the docs build runs it)
 *        SPEC_DOCS_REPRODUCTIONS=skip …     keeps the previous pages (local iteration on the site only)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const docsRoot = resolve(here, '..');
const repoRoot = resolve(docsRoot, '../..');
const outRoot = join(docsRoot, 'reproductions');

/** Reproductions shown at their full (documented) size: each takes well under a minute on one core. */
export const FULL: ReadonlySet<string> = new Set<string>(['ntk-power-series']);

function spec(args: ReadonlyArray<string>): string {
  const r = spawnSync('pnpm', ['-s', 'spec', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 10 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) {
    console.error(
      `reproductions: \`spec ${args.join(' ')}\` failed (${r.error ? String(r.error) : `exit ${r.status}`})\n${r.stderr ?? ''}`,
    );
    process.exit(1);
  }
  return r.stdout;
}

if (process.env.SPEC_DOCS_REPRODUCTIONS === 'skip') {
  console.log('reproductions: SPEC_DOCS_REPRODUCTIONS=skip, keeping the previous pages');
  process.exit(0);
}

const list = JSON.parse(spec(['reproduce', '--list', '--json'])) as { reproductions: Array<{ name: string }> };
mkdirSync(outRoot, { recursive: true });
for (const { name } of list.reproductions) {
  const t0 = Date.now();
  const dir = join(outRoot, name);
  spec(['reproduce', name, ...(FULL.has(name) ? [] : ['--quick']), '--out', dir, '--force']);
  if (!existsSync(join(dir, `${name}.md`))) {
    console.error(`reproductions: spec reproduce ${name} wrote no ${name}.md under ${dir}`);
    process.exit(1);
  }
  console.log(
    `reproductions: ${name} (${FULL.has(name) ? 'full' : 'quick'} size, ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
