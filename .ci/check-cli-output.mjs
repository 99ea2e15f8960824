// Checks what the installed `spec` printed (CI packaging step):
//   node .ci/check-cli-output.mjs VERSION_FILE SPECTRUM_JSON LIMIT_JSON [SOURCE_SPECTRUM_JSON]
// VERSION_FILE holds `spec --version`; the JSON files hold `spec spectrum --n 300 --d0 200 --widths 300 --json` and
// `spec limit --json`; SOURCE_SPECTRUM_JSON, the same spectrum run from the repository's sources, must have exactly
// the same eigenvalues (the bundled build computes what the sources compute).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const [versionFile, spectrumFile, limitFile, sourceFile] = process.argv.slice(2);
if (limitFile === undefined) {
  process.stderr.write(
    'usage: node .ci/check-cli-output.mjs VERSION SPECTRUM_JSON LIMIT_JSON [SOURCE_SPECTRUM_JSON]\n',
  );
  process.exit(2);
}
/** @type {string[]} */
const failed = [];
/**
 * @param {string} what
 * @param {boolean} ok
 */
function check(what, ok) {
  process.stdout.write(`  ${ok ? 'ok' : 'FAILED'}: ${what}\n`);
  if (!ok) failed.push(what);
}
/** @param {string} path */
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
/** @param {number[]} xs */
const finite = (xs) => xs.every((x) => Number.isFinite(x));
/**
 * Mass of a limit law: trapezoid integral of the density plus the atoms.
 * @param {{ x: number[], density: number[], atoms: { mass: number }[] }} law
 */
function mass(law) {
  let s = 0;
  for (let i = 1; i < law.x.length; i++) s += 0.5 * (law.x[i] - law.x[i - 1]) * (law.density[i] + law.density[i - 1]);
  return s + law.atoms.reduce((t, a) => t + a.mass, 0);
}

const version = JSON.parse(readFileSync(join(repo, 'apps/cli/package.json'), 'utf8')).version;
check(`spec --version prints ${version}`, readFileSync(versionFile, 'utf8').trim() === version);

const spectrum = readJson(spectrumFile);
const { a } = spectrum.constants;
for (const k of ['ck', 'ntk']) {
  const { eigenvalues, mean, limit, ks } = spectrum.kernels[k];
  const top = eigenvalues[eigenvalues.length - 1];
  check(`spectrum: 300 finite ${k.toUpperCase()} eigenvalues`, eigenvalues.length === 300 && finite(eigenvalues));
  check(
    `spectrum: ${k.toUpperCase()} eigenvalues ascending and ≥ −1e-9·max (a kernel matrix is positive semidefinite)`,
    eigenvalues.every((/** @type {number} */ x, /** @type {number} */ i) => i === 0 || x >= eigenvalues[i - 1]) &&
      eigenvalues[0] >= -1e-9 * top,
  );
  check(`spectrum: ${k.toUpperCase()} KS distance ${ks} in [0, 1]`, ks >= 0 && ks <= 1);
  // One hidden layer of 300 on unit-norm data: the means are within a few per cent of the limit's (finite width).
  check(
    `spectrum: ${k.toUpperCase()} mean ${mean} within 5 % of its limit ${limit.mean}`,
    Math.abs(mean / limit.mean - 1) < 0.05,
  );
}
// Closed forms of the limit means for a normalised activation, one hidden layer: CK 1, NTK 1 + a.
check(
  `spectrum: CK limit mean ${spectrum.kernels.ck.limit.mean} ≈ 1`,
  Math.abs(spectrum.kernels.ck.limit.mean - 1) < 1e-3,
);
check(`spectrum: NTK limit mean ≈ 1 + a = ${1 + a}`, Math.abs(spectrum.kernels.ntk.limit.mean / (1 + a) - 1) < 1e-3);
if (sourceFile !== undefined) {
  const source = readJson(sourceFile);
  for (const k of ['ck', 'ntk']) {
    const x = spectrum.kernels[k].eigenvalues;
    const y = source.kernels[k].eigenvalues;
    check(
      `spectrum: ${k.toUpperCase()} eigenvalues equal the sources' run, number for number`,
      x.length === y.length && x.every((/** @type {number} */ v, /** @type {number} */ i) => v === y[i]),
    );
  }
}

const limit = readJson(limitFile);
const depth = limit.config.widths.length;
const la = limit.constants.a;
// NTK limit mean of a normalised activation with L hidden layers: 1 + a + … + a^L.
const ntkMean = Array.from({ length: depth + 1 }, (_, l) => la ** l).reduce((s, x) => s + x, 0);
for (const [k, want] of /** @type {Array<[string, number]>} */ ([
  ['ck', 1],
  ['ntk', ntkMean],
])) {
  const law = limit.kernels[k].limit;
  check(
    `limit: ${k.toUpperCase()} density finite and ≥ 0 on ${law.x.length} points`,
    law.x.length > 100 &&
      finite(law.x) &&
      finite(law.density) &&
      law.density.every((/** @type {number} */ d) => d >= 0),
  );
  // The density integrates, with its atoms, to 1 to about 1e-4 (the trapezoid rule on the package's grid).
  check(`limit: ${k.toUpperCase()} mass ${mass(law)} ≈ 1`, Math.abs(mass(law) - 1) < 1e-3);
  check(`limit: ${k.toUpperCase()} mean ${law.mean} ≈ ${want}`, Math.abs(law.mean / want - 1) < 1e-3);
}

if (failed.length > 0) {
  process.stderr.write(`error: ${failed.length} check(s) of the installed spec's output failed\n`);
  process.exit(1);
}
