/**
 * `spec infinite --arch SPEC`: the infinite-width NNGP and NTK of a network in the JSON architecture format
 * (apps/docs/theory/architectures.md#json-format) — on a data set (`--data`), or on inputs on a circle (no `--data`).
 * The flags are declared here and `infinite.ts` dispatches to {@link runArchitecture}; the mathematics is in
 * `@spec/nets` (`architectureKernelMatrices`) and the shapes in `@spec/data` (`loadShapedData`, `circleData`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { SpecError, createRng } from '@spec/core';
import { circleData, encodeNpy, loadShapedData, parseDataSpec, type ShapedData } from '@spec/data';
import {
  architectureKernelMatrices,
  kernelMapFromSpec,
  type ArchitectureSpec,
  type SpatialKernelForm,
} from '@spec/nets';
import { Option, type Command } from 'commander';
import { oneOf, positiveInt } from '../options.js';
import { refuseOtherModeFlags, shapeOption, type ModeFlags } from './arch-mode.js';
import { jsonRows, toJson } from '../output/context.js';
import type { CommandEnv } from '../runtime.js';

/** The flags `spec infinite` reads with --arch (the MLP flags it shares: --data, --n, --d0). */
interface ArchitectureFlags {
  arch: string;
  shape?: number[];
  form: SpatialKernelForm | 'auto';
  angles: number;
  data?: string;
  n: number;
  d0: number;
}

/** Attribute names of the MLP-only flags of `spec infinite`, with the flag as the user types it. */
const MLP_ONLY: ModeFlags = [
  ['activation', '--activation'],
  ['normalized', '--normalized'],
  ['depth', '--depth'],
  ['cos', '--cos'],
  ['sigmaW2', '--sigma-w2'],
  ['sigmaB2', '--sigma-b2'],
  ['sigmaW2In', '--sigma-w2-in'],
  ['architecture', '--architecture'],
  ['tile', '--tile'],
  ['compareWidth', '--compare-width'],
  ['nets', '--nets'],
];

const ARCH_ONLY: ModeFlags = [
  ['shape', '--shape'],
  ['form', '--form'],
  ['angles', '--angles'],
];

const HELP = `
Any architecture (--arch SPEC; apps/docs/theory/architectures.md#json-format, guide: Architectures): SPEC is a JSON
file or an inline JSON list of layers, e.g. '[{"layer":"conv","filter":[3,3],"padding":"SAME"},{"layer":"relu"},
{"layer":"flatten"},{"layer":"dense"}]'; the last layer must be a one-output dense readout on a non-spatial record.
Kinds: dense, conv, relu | erf | tanh | gelu | identity | act {fn} (any registered activation), avg_pool, sum_pool,
global_avg_pool, flatten, last, layernorm, attention, rnn, residual, sum, and plugin kinds (--plugin). NTK
parametrisation; the input record is ⟨x_a(p), x_b(q)⟩ / C, X used as given (no centring or normalisation).
  --data npy:PATH   an array (n, spatial…, C) of any rank ≥ 2, kept as it is (the first --n samples)
  --data digits     the 8 × 8 digits as images (n, 8, 8, 1), pixels / 16; vectors (n, 64) for a network without
                    flatten, global_avg_pool or last (an MLP)
  --data gaussian   i.i.d. N(0, 1) entries of shape (n, --shape) or (n, --d0)
  --shape D,…,C     the shape of one sample: draws gaussian data, or reshapes each npy / digits sample (same size)
  no --data         --angles inputs x(θ) = cos θ u + sin θ v on a circle of samples of --shape, θ from 0 to 180°
JSON: {"config", "form", "spec", "nngp", "ntk", "eigenvalues"} (n × n matrices; eigenvalues in decreasing order);
on a circle {"config", "form", "spec", "angles", "nngp", "ntk", "diagonal"} (kernels between x(0) and x(θ)).
Files with --out: infinite.json, nngp.npy, ntk.npy and eigenvalues.svg; on a circle infinite.json and
kernel-angle.svg (also the diagonal NTK(x(θ), x(θ)), which a CNN does not keep constant along the circle).
--form auto takes the diagonal record (n²L floats) unless a layer reads pairs of positions (pooling, attention,
rnn: full record, n²L² floats); a record that would not fit is refused before it is allocated.`;

/** Declares --arch, --shape, --form and --angles on `spec infinite`, and refuses flags of the other mode. */
export function addArchitectureFlags(cmd: Command): Command {
  cmd
    .addOption(
      new Option('--arch <spec>', 'any architecture: a JSON file or an inline JSON list of layers (see below)'),
    )
    .addOption(shapeOption())
    .addOption(
      new Option('--form <form>', 'with --arch: kernel record layout, auto | diagonal | full')
        .argParser(oneOf('--form', ['auto', 'diagonal', 'full'] as const))
        .default('auto'),
    )
    .addOption(
      new Option('--angles <int>', 'with --arch and no --data: points on the circle, from 0 to 180°')
        .argParser(positiveInt('--angles', 10_000))
        .default(37),
    )
    .addHelpText('after', HELP);
  refuseOtherModeFlags(cmd, { mlpOnly: MLP_ONLY, archOnly: ARCH_ONLY, mlpWhat: 'the MLP kernels' });
  return cmd;
}

/** The network of `--arch`: an inline JSON list (text starting with "[") or a JSON file. */
export function readArchitecture(arg: string): ArchitectureSpec {
  const inline = arg.trimStart().startsWith('[');
  let text = arg;
  if (!inline) {
    if (!existsSync(arg)) {
      throw new SpecError(
        'E_INPUT',
        `--arch ${arg}: no such file; give a JSON file or an inline JSON list like '[{"layer":"dense"}]'`,
      );
    }
    text = readFileSync(arg, 'utf8');
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new SpecError(
      'E_INPUT',
      `--arch ${inline ? '(inline)' : arg}: not valid JSON: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  if (!Array.isArray(spec)) {
    throw new SpecError(
      'E_INPUT',
      `--arch ${inline ? '(inline)' : arg}: expected a JSON list of layers like [{"layer": "dense"}], got ${typeof spec}`,
    );
  }
  return spec as ArchitectureSpec;
}

/**
 * Whether the network reduces 8 × 8 positions to none before its readout (a flatten, global pooling or `last`): then
 * the digits are images (n, 8, 8, 1); otherwise — an MLP, which keeps every position — vectors (n, 64). A network that
 * cannot take 8 × 8 inputs at all gets images, so that the run reports why with the layer's index.
 */
export function takesImages(spec: ArchitectureSpec): boolean {
  try {
    return kernelMapFromSpec(spec).outputSpatial([8, 8]).length === 0;
  } catch {
    return true;
  }
}

/** `spec infinite --arch …`. */
export async function runArchitecture(options: Record<string, unknown>, env: CommandEnv): Promise<void> {
  const f = options as unknown as ArchitectureFlags;
  const spec = readArchitecture(f.arch);
  const archConfig = { arch: f.arch.trimStart().startsWith('[') ? 'inline' : f.arch, form: f.form };
  if (f.data === undefined) return runCircle(f, spec, archConfig, env);
  const dataSpec = parseDataSpec(f.data);
  const data: ShapedData = await loadShapedData(dataSpec, {
    n: f.n,
    d0: f.d0,
    sampleShape: f.shape,
    flatten: dataSpec.kind === 'digits' && !takesImages(spec),
    rng: createRng(env.globals.seed).split('data'),
  });
  for (const note of data.notes) env.out.note(`note: ${note}`);
  env.out.reserve(['infinite.json', 'nngp.npy', 'ntk.npy', 'eigenvalues.svg']);
  const m = architectureKernelMatrices({
    spec,
    data: data.data,
    shape: data.shape,
    form: f.form,
    onProgress: env.progress.phase('infinite-width kernels'),
  });
  const n = m.samples;
  const backend = await env.backend();
  const descending = (k: Float64Array): number[] =>
    Array.from(backend.eigvalsh({ rows: n, cols: n, data: k })).sort((a, b) => b - a);
  const eigenvalues = { nngp: descending(m.nngp), ntk: descending(m.ntk) };
  const doc = {
    command: 'infinite',
    config: { ...archConfig, data: f.data, n, shape: data.shape },
    form: m.form,
    route: m.route,
    spec,
    nngp: jsonRows(m.nngp, n, n),
    ntk: jsonRows(m.ntk, n, n),
    eigenvalues,
  };
  env.out.say(
    `${n} × ${n} NNGP and NTK of a ${spec.length}-layer network on ${data.name} of shape [${data.shape.join(', ')}] (${m.form} record, ${m.route})`,
  );
  env.out.emitJson(doc);
  if (env.out.outDir !== undefined) {
    env.out.write('infinite.json', toJson(doc));
    env.out.write('nngp.npy', encodeNpy(m.nngp, [n, n]));
    env.out.write('ntk.npy', encodeNpy(m.ntk, [n, n]));
    // Imported here: the figure modules load Observable Plot and linkedom, which a run without figures does not need.
    const { kernelEigenvaluesSvg } = await import('../plots/architecture-plots.js');
    env.out.write(
      'eigenvalues.svg',
      kernelEigenvaluesSvg(
        `infinite-width NNGP and NTK eigenvalues, ${data.name} [${data.shape.join(', ')}]`,
        eigenvalues.nngp,
        eigenvalues.ntk,
      ),
    );
    env.out.say(`figures and JSON written to ${env.out.outDir}`);
  }
}

/** No --data: the kernels between x(0) and x(θ) for inputs on a circle (`circleData`). */
async function runCircle(
  f: ArchitectureFlags,
  spec: ArchitectureSpec,
  archConfig: Record<string, unknown>,
  env: CommandEnv,
): Promise<void> {
  if (f.shape === undefined) {
    throw new SpecError(
      'E_INPUT',
      '--arch without --data computes the kernels of inputs on a circle: give the shape of one input with --shape (e.g. 8,8,1), or give --data',
    );
  }
  if (f.angles < 2) throw new SpecError('E_INPUT', `--angles must be at least 2, got ${f.angles}`);
  env.out.reserve(['infinite.json', 'kernel-angle.svg']);
  const circle = circleData({
    sampleShape: f.shape,
    points: f.angles,
    rng: createRng(env.globals.seed).split('circle'),
  });
  const m = architectureKernelMatrices({ spec, data: circle.data, shape: circle.shape, form: f.form });
  const k = f.angles;
  const degrees = Array.from(circle.angles, (t) => (t * 180) / Math.PI);
  const row = (a: Float64Array): number[] => Array.from(a.subarray(0, k));
  const diag = (a: Float64Array): number[] => Array.from({ length: k }, (_, i) => a[i * k + i]);
  const doc = {
    command: 'infinite',
    config: { ...archConfig, shape: f.shape, angles: k },
    form: m.form,
    route: m.route,
    spec,
    angles: degrees,
    nngp: row(m.nngp),
    ntk: row(m.ntk),
    diagonal: { nngp: diag(m.nngp), ntk: diag(m.ntk) },
  };
  env.out.say(
    `NNGP and NTK of a ${spec.length}-layer network between x(0) and x(θ) on a circle of [${f.shape.join(', ')}] inputs, ${k} angles (${m.form} record): NTK(0°) ${m.ntk[0].toFixed(6)}, NTK(180°) ${m.ntk[k - 1].toFixed(6)}`,
  );
  env.out.emitJson(doc);
  if (env.out.outDir !== undefined) {
    env.out.write('infinite.json', toJson(doc));
    const { kernelsByAngleSvg } = await import('../plots/architecture-plots.js');
    const points = degrees.flatMap((angle, i) => [
      { angle, value: doc.nngp[i], kernel: 'NNGP(x(0), x(θ))' },
      { angle, value: doc.ntk[i], kernel: 'NTK(x(0), x(θ))' },
      { angle, value: doc.diagonal.ntk[i], kernel: 'NTK(x(θ), x(θ))', self: true },
    ]);
    env.out.write(
      'kernel-angle.svg',
      kernelsByAngleSvg(`infinite-width kernels on a circle of [${f.shape.join(', ')}] inputs`, points),
    );
    env.out.say(`figures and JSON written to ${env.out.outDir}`);
  }
}
