/**
 * `spec train --arch SPEC --width N`: trains the finite network of a JSON architecture
 * (apps/docs/theory/architectures.md#json-format) by GD or minibatch SGD in NTK parametrisation and, for full-batch GD,
 * sets it against kernel GD with the architecture's infinite-width NTK
 * (apps/docs/theory/infinite-width.md#kernel-gradient-descent). The flags are declared here and `train.ts` dispatches
 * to {@link runArchitectureTraining}; the computation is `architectureTrainingJob` of `@spec/experiments`.
 */
import { SpecError, createRng } from '@spec/core';
import { loadShapedData, parseDataSpec } from '@spec/data';
import {
  architectureTrainingJob,
  logCheckpoints,
  type ArchitectureTrainingRecord,
  type ArchitectureTrainingStage,
} from '@spec/experiments';
import { Option, type Command } from 'commander';
import { positiveInt } from '../options.js';
import { refuseOtherModeFlags, shapeOption, type ModeFlags } from './arch-mode.js';
import { toJson } from '../output/context.js';
import type { Progress } from '../output/progress.js';
import type { MetricPoint } from '../plots/train-metrics.js';
import type { CommandEnv } from '../runtime.js';
import { readArchitecture, takesImages } from './infinite-arch.js';

interface ArchitectureTrainFlags {
  arch: string;
  width: number;
  shape?: number[];
  data: string;
  n: number;
  d0?: number;
  testN?: number;
  optimizer: 'gd' | 'sgd' | 'adam';
  lr: number;
  steps: number;
  batch?: number;
  checkpoints: number;
  kernel: 'ck' | 'ntk' | 'both';
  monitors: boolean;
}

/** Training samples with --arch when --n is not given (a finite CNN costs far more per sample than an MLP). */
export const ARCH_TRAIN_DEFAULT_N = 16;
/** Width with --arch when --width is not given. */
export const ARCH_TRAIN_DEFAULT_WIDTH = 128;
/** Steps with --arch when --steps is not given. */
export const ARCH_TRAIN_DEFAULT_STEPS = 20;

/** MLP-only flags of `spec train` (attribute, flag as typed). */
const MLP_ONLY: ModeFlags = [
  ['widths', '--widths'],
  ['activation', '--activation'],
  ['rawActivation', '--raw-activation'],
  ['trainReadout', '--train-readout'],
  ['teacherActivation', '--teacher-activation'],
  ['noise', '--noise'],
  ['jsonl', '--jsonl'],
];

const ARCH_ONLY: ModeFlags = [
  ['width', '--width'],
  ['shape', '--shape'],
  ['monitors', '--no-monitors'],
];

const HELP = `
Any architecture (--arch SPEC; apps/docs/theory/architectures.md#json-format): trains the finite network of the JSON
list (a file or inline JSON; hidden layers of --width N channels unless an entry sets "width", the readout 1 output,
raw N(0, 1) parameters from --seed, the same network as spec spectrum --arch with that seed, NTK parametrisation,
every parameter trained) on y = sin(2z/rms z), z = ⟨v, x⟩ for a random unit v, loss (1/2n)Σ(f − y)², by gd (full
batch) or sgd (--batch, default min(32, n)). With gd, each checkpoint gives the RMS distance to kernel GD with the
network's infinite-width NTK from the network's own f₀ (rate lr/n;
apps/docs/theory/infinite-width.md#kernel-gradient-descent), on the training and the --test-n held-out samples: it
shrinks like width^(−1/2) (spec reproduce tp-universality).
Monitors at every checkpoint (--kernel ck|ntk|both picks the kernels, --no-monitors skips them), on the training
samples (apps/docs/theory/spectral-evolution.md#quantities): the CK (W_std²/D ⟨z_a, z_b⟩ + b_std² of the readout's
input z, as spec spectrum --arch) and the empirical NTK of all parameters — KS/W1 of the spectrum to step 0,
relChange ‖K_t − K_0‖_F/‖K_0‖_F, topEigenvalue, labelAlignment ⟨u₁, y⟩²/‖y‖², outliers beyond the largest eigenvalue
of the infinite-width kernel (NNGP/NTK) plus a Tracy–Widom margin ("edgeSource": "limit"), and
relativeFrobeniusToInfinite ‖K_t − K∞‖_F/‖K∞‖_F. relChange shrinks like 1/width
(apps/docs/theory/infinite-width.md#ntk-change). A network with no closed-form limit (max_pool, …) trains without
kernel GD and without the distances to infinite width; outliers are then beyond the step-0 λ_max ("step0-max").
Data: --data gaussian (N(0, 1) samples of --shape or --d0), digits, npy:PATH; --n defaults to ${ARCH_TRAIN_DEFAULT_N},
--width to ${ARCH_TRAIN_DEFAULT_WIDTH} and --steps to ${ARCH_TRAIN_DEFAULT_STEPS} here. JSON: {"command", "config",
"parameters", "kernelGdNote"?, "kernelEdges"?, "checkpoints": [{step, loss, testLoss?, kernelGd?: {rmse, testRmse},
ck?, ntk?: {ksToInit, w1ToInit, relChange, rightEdge, edgeSource, outliers, topEigenvalue, labelAlignment,
relativeFrobeniusToInfinite, …}}]} (kernelGd absent with sgd, ck/ntk with --no-monitors); with --out also
train.json, train-loss.svg and train-kernels.svg (the monitors over steps).`;

/** Declares --arch, --width and --shape on `spec train`, and refuses flags of the other mode. */
export function addArchitectureTrainFlags(cmd: Command): Command {
  cmd
    .addOption(new Option('--arch <spec>', 'any architecture: a JSON file or an inline JSON list of layers (below)'))
    .addOption(
      new Option(
        '--width <int>',
        `with --arch: the width N of every hidden layer (default ${ARCH_TRAIN_DEFAULT_WIDTH})`,
      ).argParser(positiveInt('--width', 1_000_000)),
    )
    .addOption(shapeOption())
    .option('--no-monitors', 'with --arch: skip the CK/NTK monitors (each checkpoint costs a per-sample gradient Gram)')
    .addHelpText('after', HELP);
  refuseOtherModeFlags(cmd, {
    mlpOnly: MLP_ONLY,
    archOnly: ARCH_ONLY,
    mlpWhat: 'the MLP of spec train',
    archDefaults: { n: ARCH_TRAIN_DEFAULT_N, width: ARCH_TRAIN_DEFAULT_WIDTH, steps: ARCH_TRAIN_DEFAULT_STEPS },
  });
  return cmd;
}

/** `spec train --arch …`. */
export async function runArchitectureTraining(options: Record<string, unknown>, env: CommandEnv): Promise<void> {
  const f = options as unknown as ArchitectureTrainFlags;
  if (f.optimizer === 'adam') throw new SpecError('E_INPUT', '--optimizer adam is MLP-only; with --arch use gd or sgd');
  const spec = readArchitecture(f.arch);
  const dataSpec = parseDataSpec(f.data);
  if (!['npy', 'digits', 'gaussian'].includes(dataSpec.kind)) {
    throw new SpecError('E_INPUT', `--data ${f.data}: with --arch use npy:PATH, digits or gaussian`);
  }
  const out = env.out;
  const files = ['train.json', 'train-loss.svg', 'train-kernels.svg'];
  out.reserve(files);
  const rng = createRng(env.globals.seed);
  const testN = f.testN ?? Math.floor(f.n / 2);
  const data = await loadShapedData(dataSpec, {
    n: f.n + testN,
    d0: f.d0,
    sampleShape: f.shape,
    flatten: dataSpec.kind === 'digits' && !takesImages(spec),
    rng: rng.split('data'),
  });
  for (const note of data.notes) env.out.note(`note: ${note}`);
  if (data.shape[0] !== f.n + testN)
    throw new SpecError('E_INPUT', `--data ${f.data} gave ${data.shape[0]} samples, need n + test-n = ${f.n + testN}`);
  const batch = f.optimizer === 'sgd' ? (f.batch ?? Math.min(32, f.n)) : f.n;
  const checkpoints = logCheckpoints(f.steps, f.checkpoints);
  const r = architectureTrainingJob({
    spec,
    data: data.data,
    shape: data.shape,
    n: f.n,
    width: f.width,
    lr: f.lr,
    steps: f.steps,
    checkpoints,
    batch,
    // The job draws the network from rng.split('network'), as spec spectrum --arch does: one seed, one network.
    rng,
    backend: await env.backend(),
    monitors: f.monitors ? { kernels: f.kernel } : false,
    onProgress: stageBars(env.progress),
  });
  const doc = {
    command: 'train',
    config: {
      arch: f.arch.trimStart().startsWith('[') ? 'inline' : f.arch,
      width: f.width,
      n: f.n,
      testN,
      shape: data.shape,
      data: f.data,
      optimizer: f.optimizer,
      lr: f.lr,
      steps: f.steps,
      batch,
      seed: env.globals.seed,
      parametrisation: 'NTK, every parameter trained',
      kernelGd: 'infinite-width NTK of the spec, from the network’s own f₀, rate lr/n',
      monitors: f.monitors ? f.kernel : 'off',
    },
    spec,
    parameters: r.parameters,
    ...(r.kernelGdNote !== undefined ? { kernelGdNote: r.kernelGdNote } : {}),
    // Right edges the CK/NTK outliers are measured against: 'limit' (the infinite-width kernel's λ_max) or 'step0-max'.
    ...(r.kernelEdges !== undefined ? { kernelEdges: r.kernelEdges } : {}),
    ...(r.monitorsNote !== undefined ? { monitorsNote: r.monitorsNote } : {}),
    checkpoints: r.records,
  };
  out.emitJson(doc);
  if (r.kernelGdNote !== undefined) out.note(`note: ${r.kernelGdNote}`);
  if (r.monitorsNote !== undefined) out.note(`note: ${r.monitorsNote}`);
  out.say(
    `${spec.length}-layer network at width ${f.width} (${r.parameters} parameters), ${f.optimizer} lr ${f.lr}, on ${data.name} of shape [${data.shape.join(', ')}] (${f.n} train, ${testN} held out)`,
  );
  out.say('step     loss       test loss  kernel GD rmse (train / test)  NTK relChange  CK / NTK to infinite width');
  const num = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : v.toExponential(3));
  for (const c of r.records) {
    out.say(
      [
        String(c.step).padEnd(8),
        num(c.loss).padEnd(10),
        num(c.testLoss).padEnd(10),
        (c.kernelGd === null ? '-' : `${num(c.kernelGd.rmse)} / ${num(c.kernelGd.testRmse)}`).padEnd(30),
        num(c.ntk?.relChange).padEnd(14),
        `${num(c.ck?.relativeFrobeniusToInfinite)} / ${num(c.ntk?.relativeFrobeniusToInfinite)}`,
      ].join(' '),
    );
  }
  if (out.outDir !== undefined) {
    out.write('train.json', toJson(doc));
    // Imported here: the figure module loads Observable Plot and linkedom, which a run without figures does not need.
    const { trainMetricsSvg } = await import('../plots/train-metrics.js');
    const { loss, kernels } = architectureTrainingMetrics(r.records);
    out.write('train-loss.svg', trainMetricsSvg('Loss', loss, 'loss (1/2n)Σ(f − y)²'));
    out.write('train-kernels.svg', trainMetricsSvg('CK / NTK vs step 0 and vs infinite width', kernels, 'value'));
    out.say(`JSON and figures written to ${out.outDir}/`);
  }
}

/** The curves of the figures: losses, and each monitored kernel's change, KS to step 0, distance to infinite width. */
function architectureTrainingMetrics(records: ReadonlyArray<ArchitectureTrainingRecord>): {
  loss: MetricPoint[];
  kernels: MetricPoint[];
} {
  const loss: MetricPoint[] = [];
  const kernels: MetricPoint[] = [];
  for (const c of records) {
    loss.push({ step: c.step, value: c.loss, series: 'train loss' });
    if (c.testLoss !== null) loss.push({ step: c.step, value: c.testLoss, series: 'test loss' });
    for (const [name, m] of [
      ['CK', c.ck],
      ['NTK', c.ntk],
    ] as const) {
      if (m === undefined) continue;
      kernels.push({ step: c.step, value: m.relChange, series: `${name} relChange` });
      kernels.push({ step: c.step, value: m.ksToInit, series: `${name} KS to init` });
      if (m.relativeFrobeniusToInfinite !== undefined)
        kernels.push({ step: c.step, value: m.relativeFrobeniusToInfinite, series: `${name} to infinite width` });
    }
  }
  return { loss, kernels };
}

/** One progress bar per stage of the job (the infinite-width kernels, then the training steps), each opened when its stage reports first. */
function stageBars(progress: Progress): (stage: ArchitectureTrainingStage, done: number, total: number) => void {
  let current: ArchitectureTrainingStage | undefined;
  let tick: (done: number, total: number) => void = () => undefined;
  return (stage, done, total) => {
    if (stage !== current) {
      current = stage;
      tick = progress.phase(stage);
    }
    tick(done, total);
  };
}
