import { assertFinite, type Backend, type LayerParams, type Matrix, type Rng } from '@spec/core';
import {
  empiricalKernels,
  forward,
  kernelOperatorsConsuming,
  samplesAsRows,
  leanNtk,
  type LeanNtk,
  type Network,
  type NetworkParams,
} from '@spec/nets';
import { slqDensity, slqQuantiles, stochasticLanczosQuadrature, type BlockMatvec } from '@spec/rmt';
import type { RawSpectrum } from './compare.js';
import { SLQ_AUTO_MIN_N } from './memory.js';
import type { SpectrumPlan } from './plan.js';

/** Stages reported through `onProgress`. */
export type SpectrumStage = 'forward' | 'kernels' | 'eigenvalues' | 'limit';

/** What every executor receives. `owned` holds the parameters; executors that can release them layer by layer do. */
export interface ExecutorInput {
  readonly net: Network;
  readonly owned: Array<LayerParams | null>;
  readonly X: Matrix;
  readonly backend: Backend;
  readonly plan: SpectrumPlan;
  readonly rng: Rng;
  readonly progress: (stage: SpectrumStage, done: number, total: number) => void;
}

/** The spectra an executor computed. */
export interface RawSpectra {
  readonly ck?: RawSpectrum;
  readonly ntk?: RawSpectrum;
}

/**
 * SLQ: the CK as the operator v ↦ X_L(X_Lᵀ v) and the NTK stored or matrix-free, each through stochastic Lanczos
 * quadrature with a CDF error bound (Gauss quadrature + 2σ Hutchinson).
 */
export function slqSpectra({ net, owned, X, backend, plan, rng, progress }: ExecutorInput): RawSpectra {
  const { kernel, probes, steps, tiledNtk } = plan;
  const n = X.cols;
  const total = kernel === 'both' ? 2 : 1;
  const ops = kernelOperatorsConsuming(net, owned, X, backend, kernel, { tiledNtk });
  progress('kernels', 1, 1);
  const slqRng = rng.split('slq');
  const run = (
    apply: BlockMatvec | undefined,
    mean: number | undefined,
    step: number,
    key: string,
    tiled?: boolean,
  ) => {
    if (apply === undefined) return undefined;
    const r = stochasticLanczosQuadrature({
      n,
      apply,
      rng: slqRng.split(key),
      probes,
      steps,
      onProgress: (done, all) => progress('eigenvalues', step + done / all, total),
    });
    const cdfError = r.quadratureError + 2 * Math.sqrt(2 / (probes * n));
    const spectrum: RawSpectrum = {
      method: 'slq',
      eigenvalues: slqQuantiles(r, n),
      mean,
      density: slqDensity(r, { points: 400 }),
      slq: { probes, steps, cdfError, ...(tiled === undefined ? {} : { tiled }) },
    };
    return spectrum;
  };
  return {
    ck: run(ops.ck, ops.ckMean, 0, 'ck'),
    ntk: run(ops.ntk, ops.ntkMean, kernel === 'both' ? 1 : 0, 'ntk', tiledNtk),
  };
}

/**
 * The CK alone with d_L < n: the nonzero eigenvalues of X_L X_Lᵀ (n × n, one row per sample) are those of the smaller
 * X_LᵀX_L (d_L × d_L), the
 * other n − d_L are exactly 0 (apps/docs/theory/fan-wang.md#network-and-kernels): d_L³ instead of n³ for the
 * eigensolver, no n × n matrix.
 */
export function smallGramCkSpectrum({ net, owned, X, backend, progress }: ExecutorInput): RawSpectra {
  const n = X.cols;
  const XL = samplesAsRows(forward(net, owned as NetworkParams, X, backend).activations[net.layers.length - 1]);
  progress('kernels', 1, 1);
  assertFinite(XL, 'CK features X_L');
  progress('eigenvalues', 0, 1);
  const small = backend.eigvalsh(backend.gram(XL)); // X_LᵀX_L (d_L × d_L), X_L with one row per sample
  const values = new Float64Array(n);
  values.set(small, n - small.length);
  values.sort();
  progress('eigenvalues', 1, 1);
  return { ck: { method: 'dense', eigenvalues: values } };
}

/**
 * The NTK (and CK) of an all-dense network with the least memory: the NTK in one n × n buffer, then the CK — copied
 * from the readout's Gram up to {@link SLQ_AUTO_MIN_N} samples, beyond it the Gram of the kept X_L formed once the
 * network is released — whose eigenvalues are taken, and the matrix dropped, before the NTK's.
 */
export function leanDenseSpectra({ net, owned, X, backend, plan, progress }: ExecutorInput): RawSpectra {
  const { kernel } = plan;
  const total = kernel === 'both' ? 2 : 1;
  const ckGram = kernel === 'both' && X.cols <= SLQ_AUTO_MIN_N;
  let lean: LeanNtk | null = leanNtk(net, owned, X, backend, {
    keepFeatures: kernel === 'both' && !ckGram,
    ckGram,
    onProgress: (done, all) => progress('kernels', done, all),
  });
  const ntkMatrix = lean.ntk;
  let features = lean.features ?? null;
  let ck: Matrix | null = lean.ck ?? null;
  lean = null;
  if (features !== null) {
    ck = backend.gram(features, { rows: true });
    features = null;
    assertFinite(ck, 'empirical CK');
  }
  let ckSpectrum: RawSpectrum | undefined;
  if (ck !== null) {
    progress('eigenvalues', 0, total);
    ckSpectrum = { method: 'dense', eigenvalues: backend.eigvalsh(ck) };
    ck = null;
    progress('eigenvalues', 1, total);
  }
  const step = kernel === 'both' ? 1 : 0;
  progress('eigenvalues', step, total);
  const ntk: RawSpectrum = { method: 'dense', eigenvalues: backend.eigvalsh(ntkMatrix) };
  progress('eigenvalues', step + 1, total);
  return { ck: ckSpectrum, ntk };
}

/** Any network: its empirical CK and NTK by the layer-wise closed form, then all n eigenvalues of each. */
export function generalDenseSpectra({ net, owned, X, backend, plan, progress }: ExecutorInput): RawSpectra {
  const { kernel } = plan;
  const total = kernel === 'both' ? 2 : 1;
  const kernels = empiricalKernels(net, owned as NetworkParams, X, backend, {
    kernel,
    onProgress: (done, all) => progress('kernels', done, all),
  });
  const eig = (K: Matrix | undefined, step: number): RawSpectrum | undefined => {
    if (K === undefined) return undefined;
    progress('eigenvalues', step, total);
    const values = backend.eigvalsh(K);
    progress('eigenvalues', step + 1, total);
    return { method: 'dense', eigenvalues: values };
  };
  return { ck: eig(kernels.ck, 0), ntk: eig(kernels.ntk, kernel === 'both' ? 1 : 0) };
}

/** The executor of each route. */
export const executors: Readonly<Record<SpectrumPlan['route'], (input: ExecutorInput) => RawSpectra>> = {
  slq: slqSpectra,
  'ck-small-gram': smallGramCkSpectrum,
  'lean-ntk': leanDenseSpectra,
  general: generalDenseSpectra,
};
