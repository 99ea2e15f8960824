import { SpecError, assertFinite, transpose, type Activations, type Backend, type Matrix } from '@spec/core';
import type { BlockMatvec } from '@spec/rmt';
import type { LayerParams } from '@spec/core';
import { samplesAsRows } from '../empirical-kernels.js';
import { forward, onesSignal, type Network, type NetworkInput, type NetworkParams } from '../network.js';
import { layerNtkStep } from '../layer-ntk-step.js';
import { hasLeanNtk, leanFactorsAndFeatures, leanNtk } from './lean-kernels.js';
import { tiledNtkOperator } from './tiled-ntk.js';

/** The kernels of a network for matrix-free spectral density: operators instead of kept Gram matrices. */
export interface KernelOperators {
  /**
   * K_CK v = X_L (X_Lᵀ v): two products with X_L (n × d_L, one row per sample), no n × n matrix
   * (apps/docs/theory/fan-wang.md#network-and-kernels).
   */
  readonly ck?: BlockMatvec;
  /** The n × n NTK, built in place layer by layer (no per-layer Grams kept), applied by a product. */
  readonly ntk?: BlockMatvec;
  /** tr K / n of each kernel, exact (from the diagonal). */
  readonly ckMean?: number;
  readonly ntkMean?: number;
}

/**
 * V (count × n, one vector per row) ↦ rows of K V for the symmetric n × n K = X Xᵀ given by X (n × d), as
 * Y = Xᵀ Vᵀ (d × count) then X Y (n × count), with Xᵀ formed once (d × n) so no product transposes X at each step; both
 * products have d or n rows for the backend to split between its threads (V X would have only `count`).
 */
function gramOperator(X: Matrix, backend: Backend): BlockMatvec {
  const n = X.rows;
  const Xt = transpose(X);
  return (V, out, count) => {
    const Y = backend.gemm(Xt, { rows: count, cols: n, data: V }, { transB: true }); // d × count
    const Wt = backend.gemm(X, Y).data; // n × count
    for (let q = 0; q < count; q++) for (let j = 0; j < n; j++) out[q * n + j] = Wt[j * count + q];
  };
}

/**
 * V ↦ rows of K V for a stored symmetric K, as K Vᵀ (n × count): the product's n rows are what the backend splits
 * between its threads (V Kᵀ would have only `count` rows, too few to split).
 */
function storedOperator(K: Matrix, backend: Backend): BlockMatvec {
  const n = K.cols;
  return (V, out, count) => {
    const W = backend.gemm(K, { rows: count, cols: n, data: V }, { transB: true }).data;
    for (let i = 0; i < n; i++) for (let q = 0; q < count; q++) out[q * n + i] = W[i * count + q];
  };
}

/**
 * Forward pass, then the CK as the operator v ↦ X_L(X_Lᵀ v) and/or the NTK accumulated in one n × n matrix (each
 * layer's contribution (X_{ℓ−1}X_{ℓ−1}ᵀ) ⊙ (S_ℓS_ℓᵀ) is added and dropped, and each layer's cache is released once the
 * backward pass has left it), apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes. When every layer
 * implements `ntkTerms` (all-dense networks, and any with plugin layers that do) the NTK is built by {@link leanNtk}
 * (for an all-dense network at most the network plus one n × n matrix and one back-propagated signal, or three n × n
 * matrices once the layers are released); otherwise layer by layer from each layer's `ntkTerms` or `ntkContribution`
 * (the network plus four n × n matrices). None for the CK.
 */
export function kernelOperators(
  net: Network,
  params: NetworkParams,
  X: NetworkInput,
  backend: Backend,
  kernel: 'ck' | 'ntk' | 'both',
): KernelOperators {
  return kernelOperatorsConsuming(net, [...params], X, backend, kernel);
}

/** Options of {@link kernelOperatorsConsuming}. */
export interface KernelOperatorOptions {
  /**
   * Apply the NTK from its per-layer factors, never forming the n × n matrix (every layer must implement `ntkTerms`; memory
   * O(n·Σ d_ℓ + tile²)): each application either forms it tile by tile or, when cheaper (n ≫ d), uses the factored
   * identity — see {@link tiledNtkOperator}. Default false.
   */
  readonly tiledNtk?: boolean;
  /** Tile edge for `tiledNtk` (default 512). */
  readonly tile?: number;
}

/**
 * {@link kernelOperators} on parameters it may release (each entry is set to null as the backward pass leaves it).
 * When every layer implements `ntkTerms` and the NTK is wanted, the NTK comes from {@link leanNtk} (peak, all-dense: the
 * network plus one n × n matrix and one back-propagated signal, see `leanNtkBytes`), and Xᵀ_L for the CK is formed
 * after it.
 */
export function kernelOperatorsConsuming(
  net: Network,
  params: Array<LayerParams | null>,
  X: NetworkInput,
  backend: Backend,
  kernel: 'ck' | 'ntk' | 'both',
  options: KernelOperatorOptions = {},
): KernelOperators {
  if (kernel !== 'ck' && options.tiledNtk === true) {
    if (!hasLeanNtk(net))
      throw new SpecError(
        'E_INPUT',
        'the tiled (matrix-free) NTK needs every layer to implement ntkTerms (built-in dense, residual and activation ' +
          'layers do); use the stored NTK for this network',
      );
    const { factors, features } = leanFactorsAndFeatures(net, params, X, backend, kernel === 'both');
    // X_L, the CK's features, is the readout's X factor for a dense readout: kept by the CK operator, not copied.
    const ckPart = features !== null ? ckOperator(features, backend) : {};
    const tiled = tiledNtkOperator(factors, backend, options.tile);
    return { ...ckPart, ntk: tiled.apply, ntkMean: tiled.mean };
  }
  if (kernel !== 'ck' && hasLeanNtk(net)) {
    const lean = leanNtk(net, params, X, backend, { keepFeatures: kernel === 'both' });
    const K = lean.ntk;
    const n = K.rows;
    let tr = 0;
    for (let j = 0; j < n; j++) tr += K.data[j * n + j];
    const ntkPart = { ntk: storedOperator(K, backend), ntkMean: tr / n };
    if (lean.features === undefined) return ntkPart;
    return { ...ckOperator(lean.features, backend), ...ntkPart };
  }
  return genericOperators(net, params as NetworkParams, X, backend, kernel);
}

function ckOperator(XL: Matrix, backend: Backend): { ck: BlockMatvec; ckMean: number } {
  assertFinite(XL, 'CK features X_L');
  // tr K / n = ‖X_L‖²_F / n, summed feature by feature (the order of the features-as-rows layout the CLI's earlier
  // results used, so they stay the same to the last bit).
  const { rows: n, cols: d, data } = XL;
  let s = 0;
  for (let k = 0; k < d; k++) for (let a = 0; a < n; a++) s += data[a * d + k] * data[a * d + k];
  return { ck: gramOperator(XL, backend), ckMean: s / n };
}

function genericOperators(
  net: Network,
  params: NetworkParams,
  X: NetworkInput,
  backend: Backend,
  kernel: 'ck' | 'ntk' | 'both',
): KernelOperators {
  let fwd: ReturnType<typeof forward> | null = forward(net, params, X, backend);
  const acts: Array<Activations | null> = [...fwd.activations];
  const caches: Array<unknown> = [...fwd.caches];
  fwd = null; // only the per-layer references below keep the caches alive, so each can be released
  const L = net.layers.length - 1;
  const n = acts[0]!.samples;
  let ckPart: { ck?: BlockMatvec; ckMean?: number } = {};
  if (kernel !== 'ntk') ckPart = ckOperator(samplesAsRows(acts[L]!), backend);
  if (kernel === 'ck') return ckPart;
  const ctx = { backend };
  let G = onesSignal(n);
  let K: Matrix | null = null;
  for (let i = L; i >= 0; i--) {
    const input = acts[i]!;
    const step = layerNtkStep(net.layers[i], params[i], caches[i], G, ctx, {
      index: i,
      input,
      inputGram: () => backend.gram(samplesAsRows(input), { rows: true }),
    });
    const c = step.contribution;
    if (c !== null) {
      if (K === null) K = { rows: n, cols: n, data: c };
      else {
        const k = K.data as Float64Array;
        for (let j = 0; j < k.length; j++) k[j] += c[j];
      }
    }
    if (i > 0) G = step.gradInput();
    caches[i] = null;
    if (i < L || kernel === 'ntk') acts[i + 1] = null;
  }
  const ntkMatrix = K ?? { rows: n, cols: n, data: new Float64Array(n * n) };
  assertFinite(ntkMatrix, 'empirical NTK');
  let tr = 0;
  for (let j = 0; j < n; j++) tr += ntkMatrix.data[j * n + j];
  return { ...ckPart, ntk: storedOperator(ntkMatrix, backend), ntkMean: tr / n };
}
