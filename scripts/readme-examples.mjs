// The README example of every published package (packages/<p>/examples/readme.ts, which the README's code block
// must equal) and what its output must show. scripts/test/readme-examples.test.ts checks that each README shows its
// file verbatim; .ci/pack-smoke.sh compiles each file against the packages installed from their tarballs, runs it and
// checks its output here (the @spec/data example reads Fashion-MNIST: apt-get install dataset-fashion-mnist):
//   node scripts/readme-examples.mjs check <package folder> < output
//   node scripts/readme-examples.mjs sync      copy every examples/readme.ts into its README's block
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The line that introduces the example's code block in a README. */
export const MARKER = '<!-- examples/readme.ts: the test checks that this block equals the file -->';

/**
 * The TypeScript block after {@link MARKER} in `readme`, or null.
 * @param {string} readme
 */
export function readmeExample(readme) {
  const at = readme.indexOf(MARKER);
  if (at < 0) return null;
  const m = /^\s*```ts\n([\s\S]*?)```\n/.exec(readme.slice(at + MARKER.length));
  return m === null ? null : m[1];
}

/**
 * `readme` with the block after {@link MARKER} replaced by `code`.
 * @param {string} readme
 * @param {string} code
 */
export function withExample(readme, code) {
  const at = readme.indexOf(MARKER);
  if (at < 0) throw new Error(`no "${MARKER}" line`);
  const rest = readme.slice(at + MARKER.length);
  const m = /^\s*```ts\n[\s\S]*?```\n/.exec(rest);
  const tail = m === null ? rest : rest.slice(m[0].length);
  return `${readme.slice(0, at + MARKER.length)}\n\n\`\`\`ts\n${code}\`\`\`\n${m === null ? '\n' : ''}${tail}`;
}

/**
 * The number printed after `label` (followed by spaces) in `out`.
 * @param {string} out
 * @param {string} label
 */
function after(out, label) {
  const i = out.indexOf(label);
  if (i < 0) throw new Error(`the output has no "${label}"`);
  const m = /^\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i.exec(out.slice(i + label.length));
  if (m === null) throw new Error(`no number after "${label}"`);
  return Number(m[1]);
}

/**
 * @param {string} what
 * @param {number} got
 * @param {number} want
 * @param {number} tol relative tolerance
 */
function near(what, got, want, tol) {
  if (!(Math.abs(got - want) <= tol * Math.abs(want)))
    throw new Error(`${what}: ${got}, expected ${want} within ${tol * 100} %`);
  return `${what} ${got} ≈ ${want}`;
}

/**
 * @param {string} what
 * @param {boolean} ok
 */
function holds(what, ok) {
  if (!ok) throw new Error(`${what} does not hold`);
  return what;
}

/** The normalised tanh's a = E σ̃′(ξ)² (the reference table in apps/docs/theory/reference-values.md). */
const TANH_A = 1.177807;

/**
 * Per package: what the example's output claims, checked. Each returns the claims it checked, or throws.
 * @type {Record<string, (out: string) => string[]>}
 */
export const CLAIMS = {
  'packages/core': (out) => [
    holds('cos(0) = 1 from the registered plugin', /cos\(0\) = 1\n/.test(out)),
    holds('a split stream is reproducible', /reproducible: true\n/.test(out)),
    holds('a ragged matrix is E_SHAPE', /^E_SHAPE /m.test(out)),
  ],
  'packages/backend-cpu': (out) => [
    // Two backward-stable eigensolvers agree to a few ulps of ‖K‖ (here ~1e-13 relative); 1e-10 leaves room.
    near('largest eigenvalue from eigh vs eigvalsh', after(out, 'from eigh'), after(out, 'largest eigenvalue'), 1e-10),
    // Sum of eigenvalues = trace(XᵀX) = Σ x², up to float64 rounding of sums of 100 and 20000 terms (~1e-13).
    near('sum of eigenvalues vs sum of squares', after(out, 'sum of eigenvalues'), after(out, 'sum of squares'), 1e-10),
  ],
  'packages/backend-gpujs': (out) => [
    holds('a gpujs backend ran', /^backend gpujs:\w+/m.test(out)),
    // float32 accumulation over k = 300 terms: error ≤ (k + 2)·2⁻²⁴ of the largest entry (the package's bound).
    holds(
      'float32 Gram error within (k + 2)·2⁻²⁴',
      after(out, 'relative to the largest entry:') <= (300 + 2) * 2 ** -24,
    ),
    holds('eigenvalues computed on the CPU', /computed by cpu/.test(out)),
  ],
  'packages/rmt': (out) => [
    near('CDF at the right edge', after(out, 'CDF at the right edge'), 1, 1e-6),
    // The density integrates to 1 to about 1e-4 (the package's accuracy), and so does its mean.
    near('CK limit mean', after(out, 'CK mean'), 1, 1e-3),
    near('NTK limit mean', after(out, 'NTK mean'), 1 + TANH_A + TANH_A ** 2, 1e-3),
  ],
  'packages/data': (out) => {
    const [digits, fashion] = out.trim().split('\n');
    const [d0, n, dEff] = digits.split(' ').map(Number);
    const [fd0, ratio] = fashion.split(' ').map(Number);
    return [
      holds('the embedded digits are 64 × 1797', d0 === 64 && n === 1797),
      // d_eff = 1 / mean (x_iᵀx_j)² over distinct unit-norm samples, and (x_iᵀx_j)² ≤ 1: so d_eff ≥ 1.
      holds(`the digits' effective dimension ${dEff} is finite and ≥ 1`, Number.isFinite(dEff) && dEff >= 1),
      holds('Fashion-MNIST whitened to 500 directions', fd0 === 500),
      // The package's threshold for the Fan–Wang limit: √n / d_eff ≤ 0.1 (ORTHOGONALITY_RATIO_LIMIT).
      holds(`√n / d_eff = ${ratio} ≤ 0.1 after whitening`, ratio >= 0 && ratio <= 0.1),
      holds(
        'no warning: the Fan–Wang limit is expected to hold',
        fashion.endsWith('the Fan–Wang limit is expected to hold'),
      ),
    ];
  },
  'packages/nets': (out) => [
    // CK mean = average of ‖h‖²/width: weight-norm fluctuations give a standard deviation ≈ √(2/(d·width)) ≈ 0.005.
    near('CK mean', after(out, 'CK mean'), 1, 0.03),
    // The NTK mean at widths 400 is a few per cent off its limit (finite-width terms; measured 2–3 %).
    near('NTK mean', after(out, 'NTK mean'), 1 + TANH_A + TANH_A ** 2, 0.05),
  ],
  'packages/experiments': (out) => [
    holds('the CK spectrum is close to its limit (KS < 0.05)', after(out, 'CK KS') < 0.05),
    holds('the NTK KS distance is a distance', after(out, 'NTK KS') >= 0 && after(out, 'NTK KS') <= 1),
    near('NTK mean vs its limit', after(out, 'NTK mean'), after(out, 'limit'), 0.05),
  ],
  'apps/cli': (out) => [
    holds('exit code 0', /exit code 0\n/.test(out)),
    near('CK limit mean', after(out, 'CK limit mean'), 1, 1e-3),
    near('NTK limit mean', after(out, 'NTK limit mean'), 1 + TANH_A + TANH_A ** 2, 1e-3),
  ],
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, pkg] = process.argv.slice(2);
  if (command === 'sync') {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    for (const p of Object.keys(CLAIMS)) {
      const readme = join(root, p, 'README.md');
      writeFileSync(
        readme,
        withExample(readFileSync(readme, 'utf8'), readFileSync(join(root, p, 'examples/readme.ts'), 'utf8')),
      );
    }
    process.exit(0);
  }
  const claims = CLAIMS[pkg ?? ''];
  if (command !== 'check' || claims === undefined) {
    process.stderr.write(
      `usage: node scripts/readme-examples.mjs sync | check <${Object.keys(CLAIMS).join('|')}> < output\n`,
    );
    process.exit(2);
  }
  try {
    for (const c of claims(readFileSync(0, 'utf8'))) process.stdout.write(`  ok: ${c}\n`);
  } catch (e) {
    process.stderr.write(`error: ${pkg} README example: ${/** @type {Error} */ (e).message}\n`);
    process.exit(1);
  }
}
