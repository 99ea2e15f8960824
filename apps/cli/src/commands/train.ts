import { SpecError, columnRange, createRng, type Matrix } from '@spec/core';
import { parseDataSpec, singleIndexTeacher, type OrthonormalityDiagnostics } from '@spec/data';
import { initNetwork, mlp, resolveActivation } from '@spec/nets';
import {
  assertTrainFits,
  logCheckpoints,
  train,
  trainingBatch,
  type KernelMonitor,
  type TrainCheckpoint,
  type WeightMonitor,
} from '@spec/experiments';
import { Option } from 'commander';
import { activationFromFlags } from '../activation-flag.js';
import { assertSyntheticDataFits, diagnosticsJson, loadData } from '../data-source.js';
import { addNetworkFlags, type NetworkFlags } from '../network-flags.js';
import { finiteNumber, nonNegativeInt, oneOf, positiveInt } from '../options.js';
import { toJson } from '../output/context.js';
import type { MetricPoint } from '../plots/train-metrics.js';
import type { SpectrumPanel } from '../plots/train-spectra.js';
import type { CommandModule } from '../program.js';
import { addArchitectureTrainFlags, runArchitectureTraining } from './train-arch.js';

interface TrainFlags extends NetworkFlags {
  optimizer: 'gd' | 'sgd' | 'adam';
  lr: number;
  steps: number;
  batch?: number;
  checkpoints: number;
  trainReadout: boolean;
  testN?: number;
  noise: number;
  teacherActivation: string;
  jsonl: boolean;
  kernelGd: boolean;
}

function weightJson(w: WeightMonitor): Record<string, unknown> {
  const { eigenvalues: _e, ...rest } = w;
  return rest;
}

function kernelJson(k: KernelMonitor | undefined): Record<string, unknown> | undefined {
  if (k === undefined) return undefined;
  const { eigenvalues: _e, ...rest } = k;
  return rest;
}

/** Defaults of `spec train` (small enough to run in seconds; the shared network defaults are sized for `spectrum`). */
export const TRAIN_DEFAULTS = { n: 300, d0: 200, widths: [240] } as const;

/** The checkpoints drawn in the spectra figures: the first, the last and up to two evenly spaced between. */
export function figureSteps(checkpoints: ReadonlyArray<number>): number[] {
  const m = checkpoints.length;
  const picks = new Set<number>();
  for (let k = 0; k < 4; k++) picks.add(checkpoints[Math.round((k * (m - 1)) / 3)]);
  return [...picks].sort((a, b) => a - b);
}

function recordJson(r: TrainCheckpoint): Record<string, unknown> {
  return {
    ...r,
    weights: r.weights.map(weightJson),
    ...(r.ck ? { ck: kernelJson(r.ck) } : {}),
    ...(r.ntk ? { ntk: kernelJson(r.ntk) } : {}),
  };
}

export const trainCommand: CommandModule = {
  name: 'train',
  summary:
    'train an MLP (GD/SGD/Adam) and monitor weight/CK/NTK spectra and kernel-GD predictions; --arch: any architecture vs infinite-width kernel GD',
  configure(cmd) {
    addNetworkFlags(cmd, { data: true });
    // Small defaults that run in seconds (the shared defaults are sized for `spectrum`): set on the Option
    // objects so that --help shows them, and as the values (commander stored the shared ones when the option was added).
    for (const o of cmd.options) {
      if (o.long === '--n') o.default(TRAIN_DEFAULTS.n);
      if (o.long === '--widths') o.default([...TRAIN_DEFAULTS.widths], TRAIN_DEFAULTS.widths.join(','));
      if (o.long === '--d0')
        o.description = `input dimension (default ${TRAIN_DEFAULTS.d0}; for real data it comes from the data)`;
    }
    cmd.setOptionValueWithSource('n', TRAIN_DEFAULTS.n, 'default');
    cmd.setOptionValueWithSource('widths', [...TRAIN_DEFAULTS.widths], 'default');
    cmd
      .addOption(
        new Option('--optimizer <name>', 'gd (full batch), sgd (minibatches) or adam')
          .argParser(oneOf('--optimizer', ['gd', 'sgd', 'adam'] as const))
          .default('gd'),
      )
      .addOption(
        new Option('--lr <eta>', 'learning rate η').argParser(finiteNumber('--lr', Number.MIN_VALUE)).default(1),
      )
      .addOption(
        new Option('--steps <int>', 'training steps T').argParser(nonNegativeInt('--steps', 1_000_000)).default(100),
      )
      .addOption(
        new Option('--batch <int>', 'minibatch size (sgd default 32, adam default n; gd is full batch)').argParser(
          positiveInt('--batch', 100_000),
        ),
      )
      .addOption(
        new Option('--checkpoints <int>', 'number of log-spaced checkpoints (0 and T included)')
          .argParser(positiveInt('--checkpoints', 10_000))
          .default(6),
      )
      .option(
        '--train-readout',
        'train the readout too (default: readout fixed ±1, apps/docs/theory/spectral-evolution.md#training-setups)',
        false,
      )
      .addOption(
        new Option('--test-n <int>', 'test points from the same teacher/data (default n/2)').argParser(
          nonNegativeInt('--test-n', 100_000),
        ),
      )
      .addOption(new Option('--noise <sd>', 'teacher label noise').argParser(finiteNumber('--noise', 0)).default(0.1))
      .addOption(
        new Option('--teacher-activation <name>', 'teacher link σ* of y = σ*(√d βᵀx) + noise (raw)').default('tanh'),
      )
      .option('--jsonl', 'stream one JSON record per checkpoint (JSON Lines) as it is produced', false)
      .option('--no-kernel-gd', 'skip the kernel-GD predictions');
    addArchitectureTrainFlags(cmd);
    cmd.addHelpText(
      'after',
      `
Network (apps/docs/theory/spectral-evolution.md#training-setups): f(x) = vᵀσ(W x)/√h (fan-wang MLP), W ~ N(0,1),
x ~ N(0, I/d); loss (1/2n)Σ(f − y)².
Default data: single-index teacher y = σ*(√d βᵀx) + noise·ε; any --data with labels also works.
Monitors at checkpoints (apps/docs/theory/spectral-evolution.md#quantities): ESD of WᵀW/h vs step 0 (KS, W1),
‖W_t − W_0‖/‖W_0‖, outliers beyond the MP edge (1+√(d/h))² plus a Tracy–Widom margin, |⟨v₁, β⟩|, tail exponent α;
CK/NTK: KS/W1 to step 0, outliers beyond the right edge of the step-0 Fan–Wang law plus a Tracy–Widom margin (with
--raw-activation: beyond the step-0 largest eigenvalue; "edgeSource" in the JSON says which), ⟨u₁, y⟩²/‖y‖²,
relChange; kernel GD (apps/docs/theory/infinite-width.md#kernel-gradient-descent, gd only): rmse between the network
and the infinite-width / step-0 empirical NTK predictions.
Files with --out: train.json, train-loss.svg, train-weights.svg and train-kernels.svg (metrics over steps),
train-weight-spectra.svg (ESD of W₁ᵀW₁/h at up to 4 checkpoints over the MP law) and train-ck-spectra.svg
(CK eigenvalues at the same checkpoints over the step-0 Fan–Wang law; CK monitored only).`,
    );
  },
  async run(options, env) {
    if (options.arch !== undefined) return runArchitectureTraining(options, env);
    const flags = options as unknown as TrainFlags;
    const activation = activationFromFlags(flags);
    const out = env.out;
    const files = [
      'train.json',
      'train-weights.svg',
      'train-kernels.svg',
      'train-loss.svg',
      'train-weight-spectra.svg',
      'train-ck-spectra.svg',
    ];
    out.reserve(files);
    const rng = createRng(env.globals.seed);
    const n = flags.n;
    const testN = flags.testN ?? Math.floor(n / 2);
    let X: Matrix;
    let y: Float64Array;
    let beta: Float64Array | undefined;
    let source: string;
    let dataDiagnostics: OrthonormalityDiagnostics | undefined;
    const spec = parseDataSpec(flags.data);
    // Synthetic sizes are known before anything is drawn; real data is checked once its d0 is known.
    if (spec.kind === 'gaussian') {
      assertTrainFits({ n, testN, d0: flags.d0 ?? TRAIN_DEFAULTS.d0, widths: flags.widths, kernels: true });
    }
    if (spec.kind === 'gaussian') {
      assertSyntheticDataFits({ n: n + testN, d0: flags.d0 ?? TRAIN_DEFAULTS.d0 });
      const link = resolveActivation(flags.teacherActivation, { raw: true });
      const data = singleIndexTeacher({
        n: n + testN,
        d0: flags.d0 ?? 200,
        link: (t) => link.fn(t),
        noise: flags.noise,
        rng: rng.split('data'),
      });
      X = data.X;
      y = data.y;
      beta = data.beta;
      source = `single-index teacher ${flags.teacherActivation}, noise ${flags.noise}`;
    } else {
      const { dataset: ds, diagnostics } = await loadData({ ...flags, n: n + testN }, rng.split('data'), env);
      dataDiagnostics = diagnostics;
      const t = ds.targets ?? (ds.labels ? Float64Array.from(ds.labels) : undefined);
      if (t === undefined)
        throw new SpecError(
          'E_INPUT',
          `--data ${flags.data} has no labels or targets to train on; use a labelled source or the default teacher`,
        );
      if (ds.n !== n + testN)
        throw new SpecError('E_INPUT', `--data ${flags.data} gave ${ds.n} samples, need n + test-n = ${n + testN}`);
      X = ds.X;
      y = Float64Array.from(t);
      source = ds.source;
    }
    const d0 = X.rows;
    assertTrainFits({ n, testN, d0, widths: flags.widths, kernels: true });
    const Xtrain = columnRange(X, 0, n);
    const Xtest = testN > 0 ? columnRange(X, n, testN) : undefined;
    const net = mlp({ inputDim: d0, widths: flags.widths, activation });
    const params = initNetwork(net, rng.split('network'));
    const backend = await env.backend();

    const records: Record<string, unknown>[] = [];
    const metrics: MetricPoint[] = [];
    const kernelMetrics: MetricPoint[] = [];
    const lossPoints: MetricPoint[] = [];
    // Eigenvalues are kept for the figures only, and only at the few checkpoints drawn.
    const K = flags.checkpoints < 2 ? 2 : flags.checkpoints;
    const drawn = out.outDir !== undefined ? figureSteps(logCheckpoints(flags.steps, K)) : [];
    const weightPanels: SpectrumPanel[] = [];
    const ckPanels: SpectrumPanel[] = [];
    // The limit laws need the normalised activation; with --raw-activation the edges stay at the step-0 λ_max.
    const kernelEdges = flags.rawActivation
      ? undefined
      : { limit: { activation, input: spec.kind === 'gaussian' ? ({ kind: 'mp' } as const) : ('data' as const) } };
    const stepPhase = env.progress.phase('training');
    const result = train({
      net,
      params,
      X: Xtrain,
      y: y.subarray(0, n),
      Xtest,
      ytest: Xtest ? y.subarray(n) : undefined,
      optimizer: flags.optimizer,
      lr: flags.lr,
      steps: flags.steps,
      batch: flags.batch,
      checkpoints: K,
      trainReadout: flags.trainReadout,
      backend,
      rng: rng.split('train'),
      monitors: { beta, kernels: flags.kernel, kernelGd: flags.kernelGd, kernelEdges, eigenvalues: drawn },
      onProgress: stepPhase,
      onCheckpoint(r) {
        const rec = recordJson(r);
        if (r.weights[0]?.eigenvalues) weightPanels.push({ step: r.step, eigenvalues: r.weights[0].eigenvalues });
        if (r.ck?.eigenvalues) ckPanels.push({ step: r.step, eigenvalues: r.ck.eigenvalues });
        if (flags.jsonl && !out.json) out.say(toJson(rec));
        else if (!out.json) {
          const w = r.weights[0];
          out.say(
            `step ${r.step}: loss ${r.loss.toPrecision(4)}${r.testLoss !== null ? `, test ${r.testLoss.toPrecision(4)}` : ''}${w ? `, W1 KS ${w.ksToInit.toFixed(4)}, outliers ${w.outliers.length}, |⟨v1,β⟩| ${w.teacherAlignment?.toFixed(3) ?? '—'}` : ''}${r.kernelGd ? `, kernel-GD rmse inf ${r.kernelGd.rmseInf?.toExponential(2) ?? '—'} emp ${r.kernelGd.rmseEmp.toExponential(2)}` : ''}`,
          );
        }
        if (out.json || out.outDir !== undefined) records.push(rec);
        lossPoints.push({ step: r.step, value: r.loss, series: 'train loss' });
        if (r.testLoss !== null) lossPoints.push({ step: r.step, value: r.testLoss, series: 'test loss' });
        for (const w of r.weights) {
          metrics.push({ step: r.step, value: w.ksToInit, series: `W${w.layer + 1} KS to init` });
          metrics.push({ step: r.step, value: w.relChange, series: `W${w.layer + 1} ‖ΔW‖/‖W0‖` });
          if (w.teacherAlignment !== null)
            metrics.push({ step: r.step, value: w.teacherAlignment, series: `W${w.layer + 1} |⟨v1,β⟩|` });
        }
        for (const [k, m] of [
          ['CK', r.ck],
          ['NTK', r.ntk],
        ] as const) {
          if (m === undefined) continue;
          kernelMetrics.push({ step: r.step, value: m.ksToInit, series: `${k} KS to init` });
          kernelMetrics.push({ step: r.step, value: m.relChange, series: `${k} relChange` });
          kernelMetrics.push({ step: r.step, value: m.labelAlignment, series: `${k} label alignment` });
        }
      },
    });
    const laws = result.initialLaws;
    const doc = {
      command: 'train',
      config: {
        n,
        testN,
        d0,
        widths: flags.widths,
        activation: flags.activation,
        rawActivation: flags.rawActivation,
        optimizer: flags.optimizer,
        lr: flags.lr,
        steps: flags.steps,
        batch: trainingBatch(flags.optimizer, n, flags.batch),
        trainReadout: flags.trainReadout,
        data: source,
        seed: env.globals.seed,
        backend: backend.name,
      },
      // Right edges the CK/NTK outliers are measured against: 'limit' (step-0 Fan–Wang law) or 'step0-max'.
      kernelEdges: {
        ...(laws?.ckEdge ? { ck: { edge: laws.ckEdge.value, edgeSource: laws.ckEdge.source } } : {}),
        ...(laws?.ntkEdge ? { ntk: { edge: laws.ntkEdge.value, edgeSource: laws.ntkEdge.source } } : {}),
      },
      ...(dataDiagnostics !== undefined ? { dataDiagnostics: diagnosticsJson(dataDiagnostics) } : {}),
      checkpoints: records,
    };
    out.emitJson(doc);
    if (out.outDir !== undefined) {
      out.write('train.json', toJson(doc));
      // Imported here: the figure modules load Observable Plot and linkedom, which a run without figures does not need.
      const [{ trainMetricsSvg }, { trainSpectraSvg }] = await Promise.all([
        import('../plots/train-metrics.js'),
        import('../plots/train-spectra.js'),
      ]);
      out.write('train-weights.svg', trainMetricsSvg('Weight spectra vs step 0', metrics, 'value'));
      out.write('train-kernels.svg', trainMetricsSvg('CK / NTK vs step 0', kernelMetrics, 'value'));
      out.write('train-loss.svg', trainMetricsSvg('Loss', lossPoints, 'loss (1/2n)Σ(f − y)²'));
      const mp = laws?.weights[0];
      if (weightPanels.length > 0 && mp !== undefined) {
        out.write(
          'train-weight-spectra.svg',
          trainSpectraSvg({
            title: `ESD of W${mp.layer + 1}ᵀW${mp.layer + 1}/h (${mp.shape[0]} × ${mp.shape[1]}) at checkpoints`,
            panels: weightPanels,
            law: {
              x: mp.x,
              density: mp.density,
              label: `MP law, ratio d/h = ${mp.ratio.toPrecision(3)} (initialisation)`,
            },
            xLabel: 'eigenvalue of WᵀW/h',
          }),
        );
      }
      if (ckPanels.length > 0) {
        out.write(
          'train-ck-spectra.svg',
          trainSpectraSvg({
            title: 'CK eigenvalues at checkpoints',
            panels: ckPanels,
            ...(laws?.ck
              ? {
                  law: { x: laws.ck.x, density: laws.ck.density, label: 'Fan–Wang CK law at step 0' },
                  atoms: laws.ck.atoms,
                }
              : {}),
            xLabel: 'eigenvalue of the CK',
          }),
        );
      }
      if (!out.json) out.say(`JSON and figures written to ${out.outDir}/`);
    }
  },
};
