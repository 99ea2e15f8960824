// Checks the tarballs `pnpm pack` made of the published packages, as npm would install them:
//   node .ci/check-tarballs.mjs DIR      (DIR holds the *.tgz)
// Each must hold its README, the MIT LICENSE, its bundled entry points and every file its manifest names; no tests,
// fixtures or build state; no `workspace:` ranges and no `source` export condition; every relative import of a
// bundled module must resolve inside the tarball, every bare import must be a declared dependency (or a Node
// built-in), and every module must be reachable from an entry point (no chunk left from an earlier build). Prints one
// line per package: files, size, and what it holds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: node .ci/check-tarballs.mjs DIR\n');
  process.exit(2);
}
const license = readFileSync(join(repo, 'LICENSE'), 'utf8');
const { PUBLISHED } = await import('../scripts/build-stamp.mjs');

/**
 * Files (beyond the manifest's own entry points) each package must ship.
 * @type {Record<string, string[]>}
 */
const REQUIRED = {
  '@spec/data': ['assets/digits.csv.gz'],
  // worker threads start these by URL; without one the backend quietly runs on one thread
  '@spec/backend-cpu': ['dist/worker.js'],
  '@spec/cli': ['bin/spec.js', 'dist/main.js', 'dist/worker.js'],
};
/** Worker modules started by URL: `new URL('./name.js', import.meta.url)` (the quoted `.js` paths in its arguments). */
const URL_CALL = /new URL\(((?:[^()]|\([^()]*\))*)\)/g;
const WORKER_PATH = /(['"])(\.\/[^'"]+\.js)\1/g;
/** @type {Array<[RegExp, string]>} */
const FORBIDDEN = [
  [/(^|\/)(test|tests|__tests__|fixtures?)\//, 'a test or fixture folder'],
  [/\.(test|spec)\.[cm]?[jt]s$/, 'a test file'],
  [/\.tsbuildinfo$/, 'build state'],
  [/(^|\/)node_modules\//, 'node_modules'],
];

/**
 * Every static and dynamic import (with a literal specifier) of the modules `files` under `dir`: [file, specifier].
 * @param {string} dir
 * @param {string[]} files
 * @returns {Promise<Array<[string, string]>>}
 */
async function imports(dir, files) {
  const { build } = await import('esbuild');
  /** @type {Array<[string, string]>} */
  const found = [];
  await build({
    absWorkingDir: dir,
    entryPoints: files,
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: [
      {
        name: 'record',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (a) => {
            if (a.kind === 'entry-point') return undefined;
            found.push([
              a.importer
                .slice(dir.length + 1)
                .split('\\')
                .join('/'),
              a.path,
            ]);
            return { path: a.path, external: true };
          });
        },
      },
    ],
  });
  return found;
}

/** @type {string[]} */
const problems = [];
const seen = new Set();
for (const tgz of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
  const root = mkdtempSync(join(tmpdir(), 'spec-tarball-'));
  try {
    execFileSync('tar', ['xzf', join(dir, tgz), '-C', root]);
    const pkgDir = join(root, 'package');
    /** @type {string[]} */
    const files = readdirSync(pkgDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) =>
        posix.normalize(
          join(e.parentPath, e.name)
            .slice(pkgDir.length + 1)
            .split('\\')
            .join('/'),
        ),
      );
    const has = new Set(files);
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const name = manifest.name;
    seen.add(name);
    const bad = (/** @type {string} */ what) => problems.push(`${tgz}: ${what}`);

    if (manifest.private === true) bad('is private');
    if (!has.has('README.md')) bad('has no README.md');
    if (!has.has('LICENSE')) bad('has no LICENSE');
    else if (readFileSync(join(pkgDir, 'LICENSE'), 'utf8') !== license) bad('LICENSE differs from the repository');
    for (const f of files) for (const [re, what] of FORBIDDEN) if (re.test(f)) bad(`ships ${what}: ${f}`);

    const deps = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
    for (const [dep, range] of Object.entries(deps))
      if (String(range).startsWith('workspace:')) bad(`depends on ${dep}@${range}`);
    for (const f of files.filter((f) => /^dist\/.*\.d\.ts$/.test(f))) {
      if (!has.has(f.replace(/^dist\/(.*)\.d\.ts$/, 'src/$1.ts')))
        bad(`ships ${f}, whose source is gone (a stale build)`);
    }
    const exportsText = JSON.stringify(manifest.exports ?? {});
    if (exportsText.includes('"source"')) bad('exports a "source" condition (TypeScript sources)');
    /** @type {string[]} */
    const named = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {})];
    JSON.stringify(manifest.exports ?? {}).replace(/"(\.\/[^"]+)"/g, (_m, p) => (named.push(p), ''));
    for (const f of [...named.filter(Boolean), ...(REQUIRED[name] ?? [])]) {
      if (!has.has(posix.normalize(f))) bad(`lacks ${f}, which its manifest names or it needs at run time`);
    }

    // Imports of the bundled modules (and the bin), as esbuild parses them: relative ones resolve inside the
    // tarball, bare ones are declared dependencies. Worker modules are started by URL, not imported.
    const builtins = new Set(builtinModules);
    const modules = files.filter((f) => /^(dist|bin)\/.*\.js$/.test(f));
    /** @type {Array<[string, string]>} */
    const edges = [];
    for (const f of modules) {
      for (const call of readFileSync(join(pkgDir, f), 'utf8').matchAll(URL_CALL)) {
        for (const m of call[1].matchAll(WORKER_PATH)) edges.push([f, m[2]]);
      }
    }
    for (const [f, spec] of [...(await imports(pkgDir, modules)), ...edges]) {
      if (spec.startsWith('.')) {
        const target = posix.join(posix.dirname(f), spec);
        if (!has.has(target)) bad(`${f} imports ${spec}, which is not in the tarball`);
        else edges.push([f, target]);
      } else if (!spec.startsWith('node:') && !builtins.has(spec)) {
        const dep = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!(dep in deps)) bad(`${f} imports ${spec}, but ${dep} is not a dependency`);
      }
    }
    // Every module is loaded from an entry point (its manifest's, or a worker one of them starts).
    const reached = new Set(named.filter(Boolean).map((f) => posix.normalize(f)));
    for (let grew = true; grew;) {
      grew = false;
      for (const [from, to] of edges) {
        if (reached.has(from) && !to.startsWith('.') && !reached.has(to)) {
          reached.add(to);
          grew = true;
        }
      }
    }
    for (const f of modules)
      if (!reached.has(f)) bad(`ships ${f}, which no entry point loads (left from an earlier build)`);
    const size = statSync(join(dir, tgz)).size;
    const count = (/** @type {RegExp} */ re) => files.filter((f) => re.test(f)).length;
    const thirdParty = has.has('dist/THIRD-PARTY-LICENSES.txt') ? ', bundled third-party code with its licenses' : '';
    process.stdout.write(
      `${name.padEnd(20)} ${String(files.length).padStart(4)} files ${(size / 1024).toFixed(0).padStart(5)} KiB: ` +
        `${count(/^dist\/.*\.js$/)} .js, ${count(/\.d\.ts$/)} .d.ts, ${count(/^src\//)} src, ` +
        `${count(/^assets\//)} assets${thirdParty}; README, LICENSE\n`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
for (const pkg of PUBLISHED) {
  const name = JSON.parse(readFileSync(join(repo, pkg, 'package.json'), 'utf8')).name;
  if (!seen.has(name)) problems.push(`no tarball for ${name}`);
}
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`error: ${p}\n`);
  process.exit(1);
}
