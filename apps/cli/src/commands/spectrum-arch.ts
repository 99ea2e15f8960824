/**
 * `spec spectrum --arch SPEC --width N`: samples the finite network of a JSON architecture
 * (apps/docs/theory/architectures.md#json-format) at width N and sets its CK and NTK eigenvalues against those of the
 * infinite-width NNGP and NTK on the same data (apps/docs/theory/architectures.md#finite-vs-infinite). The flags are
 * declared here and `spectrum.ts` dispatches to {@link runArchitectureSpectrum}; the computation is
 * `architectureSpectrumJob` of `@spec/experiments`, the data `loadShapedData` of `@spec/data`.
 */
import { SpecError, createRng } from '@spec/core';
import { loadShapedData, parseDataSpec } from '@spec/data';
import {
  architectureSpectrumJob,
  type ArchitectureKernelComparison,
  type FiniteKernelSpectrum,
} from '@spec/experiments';
import type { SpatialKernelForm } from '@spec/nets';
import { Option, type Command } from 'commander';
import { oneOf, positiveInt } from '../options.js';
import { refuseOtherModeFlags, shapeOption, type ModeFlags } from './arch-mode.js';
import { writeVectorNpy } from '../output/files.js';
import { toJson } from '../output/context.js';
import type { CommandEnv } from '../runtime.js';
import { readArchitecture, takesImages } from './infinite-arch.js';

interface ArchitectureSpectrumFlags {
  arch: string;
  width: number;
  shape?: number[];
  form: SpatialKernelForm | 'auto';
  data: string;
  n: number;
  d0?: number;
  kernel: 'ck' | 'ntk' | 'both';
}

/** Samples with --arch when --n is not given (a finite CNN costs far more per sample than an MLP). */
export const ARCH_DEFAULT_N = 200;
/** Width with --arch when --width is not given. */
export const ARCH_DEFAULT_WIDTH = 256;

/** MLP-only flags of `spec spectrum` (attribute, flag as typed). */
const MLP_ONLY: ModeFlags = [
  ['widths', '--widths'],
  ['activation', '--activation'],
  ['rawActivation', '--raw-activation'],
  ['limit', '--limit'],
  ['points', '--points'],
  ['outputWeights', '--output-weights'],
  ['method', '--method'],
  ['slqProbes', '--slq-probes'],
  ['slqSteps', '--slq-steps'],
  ['slqNtk', '--slq-ntk'],
  ['classes', '--classes'],
];

const ARCH_ONLY: ModeFlags = [
  ['width', '--width'],
  ['shape', '--shape'],
  ['form', '--form'],
];

/** What the JSON says about the normalisations and distances (also in --help). */
export const CK_NORMALISATION =
  "W_std²/D · ⟨z_a, z_b⟩ + b_std², z = the readout's input (all positions and channels, D numbers per sample), W_std and b_std the readout's: the output covariance over the readout weights given the rest of the network (NTK parametrisation), whose infinite-width limit is the NNGP";
export const NTK_NORMALISATION =
  'Σ_θ ∂f(x_a)/∂θ · ∂f(x_b)/∂θ over every raw N(0, 1) parameter θ (NTK parametrisation: weights W_std·ω/√fan-in), whose infinite-width limit is the NTK';
const DISTANCES = {
  ks: 'two-sample Kolmogorov–Smirnov distance sup_t |F̂(t) − F∞(t)| between the empirical spectral distributions (n eigenvalues of mass 1/n each) of the finite and the infinite-width kernel',
  relativeFrobenius: '‖K̂ − K∞‖_F / ‖K∞‖_F of the n × n matrices; falls like N^(-1/2) with the width N',
  eigenvalueDeviation: 'max_i |λ̂_i − λ∞_i| / λ∞_1 with eigenvalues matched by rank; at most ‖K̂ − K∞‖_F / λ∞_1 (Weyl)',
};
const LIMIT_LAWS =
  'not applied: the linear-width Fan–Wang laws (--limit) are for MLPs (spec spectrum without --arch); with --arch the finite kernels are compared with the infinite-width kernels of the same network on the same data';

const HELP = `
Any architecture (--arch SPEC; apps/docs/theory/architectures.md#json-format, guide: Architectures): samples the
finite network of the JSON list (a file or inline JSON; every hidden dense/conv/attention/rnn layer has --width N
channels unless its entry sets "width", the readout 1 output; raw N(0, 1) parameters from --seed, NTK
parametrisation) and compares its kernels with the infinite-width ones of the same network on the same data
(comparison "infinite-width-kernel"):
  CK  = ${CK_NORMALISATION};
  NTK = ${NTK_NORMALISATION}.
Distances: ks — ${DISTANCES.ks}; relativeFrobenius — ${DISTANCES.relativeFrobenius}; eigenvalueDeviation —
${DISTANCES.eigenvalueDeviation}.
The Fan–Wang limit laws stay MLP-only (JSON "limitLaws" says so). Data: --data npy:PATH (any rank, kept as
(n, spatial…, C)), digits (8 × 8 × 1 images, vectors for an MLP), gaussian (N(0, 1) samples of --shape or --d0);
--n defaults to ${ARCH_DEFAULT_N} and --width to ${ARCH_DEFAULT_WIDTH} here.
JSON: {"comparison", "config", "normalisation", "distances", "limitLaws", "form", "parameters", "readout",
"kernels": {"ck", "ntk"}}, each kernel {eigenvalues, mean, infinite: {kernel, eigenvalues, mean}, ks,
relativeFrobenius, eigenvalueDeviation} (eigenvalues decreasing).
Files with --out: spectrum.json, ck-eigenvalues.npy, ntk-eigenvalues.npy (finite), nngp-eigenvalues.npy,
ntk-infinite-eigenvalues.npy and eigenvalues.svg (finite dots against infinite-width lines by rank, log-log).
A network with no closed-form limit (softmax attention with "mode": "sqrt", max_pool, a plugin layer without a
kernel map) gets its finite spectra alone: "comparison": "none", "noLimit" (the first such layer and why), each kernel
{eigenvalues, mean}. A network or infinite-width record that would not fit stops before allocating (E_MEMORY).`;

/** Declares --arch, --width, --shape and --form on `spec spectrum`, and refuses flags of the other mode. */
export function addArchitectureSpectrumFlags(cmd: Command): Command {
  cmd
    .addOption(new Option('--arch <spec>', 'any architecture: a JSON file or an inline JSON list of layers (below)'))
    .addOption(
      new Option(
        '--width <int>',
        `with --arch: the width N of every hidden layer (default ${ARCH_DEFAULT_WIDTH})`,
      ).argParser(positiveInt('--width', 1_000_000)),
    )
    .addOption(shapeOption())
    .addOption(
      new Option('--form <form>', 'with --arch: infinite-width record layout, auto | diagonal | full')
        .argParser(oneOf('--form', ['auto', 'diagonal', 'full'] as const))
        .default('auto'),
    )
    .addHelpText('after', HELP);
  refuseOtherModeFlags(cmd, {
    mlpOnly: MLP_ONLY,
    archOnly: ARCH_ONLY,
    mlpWhat: 'the MLP of spec spectrum',
    archDefaults: { n: ARCH_DEFAULT_N, width: ARCH_DEFAULT_WIDTH },
  });
  return cmd;
}

function kernelJson(
  c: ArchitectureKernelComparison | FiniteKernelSpectrum,
  infiniteKernel: 'nngp' | 'ntk',
): Record<string, unknown> {
  if (!('infiniteEigenvalues' in c)) return { eigenvalues: Array.from(c.eigenvalues), mean: c.mean };
  return {
    eigenvalues: Array.from(c.eigenvalues),
    mean: c.mean,
    infinite: { kernel: infiniteKernel, eigenvalues: Array.from(c.infiniteEigenvalues), mean: c.infiniteMean },
    ks: c.ks,
    relativeFrobenius: c.relativeFrobenius,
    eigenvalueDeviation: c.eigenvalueDeviation,
  };
}

/** The infinite-width eigenvalues of a kernel, when there is a limit. */
function limitEigenvalues(
  c: ArchitectureKernelComparison | FiniteKernelSpectrum | undefined,
): Float64Array | undefined {
  return c !== undefined && 'infiniteEigenvalues' in c ? c.infiniteEigenvalues : undefined;
}

/** `spec spectrum --arch …`. */
export async function runArchitectureSpectrum(options: Record<string, unknown>, env: CommandEnv): Promise<void> {
  const f = options as unknown as ArchitectureSpectrumFlags;
  const spec = readArchitecture(f.arch);
  const dataSpec = parseDataSpec(f.data);
  if (!['npy', 'digits', 'gaussian'].includes(dataSpec.kind)) {
    throw new SpecError('E_INPUT', `--data ${f.data}: with --arch use npy:PATH, digits or gaussian`);
  }
  const names = f.kernel === 'both' ? (['ck', 'ntk'] as const) : ([f.kernel] as const);
  const out = env.figureOut('spectrum-arch');
  out.reserve([
    'spectrum.json',
    'eigenvalues.svg',
    ...names.flatMap((k) => [
      `${k}-eigenvalues.npy`,
      k === 'ck' ? 'nngp-eigenvalues.npy' : 'ntk-infinite-eigenvalues.npy',
    ]),
  ]);
  const rng = createRng(env.globals.seed);
  const data = await loadShapedData(dataSpec, {
    n: f.n,
    d0: f.d0,
    sampleShape: f.shape,
    flatten: dataSpec.kind === 'digits' && !takesImages(spec),
    rng: rng.split('data'),
  });
  for (const note of data.notes) env.out.note(`note: ${note}`);
  const backend = await env.backend();
  const r = architectureSpectrumJob({
    spec,
    data: data.data,
    shape: data.shape,
    width: f.width,
    rng: rng.split('network'),
    backend,
    kernel: f.kernel,
    form: f.form,
    onProgress: env.progress.phase('infinite-width kernels'),
  });
  const kernels: Record<string, unknown> = {};
  if (r.ck) kernels.ck = kernelJson(r.ck, 'nngp');
  if (r.ntk) kernels.ntk = kernelJson(r.ntk, 'ntk');
  const doc = {
    command: 'spectrum',
    comparison: r.comparison,
    config: {
      arch: f.arch.trimStart().startsWith('[') ? 'inline' : f.arch,
      width: f.width,
      n: r.samples,
      shape: data.shape,
      data: f.data,
      kernel: f.kernel,
      form: f.form,
      seed: env.globals.seed,
      backend: backend.name,
    },
    normalisation: { ck: CK_NORMALISATION, ntk: NTK_NORMALISATION },
    distances: DISTANCES,
    limitLaws: LIMIT_LAWS,
    ...(r.comparison === 'none' ? { noLimit: r.noLimit } : { form: r.form }),
    parameters: r.parameters,
    readout: r.readout,
    spec,
    kernels,
  };
  env.out.emitJson(doc);
  env.out.note(`note: Fan–Wang limit laws ${LIMIT_LAWS}`);
  if (r.comparison === 'none') env.out.note(`note: finite-width spectra only: ${r.noLimit}`);
  const nngpLimit = limitEigenvalues(r.ck);
  const ntkLimit = limitEigenvalues(r.ntk);
  if (out.outDir !== undefined) {
    out.write('spectrum.json', toJson(doc));
    if (r.ck) writeVectorNpy(out, 'ck-eigenvalues.npy', r.ck.eigenvalues);
    if (nngpLimit) writeVectorNpy(out, 'nngp-eigenvalues.npy', nngpLimit);
    if (r.ntk) writeVectorNpy(out, 'ntk-eigenvalues.npy', r.ntk.eigenvalues);
    if (ntkLimit) writeVectorNpy(out, 'ntk-infinite-eigenvalues.npy', ntkLimit);
    // Imported here: the figure modules load Observable Plot and linkedom, which a run without figures does not need.
    const { eigenvaluesByRankSvg } = await import('../plots/architecture-plots.js');
    const series = [
      ...(r.ck ? [{ label: `CK, width ${f.width}`, values: r.ck.eigenvalues, line: false }] : []),
      ...(nngpLimit ? [{ label: 'NNGP, infinite width', values: nngpLimit, line: true }] : []),
      ...(r.ntk ? [{ label: `NTK, width ${f.width}`, values: r.ntk.eigenvalues, line: false }] : []),
      ...(ntkLimit ? [{ label: 'NTK, infinite width', values: ntkLimit, line: true }] : []),
    ];
    out.write(
      'eigenvalues.svg',
      eigenvaluesByRankSvg(
        `finite (width ${f.width}) vs infinite-width kernel eigenvalues, ${data.name} [${data.shape.join(', ')}]`,
        series,
      ),
    );
  }
  const what = `${spec.length}-layer network at width ${f.width} (${r.parameters} parameters) on ${data.name} of shape [${data.shape.join(', ')}]`;
  if (r.comparison === 'none') {
    env.out.say(`${what}: finite-width spectra only (no closed-form infinite-width limit)`);
    env.out.say('kernel   mean       largest eigenvalue');
    for (const [k, c] of [
      ['CK', r.ck],
      ['NTK', r.ntk],
    ] as const) {
      if (c !== undefined) {
        env.out.say([k.padEnd(8), c.mean.toPrecision(4).padEnd(10), c.eigenvalues[0].toPrecision(4)].join(' '));
      }
    }
  } else {
    env.out.say(`${what}, against the infinite-width kernels (${r.form} record)`);
    env.out.say('kernel   limit   mean      limit mean   KS       rel. Frobenius   max |Δλ|/λ₁');
    for (const [k, c, lim] of [
      ['CK', r.ck, 'NNGP'],
      ['NTK', r.ntk, 'NTK'],
    ] as const) {
      if (c === undefined) continue;
      env.out.say(
        [
          k.padEnd(8),
          lim.padEnd(7),
          c.mean.toPrecision(4).padEnd(9),
          c.infiniteMean.toPrecision(4).padEnd(12),
          c.ks.toFixed(4).padEnd(8),
          c.relativeFrobenius.toFixed(4).padEnd(16),
          c.eigenvalueDeviation.toFixed(4),
        ].join(' '),
      );
    }
  }
  if (out.outDir !== undefined) env.out.say(`figure, eigenvalues (.npy) and JSON written to ${out.outDir}/`);
}
