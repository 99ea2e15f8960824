import { createRng, type Backend, type Matrix } from '@spec/core';
import {
  empiricalKernels,
  gaussianConstants,
  initNetwork,
  mlp,
  normalizeActivation,
  resolveActivation,
} from '@spec/nets';
import type { ExplorerConfig } from './protocol';

/**
 * a = E σ̃′² and b = E σ̃′ of the normalised activation (apps/docs/theory/toolkit.md#normalised-activations), which the
 * CK/NTK limits need.
 */
export function normalisedConstants(name: string): { a: number; b: number } {
  const { a, b } = gaussianConstants(resolveActivation(name, { raw: true }));
  return { a, b };
}

/** Options of {@link empiricalEigenvalues}. */
export interface EmpiricalOptions {
  readonly backend: Backend;
  /** Input data, d0 × n, samples as columns. */
  readonly X: Matrix;
  readonly config: ExplorerConfig;
  /** Stage name and fraction of this step done, in [0, 1]. */
  readonly onProgress: (stage: string, fraction: number) => void;
}

/**
 * Ascending eigenvalues of the empirical CK or NTK of the MLP of apps/docs/theory/fan-wang.md#network-and-kernels
 * (Fan–Wang scaling, normalised activation, Rademacher readout) — the same network `spec spectrum` samples.
 */
export function empiricalEigenvalues(options: EmpiricalOptions): Float64Array {
  const { backend, X, config, onProgress } = options;
  const activation = normalizeActivation(resolveActivation(config.activation, { raw: true }));
  const net = mlp({ inputDim: config.d0, widths: config.widths, activation });
  onProgress('sampling the network', 0);
  const params = initNetwork(net, createRng(config.seed).split('network'));
  onProgress(config.kernel === 'ck' ? 'forward pass and CK' : 'forward pass', 0.05);
  const kernels = empiricalKernels(net, params, X, backend, {
    kernel: config.kernel,
    onProgress: (done, total) => onProgress(`NTK layer ${done}/${total}`, 0.1 + 0.3 * (done / total)),
  });
  const K = config.kernel === 'ck' ? kernels.ck : kernels.ntk;
  if (K === undefined) throw new Error(`the ${config.kernel} kernel was not computed`);
  onProgress(`eigenvalues of the ${config.n} × ${config.n} ${config.kernel.toUpperCase()}`, 0.45);
  return backend.eigvalsh(K);
}
