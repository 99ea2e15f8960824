// Vendoring: a few dependencies are spread over hundreds of small files (@stdlib's modules, Observable Plot with
// d3, linkedom); loading them file by file costs 0.2–0.7 s at every start of `spec`. After tsc has compiled a
// package, each such dependency is bundled into one file, dist/vendor/<name>.js, and the compiled modules import
// that file instead. The package's sources (and tests, which run from src/) still import the dependency by name.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/**
 * The vendored dependencies of each package, with how its sources import them: `default` (a CommonJS module's
 * exports, `import erf from '…'`) or `namespace` (an ES module's named exports, `import * as Plot from '…'`).
 * @type {Record<string, Record<string, 'default' | 'namespace'>>}
 */
export const VENDORED = {
  'packages/core': {
    '@stdlib/random-base-mt19937': 'default',
    '@stdlib/random-base-improved-ziggurat': 'default',
  },
  'packages/nets': { '@stdlib/math-base-special-erf': 'default' },
  'apps/cli': { '@observablehq/plot': 'namespace', linkedom: 'namespace' },
};

/**
 * `@stdlib/math-base-special-erf` → `stdlib-math-base-special-erf.js`.
 * @param {string} name
 */
function vendorFile(name) {
  return `${name.replace(/^@/, '').replace(/\//g, '-')}.js`;
}

/**
 * Every compiled module under `dir`.
 * @param {string} dir
 */
function compiledModules(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js') && !join(e.parentPath, e.name).includes(`${sep}vendor${sep}`))
    .map((e) => join(e.parentPath, e.name));
}

/** @param {string} s */
function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The package folder holding `file` (the nearest package.json with a name).
 * @param {string} file
 */
function packageRoot(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && typeof JSON.parse(readFileSync(manifest, 'utf8')).name === 'string') return dir;
  }
  return null;
}

/**
 * The notices of the bundled packages: each distinct license text once, after the packages it covers.
 * @param {string[]} inputs files esbuild bundled (absolute paths)
 */
function licenseNotices(inputs) {
  /** @type {Map<string, string[]>} */
  const byText = new Map();
  const seen = new Set();
  for (const input of inputs) {
    const dir = packageRoot(input);
    if (dir === null || seen.has(dir)) continue;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `License: ${manifest.license ?? 'see package'}`;
    const who = `${manifest.name}@${manifest.version} (${manifest.license ?? 'no license field'})`;
    byText.set(text, [...(byText.get(text) ?? []), who]);
  }
  return [...byText].map(([text, names]) => `${names.sort().join('\n')}\n\n${text}\n`).join(`\n${'-'.repeat(78)}\n\n`);
}

/**
 * Bundles the vendored dependencies of the package at `pkgDir` into dist/vendor/ and rewrites the compiled modules
 * to import them (idempotent: only bare imports are rewritten). Throws when a compiled module still imports one of
 * them by name afterwards.
 * @param {string} pkgDir absolute path of the package
 * @param {Record<string, 'default' | 'namespace'>} deps
 */
export async function vendorPackage(pkgDir, deps) {
  const { build } = await import('esbuild');
  const dist = join(pkgDir, 'dist');
  const vendorDir = join(dist, 'vendor');
  rmSync(vendorDir, { recursive: true, force: true });
  mkdirSync(vendorDir, { recursive: true });
  // One build for all of the package's vendored dependencies: code they share (most of @stdlib's helpers) goes
  // into one chunk, loaded once.
  const result = await build({
    absWorkingDir: pkgDir,
    entryPoints: Object.keys(deps).map((name) => ({
      in: `vendor:${name}`,
      out: vendorFile(name).replace(/\.js$/, ''),
    })),
    plugins: [
      {
        name: 'facade',
        setup(b) {
          b.onResolve({ filter: /^vendor:/ }, (a) => ({ path: a.path.slice('vendor:'.length), namespace: 'facade' }));
          b.onLoad({ filter: /.*/, namespace: 'facade' }, (a) => ({
            contents:
              deps[a.path] === 'default'
                ? `export { default } from ${JSON.stringify(a.path)};`
                : `export * from ${JSON.stringify(a.path)};`,
            resolveDir: pkgDir,
            loader: 'js',
          }));
        },
      },
    ],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    banner: { js: '/* Bundled third-party code: see THIRD-PARTY-LICENSES.txt */' },
    chunkNames: 'shared-[hash]',
    metafile: true,
    outdir: vendorDir,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((i) => !i.startsWith('facade:'));
  writeFileSync(
    join(vendorDir, 'THIRD-PARTY-LICENSES.txt'),
    `The files in this folder bundle the following packages, under these licenses.\n\n${licenseNotices(inputs.map((i) => join(pkgDir, i)))}`,
  );

  for (const file of compiledModules(dist)) {
    const text = readFileSync(file, 'utf8');
    let out = text;
    for (const name of Object.keys(deps)) {
      let target = relative(dirname(file), join(vendorDir, vendorFile(name)))
        .split(sep)
        .join('/');
      if (!target.startsWith('.')) target = `./${target}`;
      const bare = new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(?\\s*)(['"])${escapeRegExp(name)}\\2`, 'g');
      out = out.replace(bare, (_m, head, quote) => `${head}${quote}${target}${quote}`);
      if (new RegExp(`['"]${escapeRegExp(name)}['"]`).test(out)) {
        throw new Error(`${relative(pkgDir, file)} still names ${name} after vendoring: rewrite its import`);
      }
    }
    if (out !== text) writeFileSync(file, out);
  }
}
