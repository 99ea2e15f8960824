import {
  block,
  concatColumns,
  selectColumns,
  SpecError,
  type Backend,
  type LayerParams,
  type Matrix,
  type Rng,
} from '@spec/core';
import { dataGramInput } from '../limit-job.js';
import { logCheckpoints } from './checkpoints.js';
import type { LimitSpectrum } from '@spec/rmt';
import { initialKernelLaws, weightMpLaw, type WeightMpLaw } from './initial-laws.js';
import {
  kernelMonitor,
  weightMonitor,
  type KernelEdgeSource,
  type KernelMonitor,
  type KernelObserver,
  type SpectralMonitorOptions,
  type WeightMonitor,
} from './monitors.js';
import {
  empiricalKernels,
  networkOutput,
  type Network,
  type NetworkParams,
  infiniteNtkMatrices,
  kernelGdPredictor,
  type KernelGdPredictor,
  lossGradient,
  createOptimizer,
  type AdamOptions,
  type OptimizerName,
} from '@spec/nets';

/** Options of {@link train}. */
export interface TrainOptions {
  readonly net: Network;
  /** Initial parameters (copied; not modified). */
  readonly params: NetworkParams;
  /** Training inputs d_0 × n and targets (n). */
  readonly X: Matrix;
  readonly y: ArrayLike<number>;
  /** Test inputs d_0 × m and targets (m), optional. */
  readonly Xtest?: Matrix;
  readonly ytest?: ArrayLike<number>;
  /** `'gd'` (full batch), `'sgd'` (minibatches) or `'adam'` (full batch unless `batch`). */
  readonly optimizer: OptimizerName;
  /** Learning rate η > 0. */
  readonly lr: number;
  /** Number of steps T ≥ 0. */
  readonly steps: number;
  /** Minibatch size for sgd (default min(32, n)) and adam (default n); gd is always full batch. */
  readonly batch?: number;
  /** Checkpoints: a count K (log-spaced by {@link logCheckpoints}, default 6) or explicit steps in [0, T]. */
  readonly checkpoints?: number | ReadonlyArray<number>;
  /**
   * Train the readout too (default false: readout fixed, as apps/docs/theory/spectral-evolution.md#training-setups "v
   * fixed ±1").
   */
  readonly trainReadout?: boolean;
  /** Adam's β1, β2, ε. */
  readonly adam?: AdamOptions;
  readonly backend: Backend;
  /** Seeds the minibatches. */
  readonly rng: Rng;
  /** Spectral monitors (default all on); false: only the losses. */
  readonly monitors?: SpectralMonitorOptions | false;
  /** Receives each checkpoint's record as soon as it is computed (records are not kept by {@link train}). */
  readonly onCheckpoint?: (record: TrainCheckpoint) => void;
  /** Progress over steps. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Kernel-GD comparison at a checkpoint: RMS differences between predictions and the network's outputs. */
export interface KernelGdRecord {
  /** On the training points, with the infinite-width NTK Θ̊ (null when skipped). */
  readonly rmseInf: number | null;
  /** On the training points, with the empirical NTK at step 0. */
  readonly rmseEmp: number;
  /** Same on the test points (null without test data). */
  readonly testRmseInf: number | null;
  readonly testRmseEmp: number | null;
}

/** One checkpoint's record. */
export interface TrainCheckpoint {
  readonly step: number;
  /** ℒ = (1/2n) Σ (f(x_i) − y_i)² on the training set, and on the test set (null without one). */
  readonly loss: number;
  readonly testLoss: number | null;
  /** One entry per trained weight matrix with both sides ≥ 2 (the scalar readout is not a matrix). */
  readonly weights: WeightMonitor[];
  readonly ck?: KernelMonitor;
  /** NTK of the trained parameters (without the readout's term when the readout is frozen). */
  readonly ntk?: KernelMonitor;
  /** Null for sgd/adam (no closed form) or when disabled; see `kernelGdNote`. */
  readonly kernelGd: KernelGdRecord | null;
  readonly kernelGdNote?: string;
}

/**
 * The laws at initialisation that the monitors compared with (apps/docs/theory/spectral-evolution.md#quantities), for
 * figures.
 */
export interface InitialLaws {
  /** MP law of each monitored weight matrix's ESD (WᵀW/h, normalised over min(h, d) eigenvalues). */
  readonly weights: ReadonlyArray<WeightMpLaw & { readonly layer: number; readonly name: string }>;
  /** Fan–Wang CK law at step 0, when `monitors.kernelEdges` asked for the limit and the CK is monitored. */
  readonly ck?: LimitSpectrum;
  /** Right edges used for the CK/NTK outliers and where they come from (absent for an unmonitored kernel). */
  readonly ckEdge?: { readonly value: number; readonly source: KernelEdgeSource };
  readonly ntkEdge?: { readonly value: number; readonly source: KernelEdgeSource };
}

/** Summary returned by {@link train}. */
export interface TrainResult {
  /** Final parameters. */
  readonly params: NetworkParams;
  /** Steps at which records were produced. */
  readonly checkpoints: number[];
  /** Final training loss. */
  readonly loss: number;
  /** Laws at initialisation (null without monitors). */
  readonly initialLaws: InitialLaws | null;
}

function mseHalf(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return s / (2 * y.length);
}

function rmse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

/** Trained weights beyond this multiple of their initial norm mean the run has left any regime the monitors describe. */
const DIVERGED_WEIGHT_GROWTH = 100;

/**
 * The error for a run that diverged. Divergence comes from the learning rate the user chose, so it is `E_INPUT`
 * (exit 2), with the stability bound of gradient descent on the linearised model when the step-0 NTK is known:
 * f_{t+1} − y = (I − (η/n)Θ)(f_t − y) contracts only for η < 2n/λ_max(Θ) (apps/docs/theory/infinite-width.md#kernel-gradient-descent).
 */
function diverged(step: number, why: string, lr: number, bound: number | undefined): SpecError {
  const stable =
    bound !== undefined && Number.isFinite(bound)
      ? ` (gradient descent on this loss is stable only for lr < 2n/λ_max(NTK) = ${bound.toPrecision(3)} at initialisation)`
      : '';
  return new SpecError(
    'E_INPUT',
    `training diverged at step ${step}: ${why}; the learning rate ${lr} is too large${stable}; try a smaller --lr`,
  );
}

/** Euclidean norm of every trained parameter together. */
function norm(parts: ReadonlyArray<Float64Array>): number {
  let s = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) s += p[i] * p[i];
  return Math.sqrt(s);
}

function checkTargets(y: ArrayLike<number>, n: number, what: string): void {
  if (y === undefined || y.length !== n)
    throw new SpecError('E_SHAPE', `${what}: ${y?.length ?? 0} targets for ${n} samples`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(y[i]))
      throw new SpecError('E_INPUT', `${what}: target ${i} is ${y[i]}; targets must be finite`);
}

/**
 * Trains a network on the mean-squared loss ℒ = (1/2n) Σ (f(x_i) − y_i)²
 * (apps/docs/theory/spectral-evolution.md#training-setups) with full-batch GD, minibatch SGD or Adam, and calls the
 * spectral monitors at the checkpoints (apps/docs/theory/spectral-evolution.md#quantities): weight ESDs against step 0,
 * MP-edge outliers, teacher alignment, tail exponents, CK/NTK distances and label alignment, and for full-batch GD the
 * kernel-GD predictions of apps/docs/theory/infinite-width.md#kernel-gradient-descent with the infinite-width NTK and
 * the empirical NTK at step 0 (same f_0, rate η′ = η/n). Deterministic given `rng`. Each record goes to `onCheckpoint`
 * and is not kept, so memory is O(parameters + n² + step-0 references) whatever the number of checkpoints.
 *
 * @throws SpecError `E_INPUT`/`E_SHAPE` for bad options, and `E_INPUT` when the run diverges (a non-finite loss,
 *   gradient or weight, or weights beyond 100× their initial norm), quoting the stability bound when it is known
 */
export function train(options: TrainOptions): TrainResult {
  const { net, X, y, backend, rng, lr, steps } = options;
  const n = X.cols;
  checkTargets(y, n, 'train');
  if (!Number.isSafeInteger(steps) || steps < 0)
    throw new SpecError('E_INPUT', `train: steps must be a non-negative integer, got ${steps}`);
  const optimizer = createOptimizer(options.optimizer, lr, options.adam);
  if (options.optimizer === 'gd' && options.batch !== undefined && options.batch !== n) {
    throw new SpecError(
      'E_INPUT',
      `train: gd is full-batch (batch = n = ${n}), got batch ${options.batch}; use the sgd optimizer for minibatches`,
    );
  }
  const batch = trainingBatch(options.optimizer, n, options.batch);
  if (!Number.isSafeInteger(batch) || batch < 1 || batch > n)
    throw new SpecError('E_INPUT', `train: batch must be an integer in [1, n = ${n}], got ${batch}`);
  const Xtest = options.Xtest;
  if (Xtest !== undefined) {
    if (Xtest.rows !== X.rows)
      throw new SpecError('E_SHAPE', `train: test inputs have ${Xtest.rows} rows, training inputs ${X.rows}`);
    checkTargets(options.ytest as ArrayLike<number>, Xtest.cols, 'train (test set)');
  }
  const steps0 =
    typeof options.checkpoints === 'object'
      ? [...options.checkpoints]
      : logCheckpoints(steps, options.checkpoints ?? 6);
  for (const s of steps0)
    if (!Number.isSafeInteger(s) || s < 0 || s > steps)
      throw new SpecError('E_INPUT', `train: checkpoint ${s} is not a step in [0, ${steps}]`);
  const checkpoints = [...new Set(steps0)].sort((a, b) => a - b);
  const isCheckpoint = new Set(checkpoints);

  // Own copies of the parameters; the trained arrays are views into them.
  const params: LayerParams[] = options.params.map((p) =>
    Object.fromEntries(Object.entries(p).map(([k, a]) => [k, Float64Array.from(a)])),
  );
  // A layer's weight W as its d_ℓ × d_{ℓ−1} matrix (the MLP's dense layers store it row-major), for the monitors.
  const weightMatrix = (layer: number, key: string): Matrix => ({
    rows: net.dims[layer + 1],
    cols: net.dims[layer],
    data: params[layer][key],
  });
  const last = net.layers.length - 1;
  const trainReadout = options.trainReadout ?? false;
  const trained: Array<{ layer: number; key: string }> = [];
  params.forEach((p, i) => {
    if (i === last && !trainReadout && last > 0) return;
    for (const key of Object.keys(p).sort()) trained.push({ layer: i, key });
  });
  if (trained.length === 0) throw new SpecError('E_INPUT', 'train: the network has no trainable parameters');
  const flat = trained.map(({ layer, key }) => params[layer][key]);
  const trainedLayers = new Set(trained.map((t) => t.layer));

  const mon = options.monitors === false ? undefined : (options.monitors ?? {});
  const kernels = mon?.kernels ?? 'both';
  const wantCk = mon !== undefined && (kernels === 'ck' || kernels === 'both');
  const wantNtk = mon !== undefined && (kernels === 'ntk' || kernels === 'both');
  const kgdOption = mon?.kernelGd ?? true;
  const wantKgd = mon !== undefined && kgdOption !== false && options.optimizer === 'gd';
  const kgdNote =
    mon === undefined || kgdOption === false
      ? 'kernel GD disabled'
      : options.optimizer !== 'gd'
        ? `kernel GD has a closed form only for full-batch gd, not ${options.optimizer}`
        : undefined;
  const wantInf = wantKgd && (typeof kgdOption !== 'object' || kgdOption.infinite !== false);

  /** NTK of the trained parameters on the columns of Z (sum of the trained layers' contributions). */
  const trainedNtk = (Z: Matrix, withCk: boolean): { ck?: Matrix; ntk: Matrix } => {
    const k = empiricalKernels(net, params, Z, backend, { kernel: withCk ? 'both' : 'ntk', perLayer: true });
    const N = Z.cols;
    const out = new Float64Array(N * N);
    k.perLayer!.forEach((c, i) => {
      if (c !== null && trainedLayers.has(i)) for (let a = 0; a < N * N; a++) out[a] += c.data[a];
    });
    return { ck: k.ck, ntk: { rows: N, cols: N, data: out } };
  };

  let weightMons: Array<{ layer: number; key: string; observe: (W: Matrix, keep: boolean) => WeightMonitor }> = [];
  let ckMon: KernelObserver | undefined;
  let ntkMon: KernelObserver | undefined;
  let initialLaws: InitialLaws | null = null;
  const keepSteps = mon?.eigenvalues;
  const keeps = (step: number): boolean =>
    typeof keepSteps === 'object' ? keepSteps.includes(step) : keepSteps === true;
  const edgesOption = mon?.kernelEdges;
  // Limit-law edges are computed before any training, so a bad activation fails fast.
  const limitLaws =
    edgesOption !== undefined && 'limit' in edgesOption && (wantCk || wantNtk)
      ? initialKernelLaws({
          n,
          d0: X.rows,
          widths: net.dims.slice(1, -1),
          activation: edgesOption.limit.activation,
          input: edgesOption.limit.input === 'data' ? dataGramInput(X, backend) : edgesOption.limit.input,
          trainReadout: trainReadout || last === 0,
        })
      : undefined;
  const givenEdges = edgesOption !== undefined && !('limit' in edgesOption) ? edgesOption : undefined;
  let kgdEmp: KernelGdPredictor | undefined;
  let kgdInf: KernelGdPredictor | undefined;
  // Step-0 kernels on the training points, reused by the monitors at the first checkpoint.
  let K0: { ck?: Matrix; ntk: Matrix } | undefined;

  // Known once the step-0 NTK has been formed (kernel monitors or kernel GD): the bound quoted when a run diverges.
  let stableLr: (() => number) | undefined;
  const record = (step: number): number => {
    const outputs = networkOutput(net, params, X, backend);
    const loss = mseHalf(outputs, y);
    if (!Number.isFinite(loss)) throw diverged(step, `the loss is ${loss}`, lr, stableLr?.());
    const testOut = Xtest !== undefined ? networkOutput(net, params, Xtest, backend) : undefined;
    const testLoss = testOut !== undefined ? mseHalf(testOut, options.ytest!) : null;
    if (testLoss !== null && !Number.isFinite(testLoss))
      throw diverged(step, `the test loss is ${testLoss}`, lr, stableLr?.());
    if (mon === undefined) {
      options.onCheckpoint?.({ step, loss, testLoss, weights: [], kernelGd: null, kernelGdNote: kgdNote });
      return loss;
    }
    if (step === checkpoints[0]) {
      // Step-0 references (the first checkpoint is the reference when 0 is not requested).
      weightMons = trained
        .filter(({ key, layer }) => key === 'W' && net.dims[layer + 1] >= 2 && net.dims[layer] >= 2)
        .map(({ layer, key }) => ({
          layer,
          key,
          observe: weightMonitor(layer, key, weightMatrix(layer, key), backend, mon, layer === 0),
        }));
      let cross: Matrix | undefined;
      if (wantCk || wantNtk || wantKgd) {
        if (wantKgd && Xtest !== undefined) {
          const both = trainedNtk(concatColumns(X, Xtest), wantCk);
          K0 = { ck: both.ck && block(both.ck, 0, n, 0, n), ntk: block(both.ntk, 0, n, 0, n) };
          cross = block(both.ntk, n, Xtest.cols, 0, n);
        } else K0 = trainedNtk(X, wantCk);
      }
      const ckEdge = limitLaws?.ckEdge ?? givenEdges?.ck;
      const ntkEdge = limitLaws?.ntkEdge ?? givenEdges?.ntk;
      const source: KernelEdgeSource = limitLaws !== undefined ? 'limit' : 'given';
      if (wantCk) ckMon = kernelMonitor(K0!.ck!, y, backend, mon, ckEdge, source);
      if (wantNtk) ntkMon = kernelMonitor(K0!.ntk, y, backend, mon, ntkEdge, source);
      if (wantKgd) {
        const rate = lr / n;
        // Predictions are asked for at steps 0 … T − t₀ counted from the first checkpoint t₀.
        const kgdSteps = checkpoints[checkpoints.length - 1] - checkpoints[0];
        const common = { y, f0: outputs, f0Cross: testOut, rate, backend, steps: kgdSteps };
        kgdEmp = kernelGdPredictor({ ...common, theta: K0!.ntk, cross, lambdaMax: ntkMon?.referenceMax });
        const emp = kgdEmp;
        stableLr = () => (2 * n) / emp.lambdaMax; // read only for an error message (may cost an eigvalsh)
        if (wantInf) {
          const inf = infiniteNtkMatrices(net, X, { Xcross: Xtest, withoutReadout: !trainReadout && last > 0 });
          kgdInf = kernelGdPredictor({ ...common, theta: inf.theta, cross: inf.cross });
        }
      }
    }
    const keep = keeps(step);
    const weights = weightMons.map((w) => w.observe(weightMatrix(w.layer, w.key), keep));
    let ck: KernelMonitor | undefined;
    let ntk: KernelMonitor | undefined;
    if (wantCk || wantNtk) {
      // At the first checkpoint the kernels are the step-0 ones just formed.
      const K = step === checkpoints[0] ? K0! : trainedNtk(X, wantCk);
      if (ckMon) ck = ckMon(K.ck!, keep);
      if (ntkMon) ntk = ntkMon(K.ntk, keep);
    }
    K0 = undefined; // the monitors and kernel GD keep what they need of it
    if (step === checkpoints[0]) {
      initialLaws = {
        weights: weights.map((w) => ({ ...weightMpLaw(w.shape[0], w.shape[1]), layer: w.layer, name: w.name })),
        ...(limitLaws !== undefined && wantCk ? { ck: limitLaws.ck } : {}),
        ...(ck ? { ckEdge: { value: ck.rightEdge, source: ck.edgeSource } } : {}),
        ...(ntk ? { ntkEdge: { value: ntk.rightEdge, source: ntk.edgeSource } } : {}),
      };
    }
    let kernelGd: KernelGdRecord | null = null;
    if (kgdEmp !== undefined) {
      const t = step - checkpoints[0];
      const emp = kgdEmp.predict(t);
      const inf = kgdInf?.predict(t);
      kernelGd = {
        rmseInf: inf !== undefined ? rmse(inf.train, outputs) : null,
        rmseEmp: rmse(emp.train, outputs),
        testRmseInf: inf?.cross !== undefined && testOut !== undefined ? rmse(inf.cross, testOut) : null,
        testRmseEmp: emp.cross !== undefined && testOut !== undefined ? rmse(emp.cross, testOut) : null,
      };
    }
    options.onCheckpoint?.({
      step,
      loss,
      testLoss,
      weights,
      ...(ck ? { ck } : {}),
      ...(ntk ? { ntk } : {}),
      kernelGd,
      ...(kgdNote !== undefined ? { kernelGdNote: kgdNote } : {}),
    });
    return loss;
  };

  const batchRng = rng.split('batches');
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const initialNorm = norm(flat);
  let loss = NaN;
  for (let t = 0; t <= steps; t++) {
    if (isCheckpoint.has(t)) loss = record(t);
    if (t === steps) break;
    let Xb = X;
    let yb: ArrayLike<number> = y;
    if (batch < n) {
      // Partial Fisher–Yates: a uniformly random batch without replacement.
      for (let i = 0; i < batch; i++) {
        const j = i + batchRng.int(n - i);
        const tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      const idx = perm.subarray(0, batch);
      Xb = selectColumns(X, idx);
      yb = Array.from(idx, (i) => y[i]);
    }
    const g = lossGradient(net, params, Xb, yb, backend);
    if (!Number.isFinite(g.loss)) throw diverged(t, `the loss is ${g.loss}`, lr, stableLr?.());
    const grads = trained.map(({ layer, key }) => g.grads[layer][key]);
    for (const gr of grads)
      for (let i = 0; i < gr.length; i++)
        if (!Number.isFinite(gr[i])) throw diverged(t, 'a gradient is not finite', lr, stableLr?.());
    optimizer.update(flat, grads, t + 1);
    const grown = norm(flat);
    if (!Number.isFinite(grown)) throw diverged(t + 1, 'the weights are not finite', lr, stableLr?.());
    if (initialNorm > 0 && grown > DIVERGED_WEIGHT_GROWTH * initialNorm) {
      const times = (grown / initialNorm).toPrecision(3);
      throw diverged(
        t + 1,
        `the weights grew to ${times}× their initial norm (loss ${g.loss.toPrecision(3)})`,
        lr,
        stableLr?.(),
      );
    }
    options.onProgress?.(t + 1, steps);
  }
  if (!isCheckpoint.has(steps)) loss = mseHalf(networkOutput(net, params, X, backend), y);
  if (!Number.isFinite(loss)) throw diverged(steps, `the loss is ${loss}`, lr, stableLr?.());
  return { params, checkpoints, loss, initialLaws };
}

/** The minibatch size a run uses: `batch` when given, else min(32, n) for sgd and n (full batch) for gd and adam. */
export function trainingBatch(optimizer: TrainOptions['optimizer'], n: number, batch?: number): number {
  return batch ?? (optimizer === 'sgd' ? Math.min(32, n) : n);
}
