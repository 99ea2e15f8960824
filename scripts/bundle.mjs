// Bundling: each published package's JavaScript is one ES module (plus, for the CLI, one per lazily loaded command),
// built by esbuild from the TypeScript sources after tsc has type-checked them and written the declarations. Loading
// ~200 compiled modules one by one (resolve, open, read, compile, link each) cost ≈ 0.25–0.3 s of CPU at every start of
// `spec` (bench/README.md#start-up). Sibling `@spec/*` packages and every declared dependency stay external, so each
// package is still one shared instance (a `--plugin` importing `@spec/core` sees the CLI's registry, and `SpecError`
// is one class); third-party code the sources import but the manifest does not declare (@stdlib's RNG and erf,
// Observable Plot, linkedom) is bundled in, its licenses in dist/THIRD-PARTY-LICENSES.txt.
//
// Layout: every output lies flat in dist/ (index.js, the CLI's main.js, chunks), so a path relative to
// `import.meta.url` resolves the same from a source file in src/ as from the bundle in dist/. A worker module the
// sources start by URL (`new URL('./name.js', import.meta.url)`: the sweep worker, the CPU backend's threads) is
// bundled as its own entry point, dist/name.js.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Entry points besides src/index.ts, by package: the CLI's `bin` runs dist/main.js. */
const EXTRA_ENTRIES = /** @type {Record<string, string[]>} */ ({ 'apps/cli': ['main'] });

/**
 * A URL built from a path relative to the module (`new URL('./worker.js', import.meta.url)`, or with the base in a
 * variable, or the path chosen by a condition): the relative paths are the quoted ones among the arguments.
 */
const MODULE_RELATIVE_URL = /new URL\(((?:[^()]|\([^()]*\))*)\)/g;
const RELATIVE_PATH = /(['"])(\.\.?\/[^'"]*)\1/g;

/**
 * Every source file (.ts, not a declaration) under `dir`.
 * @param {string} dir
 */
function sources(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * The worker entry points of the package at `pkgDir` (`new URL('./name.js', import.meta.url)` in its sources:
 * src/…/name.ts bundled as dist/name.js), after checking that every module-relative URL in the sources points at the
 * same place from the flat dist/ as from the source file (throws otherwise: the bundle would miss the file).
 * @param {string} pkgDir
 * @returns {Array<{ in: string, out: string }>}
 */
export function workerEntries(pkgDir) {
  const src = join(pkgDir, 'src');
  const dist = join(pkgDir, 'dist');
  /** @type {Map<string, string>} */
  const entries = new Map();
  for (const file of sources(src)) {
    for (const call of readFileSync(file, 'utf8').matchAll(MODULE_RELATIVE_URL)) {
      for (const m of call[1].matchAll(RELATIVE_PATH)) {
        const url = m[2];
        const where = `${relative(pkgDir, file)}: new URL('${url}', …)`;
        const script = /^\.\/([\w.-]+)\.js$/.exec(url);
        if (script !== null) {
          const input = join(dirname(file), `${script[1]}.ts`);
          if (!existsSync(input)) throw new Error(`${where} names no module next to it (${relative(pkgDir, input)})`);
          const known = entries.get(script[1]);
          if (known !== undefined && known !== input) {
            throw new Error(`${where}: two worker modules would both be dist/${script[1]}.js (rename one)`);
          }
          entries.set(script[1], input);
        } else if (/\.[cm]?js$/.test(url)) {
          throw new Error(`${where}: a worker module's URL must be './name.js', next to the file that starts it`);
        } else if (!/\.ts$/.test(url) && resolve(dirname(file), url) !== resolve(dist, url)) {
          // (a `.ts` URL is the module as it runs from the sources: never reached from the bundle)
          throw new Error(`${where} would point elsewhere from the bundle in dist/ (move the file to src/ itself)`);
        }
      }
    }
  }
  return [...entries].map(([out, input]) => ({ in: relative(pkgDir, input), out }));
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
 * The notices of the bundled third-party packages: each distinct license text once, after the packages it covers.
 * @param {string[]} inputs bundled files from node_modules (absolute paths)
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
 * Removes the package's compiled JavaScript (and maps, and the former dist/vendor/), so that dist/ holds only what
 * this bundle writes: a chunk of an earlier build never lingers.
 * @param {string} dist
 */
function removeJavaScript(dist) {
  rmSync(join(dist, 'vendor'), { recursive: true, force: true });
  rmSync(join(dist, 'THIRD-PARTY-LICENSES.txt'), { force: true });
  if (!existsSync(dist)) return;
  for (const e of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && /\.js(\.map)?$/.test(e.name)) rmSync(join(e.parentPath, e.name));
  }
}

/**
 * Bundles the package at `pkgDir` (absolute) into its dist/: src/index.ts as dist/index.js, its extra and worker
 * entry points, and the shared or lazily imported parts as chunks next to them.
 * @param {string} root the repository
 * @param {string} pkg the package's folder, relative to `root`
 */
export async function bundlePackage(root, pkg) {
  const { build } = await import('esbuild');
  const pkgDir = join(root, pkg);
  const dist = join(pkgDir, 'dist');
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const declared = Object.keys({
    ...manifest.dependencies,
    ...manifest.peerDependencies,
    ...manifest.optionalDependencies,
  });
  const entryPoints = [
    { in: 'src/index.ts', out: 'index' },
    ...(EXTRA_ENTRIES[pkg] ?? []).map((name) => ({ in: `src/${name}.ts`, out: name })),
    ...workerEntries(pkgDir),
  ];
  removeJavaScript(dist);
  const result = await build({
    absWorkingDir: pkgDir,
    entryPoints,
    bundle: true,
    // Chunks: code shared by entry points (the CLI's main.js and index.js), and each module the sources import
    // dynamically (the CLI's commands, loaded when one runs).
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Declared dependencies (and their subpaths) resolve at run time, from the user's node_modules.
    external: declared.flatMap((d) => [d, `${d}/*`]),
    // Names are kept (stack traces stay readable; the CPU backend starts worker threads from its functions' source
    // text): minifying them too made no measurable difference to start-up (bench/README.md#start-up).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    sourcemap: 'linked',
    sourcesContent: false,
    chunkNames: '[name]-[hash]',
    metafile: true,
    outdir: dist,
    logLevel: 'warning',
    // esbuild reads the sources' relative `.js` imports as the `.ts` files tsc would have compiled.
    resolveExtensions: ['.ts', '.js', '.mjs', '.json'],
  });
  const isThirdParty = (/** @type {string} */ input) => input.split(/[\\/]/).includes('node_modules');
  const thirdParty = Object.keys(result.metafile.inputs).filter(isThirdParty);
  // The bundled packages' own license comments are dropped (legalComments: 'none'): each output holding their code
  // says where the notices are, on a line of its own before the source-map comment (so no mapping moves).
  for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
    if (!output.endsWith('.js') || !Object.keys(inputs).some(isThirdParty)) continue;
    const file = join(pkgDir, output);
    const text = readFileSync(file, 'utf8');
    const at = text.lastIndexOf('//# sourceMappingURL=');
    const note = '/* Bundles third-party code: see THIRD-PARTY-LICENSES.txt */\n';
    writeFileSync(file, at < 0 ? text + note : text.slice(0, at) + note + text.slice(at));
  }
  if (thirdParty.length > 0) {
    writeFileSync(
      join(dist, 'THIRD-PARTY-LICENSES.txt'),
      `The JavaScript files in this folder bundle the following packages, under these licenses.\n\n${licenseNotices(
        thirdParty.map((i) => join(pkgDir, i)),
      )}`,
    );
  }
  return Object.keys(result.metafile.outputs).map((o) => relative(dist, join(pkgDir, o)).split(sep).join('/'));
}
