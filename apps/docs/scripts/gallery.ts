/**
 * Generates the figure gallery: runs the `spec` CLI once per figure into public/gallery/<id>/ and writes
 * public/gallery/manifest.json, which the gallery page reads at build time. Figures are never drawn by
 * hand: every SVG here is whatever the CLI wrote. A figure that cannot be made fails the build (exit 1),
 * naming the command that failed; a listed command that the CLI does not have fails before anything runs.
 *
 * Usage: tsx scripts/gallery.ts            (from apps/docs; the docs build runs it)
 *        SPEC_DOCS_GALLERY=skip …          keeps the previous gallery (local iteration on the site only)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const docsRoot = resolve(here, '..');
const repoRoot = resolve(docsRoot, '../..');
const galleryDir = join(docsRoot, 'public/gallery');

/** One gallery figure: the CLI command (without `spec` and `--out`) and what it shows. */
export interface FigureSpec {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  /** Subcommand and flags, e.g. `['spectrum', '--n', '400']`. */
  readonly args: ReadonlyArray<string>;
}

/** One entry of manifest.json. */
export interface GalleryEntry extends FigureSpec {
  /** The shell command a reader can paste to make the same files. */
  readonly command: string;
  /** SVG files the CLI wrote, relative to public/ (so `/gallery/<id>/<file>.svg` on the site). */
  readonly svgs: ReadonlyArray<string>;
}

// Only commands that exist in `spec --help` belong here; each figure should take seconds (the build runs them all).
export const FIGURES: ReadonlyArray<FigureSpec> = [
  {
    id: 'spectrum-tanh',
    title: 'CK and NTK spectra of a tanh network vs their limits',
    caption:
      'Empirical eigenvalue histograms of the Conjugate Kernel and the Neural Tangent Kernel of a two-hidden-layer tanh ' +
      'network on Gaussian data (n = 400, d0 = 300, widths 400, 400), with the deterministic linear-width limit densities.',
    args: ['spectrum', '--n', '400', '--d0', '300', '--widths', '400,400', '--activation', 'tanh'],
  },
  {
    id: 'spectrum-relu',
    title: 'CK and NTK spectra of a ReLU network vs their limits',
    caption: 'The same comparison for the centred, unit-variance ReLU (n = 400, d0 = 300, widths 400, 400).',
    args: ['spectrum', '--n', '400', '--d0', '300', '--widths', '400,400', '--activation', 'relu'],
  },
  {
    id: 'limit-relu',
    title: 'Limit densities alone (no sampling)',
    caption: 'The CK and NTK limit densities for a ReLU network at n = 800, d0 = 600, widths 1000, 1000.',
    args: ['limit', '--activation', 'relu', '--n', '800', '--d0', '600', '--widths', '1000,1000'],
  },
  {
    id: 'infinite-relu',
    title: 'Infinite-width NTK against the angle between inputs',
    caption:
      'The NTK Θ(x, y) of a ReLU MLP at infinite width (NTK parametrisation, σ_w² = 2) as a function of the angle between ' +
      'two unit-norm inputs, for depths 1 to 3 (apps/docs/theory/infinite-width.md#mlp-recursions).',
    args: ['infinite', '--activation', 'relu', '--depth', '3'],
  },
  {
    id: 'arch-cnn-gap-angle',
    title: 'Infinite-width kernels of a CNN with global average pooling, inputs on a circle',
    caption:
      'NNGP and NTK between x(0) and x(θ) = cos θ u + sin θ v, for u, v orthogonal white-noise 8 × 8 images of equal ' +
      'norm, of conv3×3–relu–conv3×3–relu–global average pooling–dense (apps/docs/examples/architectures/cnn-gap.json). ' +
      'The pooled kernel averages all pairs of positions, most of which do not see how x(0) and x(θ) align, so it ' +
      'hardly falls with θ; the dashed self-kernel NTK(x(θ), x(θ)) shows that a CNN also tells points of equal norm apart.',
    args: ['infinite', '--arch', 'apps/docs/examples/architectures/cnn-gap.json', '--shape', '8,8,1', '--angles', '37'],
  },
  {
    id: 'arch-cnn-flatten-angle',
    title: 'The same CNN with flatten instead of pooling',
    caption:
      'The circle of the previous figure through the CNN whose readout reads the flattened positions ' +
      '(apps/docs/examples/architectures/cnn-flatten.json): only equal positions are compared, and the kernels fall ' +
      'with the angle much as an MLP’s do (apps/docs/theory/architectures.md#flatten).',
    args: [
      'infinite',
      '--arch',
      'apps/docs/examples/architectures/cnn-flatten.json',
      '--shape',
      '8,8,1',
      '--angles',
      '37',
    ],
  },
  {
    id: 'arch-cnn-digits-eigenvalues',
    title: 'Infinite-width NNGP and NTK eigenvalues of a CNN on digits',
    caption:
      'Eigenvalues by rank of the 300 × 300 NNGP and NTK matrices of the flatten CNN on the first 300 embedded 8 × 8 ' +
      'digits (pixels / 16, not centred): a few large eigenvalues, from the mean image and the classes, then a decaying tail.',
    args: ['infinite', '--arch', 'apps/docs/examples/architectures/cnn-flatten.json', '--data', 'digits', '--n', '300'],
  },
  {
    id: 'arch-cnn-digits-finite-vs-infinite',
    title: 'A width-64 CNN against its infinite-width kernels on digits',
    caption:
      'Eigenvalues by rank of the CK (W_std²/D ⟨z_a, z_b⟩ + b_std² of the readout’s input) and the empirical NTK of one ' +
      'random width-64 draw of the flatten CNN (apps/docs/examples/architectures/cnn-flatten.json) on the first 100 ' +
      'digits (dots), against the NNGP and NTK of the same network at infinite width (lines) ' +
      '(apps/docs/theory/architectures.md#finite-vs-infinite). The large eigenvalues sit on the lines; the finite ' +
      'network’s relative distance to the limit falls like 1/√width.',
    args: [
      'spectrum',
      '--arch',
      'apps/docs/examples/architectures/cnn-flatten.json',
      '--data',
      'digits',
      '--n',
      '100',
      '--width',
      '64',
    ],
  },
  {
    id: 'series-relu',
    title: 'Power-series coefficients and sphere eigenvalues of the ReLU NTK',
    caption:
      'Coefficients of the NTK of a two-hidden-layer ReLU network as a power series in ⟨x, y⟩ up to degree 20, and its ' +
      'exact eigenvalues for data uniform on the sphere S² with the fitted power-law decay (apps/docs/theory/power-series.md).',
    args: ['series', '--activation', 'relu', '--depth', '2', '--degree', '20'],
  },
  {
    id: 'dispersion-eoc',
    title: 'NTK dispersion at the edge of chaos',
    caption:
      'Dispersion E[Θ²]/E[Θ]² of the NTK of ReLU networks of width 50 at σ_w² = 2 (edge of chaos) for depths 1 to 20, ' +
      '300 networks per depth (exact scalar Monte Carlo, ± one standard error), against the limit at λ = depth/width.',
    args: ['dispersion', '--sigma-w2', '2', '--width', '50', '--depths', '1,5,10,20', '--samples', '300'],
  },
  {
    id: 'train-gd',
    title: 'Spectra during small-learning-rate gradient descent',
    caption:
      'A one-hidden-layer erf network (n = 300, d0 = 200, width 240) trained by full-batch GD (η = 1, 60 steps) on a ' +
      'single-index teacher: loss, monitors over steps, and the weight and CK spectra at four checkpoints over their ' +
      'step-0 laws (MP and Fan–Wang): at this learning rate the bulk stays put (apps/docs/theory/spectral-evolution.md#bulk-invariance).',
    args: ['train', '--activation', 'erf', '--steps', '60', '--checkpoints', '5'],
  },
];

function runSpec(args: ReadonlyArray<string>): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('pnpm', ['-s', 'spec', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 10 * 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.error) return { status: 1, stdout: '', stderr: String(r.error) };
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Subcommand names listed by `spec --help`. */
export function availableCommands(helpText: string): Set<string> {
  const names = new Set<string>();
  const section = helpText.split(/^Commands:\s*$/m)[1] ?? '';
  for (const line of section.split('\n')) {
    const m = /^ {2}([a-z][a-z0-9-]*)\b/.exec(line);
    if (m) names.add(m[1]);
    else if (line.trim() !== '' && !line.startsWith(' ')) break;
  }
  return names;
}

function svgsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...svgsUnder(p));
    else if (entry.name.endsWith('.svg')) out.push(p);
  }
  return out.sort();
}

function main(): void {
  if (process.env.SPEC_DOCS_GALLERY === 'skip') {
    if (!existsSync(join(galleryDir, 'manifest.json'))) {
      mkdirSync(galleryDir, { recursive: true });
      writeFileSync(join(galleryDir, 'manifest.json'), '[]\n');
    }
    console.log('gallery: skipped (SPEC_DOCS_GALLERY=skip)');
    return;
  }
  const help = runSpec(['--help']);
  if (help.status !== 0) throw new Error(`gallery: \`spec --help\` failed (exit ${help.status}):\n${help.stderr}`);
  const have = availableCommands(help.stdout);
  const missing = [...new Set(FIGURES.map((f) => f.args[0]))].filter((c) => !have.has(c));
  if (missing.length > 0) {
    throw new Error(
      `gallery: the CLI has no command ${missing.map((c) => `"${c}"`).join(', ')} (spec --help lists: ${[...have].join(', ') || 'none'}); ` +
        'remove those figures from apps/docs/scripts/gallery.ts or add the command',
    );
  }
  rmSync(galleryDir, { recursive: true, force: true });
  mkdirSync(galleryDir, { recursive: true });
  const manifest: GalleryEntry[] = [];
  for (const fig of FIGURES) {
    const out = join(galleryDir, fig.id);
    const args = [...fig.args, '--out', out, '--force'];
    const command = `pnpm -s spec ${fig.args.join(' ')} --out results/${fig.id}`;
    const t0 = Date.now();
    const r = runSpec(args);
    if (r.status !== 0)
      throw new Error(`gallery: figure "${fig.id}" failed: \`${command}\` exited ${r.status}:\n${r.stderr.trim()}`);
    const svgs = existsSync(out) ? svgsUnder(out) : [];
    if (svgs.length === 0) throw new Error(`gallery: figure "${fig.id}": \`${command}\` wrote no SVG under ${out}`);
    manifest.push({
      ...fig,
      command,
      svgs: svgs.map((p) => relative(join(docsRoot, 'public'), p).split('\\').join('/')),
    });
    console.log(`gallery: ${fig.id} (${svgs.length} SVG, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  writeFileSync(join(galleryDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
