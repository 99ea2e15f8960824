import { SpecError, type Backend, type Matrix, type Rng } from '@spec/core';
import { empiricalKernels } from '../empirical-kernels.js';
import { initNetwork } from '../network.js';
import { infiniteNetwork, resolveInfiniteOptions, type InfiniteKernelOptions } from './architecture.js';
import { infiniteKernelMatrices } from './matrices.js';

/** Options of {@link compareWithEmpirical}. */
export interface CompareWithEmpiricalOptions extends InfiniteKernelOptions {
  /**
   * Data X (d × n), columns at the norms the kernel should see (unit norm for the conventions of
   * apps/docs/theory/infinite-width.md#mlp-recursions).
   */
  readonly X: Matrix;
  /** Hidden width of the sampled networks. */
  readonly width: number;
  /** Number of independent networks (≥ 2, for a standard error). */
  readonly nets: number;
  readonly rng: Rng;
  readonly backend: Backend;
  /** Called after each network. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Mean ± standard error over networks. */
export interface MeanWithError {
  readonly mean: number;
  readonly stderr: number;
}

/** Result of {@link compareWithEmpirical}. */
export interface EmpiricalComparison {
  readonly width: number;
  readonly nets: number;
  /** Infinite-width matrices (n × n). */
  readonly infinite: { readonly nngp: Matrix; readonly ntk: Matrix };
  /** Mean of the empirical NTK over the networks (n × n). */
  readonly empiricalMeanNtk: Matrix;
  /** Relative Frobenius error ‖Θ̂ − Θ‖_F/‖Θ‖_F of one network's NTK: mean and standard error over networks. */
  readonly ntkError: MeanWithError;
  /** Same for the NNGP estimate σ_w² X_LᵀX_L/width + σ_b² (the readout's conjugate kernel). */
  readonly nngpError: MeanWithError;
  /** Per-network NTK errors. */
  readonly ntkErrors: Float64Array;
}

function meanWithError(v: Float64Array): MeanWithError {
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, stderr: Math.sqrt(variance / n) };
}

function relativeError(est: Float64Array, ref: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += (est[i] - ref[i]) ** 2;
    den += ref[i] * ref[i];
  }
  return Math.sqrt(num / den);
}

/**
 * Monte Carlo check of the infinite-width limit (apps/docs/theory/infinite-width.md#ntk-parametrisation,
 * #mlp-recursions, #residual-mlp): samples `nets` networks of the given width ({@link infiniteNetwork}, NTK
 * parametrisation, fed √d·X so that the record convention ⟨x, y⟩/d of `'ntk'` layers gives Σ¹ = σ²_w,in ⟨x, y⟩ + σ_b²),
 * computes each empirical NTK and readout CK, and returns their relative Frobenius distance to the infinite-width
 * matrices. The distance of one network shrinks like width^(−1/2) (fluctuations of the NTK at initialisation), the mean
 * like 1/width.
 *
 * @throws SpecError `E_INPUT` for a width < 1, fewer than 2 nets, a zero infinite-width kernel, and the
 *   errors of {@link infiniteKernelMatrices} and `empiricalKernels`
 */
export function compareWithEmpirical(options: CompareWithEmpiricalOptions): EmpiricalComparison {
  const { X, width, nets, rng, backend } = options;
  if (!Number.isInteger(width) || width < 1)
    throw new SpecError('E_INPUT', `compareWithEmpirical: width must be a positive integer, got ${width}`);
  if (!Number.isInteger(nets) || nets < 2)
    throw new SpecError(
      'E_INPUT',
      `compareWithEmpirical: nets must be an integer ≥ 2 (for a standard error), got ${nets}`,
    );
  const resolved = resolveInfiniteOptions(options);
  const infinite = infiniteKernelMatrices(X, options);
  const n = X.cols;
  const d = X.rows;
  const scaled = new Float64Array(X.data.length);
  const s = Math.sqrt(d);
  for (let i = 0; i < scaled.length; i++) scaled[i] = X.data[i] * s;
  const input: Matrix = { rows: d, cols: n, data: scaled };
  const net = infiniteNetwork(resolved, { width, inputDim: d });
  const ntkErrors = new Float64Array(nets);
  const nngpErrors = new Float64Array(nets);
  const mean = new Float64Array(n * n);
  if (infinite.ntk.data.every((v) => v === 0))
    throw new SpecError('E_INPUT', 'compareWithEmpirical: the infinite-width NTK is zero; nothing to compare');
  for (let t = 0; t < nets; t++) {
    const params = initNetwork(net, rng.split(`net-${t}`));
    const { ck, ntk } = empiricalKernels(net, params, input, backend, { kernel: 'both' });
    const est = Float64Array.from(ntk!.data);
    for (let i = 0; i < est.length; i++) mean[i] += est[i] / nets;
    ntkErrors[t] = relativeError(est, infinite.ntk.data as Float64Array);
    const cke = Float64Array.from(ck!.data, (v) => (resolved.sigmaW2 * v) / width + resolved.sigmaB2);
    nngpErrors[t] = relativeError(cke, infinite.nngp.data as Float64Array);
    options.onProgress?.(t + 1, nets);
  }
  return {
    width,
    nets,
    infinite,
    empiricalMeanNtk: { rows: n, cols: n, data: mean },
    ntkError: meanWithError(ntkErrors),
    nngpError: meanWithError(nngpErrors),
    ntkErrors,
  };
}
