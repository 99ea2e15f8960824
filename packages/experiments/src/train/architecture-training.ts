import {
  SpecError,
  assertFitsInMemory,
  availableMemoryBytes,
  type Backend,
  type Rng,
  type Activations,
} from '@spec/core';
import { initSpatialNetwork, spatialNetworkFromSpec, type ArchitectureSpec } from '@spec/nets';
import { architectureSpectrumBytes } from '../spectrum/architecture-spectrum.js';
import { architectureKernelBlocks, architectureKernelGd } from './architecture-kernel-gd.js';
import {
  architectureKernelMonitors,
  type ArchitectureKernelMonitor,
  type ArchitectureMonitors,
} from './architecture-monitors.js';
import type { KernelEdgeSource } from './monitors.js';
import { trainSpatialNetwork } from './train-spatial.js';

/** Options of {@link architectureTrainingJob}. */
export interface ArchitectureTrainingOptions {
  /** The network in the JSON format (apps/docs/theory/architectures.md#json-format). */
  readonly spec: ArchitectureSpec;
  /** Samples, row-major in `shape` = (n + testN, spatial…, C): the first n train, the rest are held out. */
  readonly data: Float64Array;
  readonly shape: ReadonlyArray<number>;
  /** Training samples n (the rest of the data is held out). */
  readonly n: number;
  /** Width of every hidden layer of the finite network. */
  readonly width: number;
  readonly lr: number;
  readonly steps: number;
  /** Steps at which predictions are compared. */
  readonly checkpoints: ReadonlyArray<number>;
  /** Minibatch size (default n: full-batch GD; kernel GD is the prediction of full-batch GD only). */
  readonly batch?: number;
  /** Seeds the teacher (`rng.split('teacher')`), the network (`'network'`) and the batches (`'batches'`). */
  readonly rng: Rng;
  readonly backend: Backend;
  /**
   * Spectral monitors of the CK and empirical NTK at every checkpoint ({@link architectureKernelMonitors}; default
   * both kernels); `false` skips them (they cost a per-sample gradient Gram per checkpoint).
   */
  readonly monitors?: false | { readonly kernels?: 'ck' | 'ntk' | 'both' };
  /** Bytes the kernel monitors may use (default 80 % of the machine's memory). */
  readonly memoryLimitBytes?: number;
  /**
   * Progress of the two long stages: the infinite-width kernels (over the pairs of samples, as
   * `architectureKernelMatrices` reports it) and the training steps.
   */
  readonly onProgress?: (stage: ArchitectureTrainingStage, done: number, total: number) => void;
}

/** The stages {@link ArchitectureTrainingOptions.onProgress} reports. */
export type ArchitectureTrainingStage = 'infinite-width kernels' | 'training';

/** One checkpoint of {@link architectureTrainingJob}. */
export interface ArchitectureTrainingRecord {
  readonly step: number;
  /** (1/2n) Σ (f − y)² on the training and held-out samples. */
  readonly loss: number;
  readonly testLoss: number | null;
  /** RMS distance to kernel GD with the infinite-width NTK (full-batch GD only), on train and held-out samples. */
  readonly kernelGd: { readonly rmse: number; readonly testRmse: number | null } | null;
  /** Monitors of the CK and the empirical NTK on the training samples (absent when not monitored). */
  readonly ck?: ArchitectureKernelMonitor;
  readonly ntk?: ArchitectureKernelMonitor;
}

/** What {@link architectureTrainingJob} returns. */
export interface ArchitectureTrainingResult {
  readonly parameters: number;
  readonly records: ReadonlyArray<ArchitectureTrainingRecord>;
  /** Why there is no kernel-GD comparison, when there is none. */
  readonly kernelGdNote?: string;
  /** The right edges the CK/NTK outliers are measured against and where they come from (with the monitors). */
  readonly kernelEdges?: {
    readonly ck?: { readonly edge: number; readonly edgeSource: KernelEdgeSource };
    readonly ntk?: { readonly edge: number; readonly edgeSource: KernelEdgeSource };
  };
  /** Why the monitors have no distance to the infinite-width kernels, when they have none. */
  readonly monitorsNote?: string;
}

/**
 * Targets of a smooth single-index teacher: y_a = sin(2 z_a / rms(z)), z_a = ⟨v, x_a⟩ with v a random unit vector
 * over the flattened sample (standardised so the argument has spread 2 whatever the data's scale).
 */
export function sineTeacher(data: Float64Array, samples: number, rng: Rng): Float64Array {
  const per = data.length / samples;
  const v = Float64Array.from({ length: per }, () => rng.normal());
  const z = Float64Array.from({ length: samples }, (_, a) => {
    let s = 0;
    for (let j = 0; j < per; j++) s += v[j] * data[a * per + j];
    return s;
  });
  const r = Math.sqrt(z.reduce((s, x) => s + x * x, 0) / samples);
  return z.map((x) => (r > 0 ? Math.sin((2 * x) / r) : 0));
}

function sliceSamples(x: Activations, from: number, count: number): Activations {
  const per = x.data.length / x.samples;
  return { ...x, data: x.data.slice(from * per, (from + count) * per), samples: count };
}

function rms(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

function halfMse(f: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) s += (f[i] - y[i]) ** 2;
  return s / (2 * f.length);
}

/**
 * Trains the finite network of a JSON architecture (NTK parametrisation, `spatialNetworkFromSpec` at `width`) on a
 * smooth teacher by GD or minibatch SGD ({@link trainSpatialNetwork}) and, for full-batch GD, sets its predictions
 * against kernel GD with the architecture's infinite-width NTK from the network's own f_0 ({@link architectureKernelGd};
 * apps/docs/theory/infinite-width.md#kernel-gradient-descent) — the job behind `spec train --arch`. At every
 * checkpoint it monitors the CK and empirical NTK on the training samples ({@link architectureKernelMonitors}: change
 * and spectrum against step 0, label alignment, outliers, distance to the infinite-width kernels). The network is
 * drawn from `rng.split('network')` as `architectureSpectrumJob` draws it from its rng, so the same seed gives the
 * same network (and step-0 kernels) in both.
 *
 * A spec with no infinite-width limit (an entry without a closed form, e.g. max_pool) still trains and is monitored;
 * it has no kernel-GD prediction and no distance to infinite width, and `kernelGdNote` / `monitorsNote` say why.
 *
 * @throws SpecError `E_INPUT` for a bad spec, sizes or checkpoints, `E_MEMORY` when the kernel monitors would not fit,
 *   and the errors of training and kernel GD
 */
export function architectureTrainingJob(options: ArchitectureTrainingOptions): ArchitectureTrainingResult {
  const { spec, shape, n, rng } = options;
  const total = shape[0];
  if (!Number.isSafeInteger(n) || n < 1 || n > total)
    throw new SpecError('E_INPUT', `train --arch: need 1 ≤ n ≤ ${total} training samples, got ${n}`);
  const all: Activations = {
    data: options.data,
    samples: total,
    spatial: shape.slice(1, -1),
    channels: shape[shape.length - 1],
  };
  const y = sineTeacher(options.data, total, rng.split('teacher'));
  const x = sliceSamples(all, 0, n);
  const xTest = total > n ? sliceSamples(all, n, total - n) : undefined;
  const net = spatialNetworkFromSpec(spec, { width: options.width });
  const init = initSpatialNetwork(net.layers, { spatial: x.spatial, channels: x.channels }, rng.split('network'));
  const parameters = init.params.reduce((s, p) => s + Object.values(p).reduce((t, v) => t + v.length, 0), 0);
  const batch = options.batch ?? n;
  const progress = options.onProgress;
  const stageProgress = (stage: ArchitectureTrainingStage) =>
    progress === undefined ? undefined : (done: number, all: number) => progress(stage, done, all);
  // Kernel GD needs full batches, held-out samples and an infinite-width NTK (every entry with a closed form).
  const fullBatch = batch === n && xTest !== undefined && net.infiniteMap !== undefined;
  const kernels = options.monitors === false ? undefined : (options.monitors?.kernels ?? 'both');
  if (kernels !== undefined) {
    assertFitsInMemory(
      architectureSpectrumBytes(spec, net.layers, [n, ...x.spatial, x.channels], options.width),
      options.memoryLimitBytes ?? availableMemoryBytes(),
      `the kernel monitors of the network at width ${options.width} on ${n} samples (per-sample gradient blocks, n × n kernels)`,
      'use a smaller --width, fewer samples, or switch the monitors off (--no-monitors)',
    );
  }
  // One kernel-map pass gives kernel GD its NTK blocks and the monitors their infinite-width references; without a
  // closed-form limit both go on without them (with notes that say why).
  const infinite =
    net.infiniteMap !== undefined && (fullBatch || kernels !== undefined)
      ? architectureKernelBlocks(spec, x, fullBatch ? xTest : undefined, stageProgress('infinite-width kernels'))
      : undefined;
  const observe =
    kernels !== undefined
      ? architectureKernelMonitors({
          spec,
          layers: net.layers,
          x,
          y: y.subarray(0, n),
          kernels,
          infinite: infinite && { nngp: infinite.nngp, ntk: infinite.theta },
          backend: options.backend,
        })
      : undefined;
  const monitors = new Map<number, ArchitectureMonitors>();
  const run = trainSpatialNetwork({
    layers: net.layers,
    backend: options.backend,
    params: init.params,
    x,
    y: y.subarray(0, n),
    xTest,
    lr: options.lr,
    steps: options.steps,
    checkpoints: [0, ...options.checkpoints],
    batch,
    rng: rng.split('batches'),
    ...(progress !== undefined ? { onProgress: stageProgress('training') } : {}),
    ...(observe !== undefined ? { onCheckpoint: (c, params) => monitors.set(c.step, observe(params)) } : {}),
  });
  const f0 = run.checkpoints[0];
  const yTest = y.subarray(n);
  const kgd =
    fullBatch && xTest !== undefined && infinite?.cross !== undefined
      ? architectureKernelGd({
          spec,
          x,
          y: y.subarray(0, n),
          xTest,
          f0: f0.train,
          f0Test: f0.test!,
          lr: options.lr,
          backend: options.backend,
          blocks: { theta: infinite.theta, cross: infinite.cross },
          steps: options.steps,
        })
      : undefined;
  const records = run.checkpoints
    .filter((c) => c.step !== 0 || options.checkpoints.includes(0))
    .map((c): ArchitectureTrainingRecord => {
      const p = kgd?.predict(c.step);
      return {
        step: c.step,
        loss: c.loss,
        testLoss: c.test !== undefined ? halfMse(c.test, yTest) : null,
        kernelGd: p !== undefined ? { rmse: rms(c.train, p.train), testRmse: rms(c.test!, p.test) } : null,
        ...monitors.get(c.step),
      };
    });
  const note =
    batch < n
      ? `kernel GD is the prediction of full-batch GD; minibatch SGD (batch ${batch} < n = ${n}) has none`
      : xTest === undefined
        ? 'kernel GD needs held-out samples (test-n > 0)'
        : net.infiniteMap === undefined
          ? `kernel GD needs the infinite-width NTK: ${net.noKernelMap ?? 'no infinite-width kernel map'}`
          : undefined;
  const first = monitors.get(0);
  const edgeOf = (m: ArchitectureKernelMonitor): { edge: number; edgeSource: KernelEdgeSource } => ({
    edge: m.rightEdge,
    edgeSource: m.edgeSource,
  });
  const kernelEdges =
    first !== undefined
      ? { ...(first.ck ? { ck: edgeOf(first.ck) } : {}), ...(first.ntk ? { ntk: edgeOf(first.ntk) } : {}) }
      : undefined;
  const monitorsNote =
    kernels !== undefined && infinite === undefined
      ? `${net.noKernelMap ?? 'no infinite-width kernel'}: the monitors have no distance to the infinite-width kernels, and outliers are measured against the step-0 largest eigenvalue`
      : undefined;
  return {
    parameters,
    records,
    ...(note !== undefined ? { kernelGdNote: note } : {}),
    ...(kernelEdges !== undefined ? { kernelEdges } : {}),
    ...(monitorsNote !== undefined ? { monitorsNote } : {}),
  };
}
