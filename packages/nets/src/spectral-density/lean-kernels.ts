import {
  SpecError,
  assertFinite,
  type Activations,
  type Backend,
  type LayerParams,
  type Matrix,
  type NtkTermsStep,
} from '@spec/core';
import { networkInput, onesSignal, type Network, type NetworkInput } from '../network.js';
import { samplesAsRows } from '../empirical-kernels.js';
import { float64 } from '../spatial/sample-gram.js';

/** Result of {@link leanNtk}. */
export interface LeanNtk {
  /** The empirical NTK (n × n), the same sums as `empiricalKernels(…).ntk`. */
  readonly ntk: Matrix;
  /** X_L (n × d_L, one row per sample), the readout's input, kept only with `keepFeatures` (for the CK). */
  readonly features?: Matrix;
  /** The CK X_L X_Lᵀ, a copy of the readout's Gram, only with `ckGram`. */
  readonly ck?: Matrix;
}

/** Options of {@link leanNtk}. */
export interface LeanNtkOptions {
  /** Keep X_L for the CK (default false: it is released once the readout's term is added). */
  readonly keepFeatures?: boolean;
  /**
   * Also return the CK X_L X_Lᵀ, copied from the readout's Gram before it is scaled (default false): saves a Gram
   * (n²·d_L/2 multiply-adds) for one more n × n matrix alive from the readout's step on.
   */
  readonly ckGram?: boolean;
  /** Progress over the layers of the backward pass. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Whether the lean NTK routes ({@link leanNtk}, {@link leanNtkFactors}, and through them the stored and matrix-free
 * operators of `kernelOperatorsConsuming`) apply: every layer implements `ntkTerms` (built-in dense, residual and
 * activation layers do, and so may plugin layers). Otherwise use `empiricalKernels` or `kernelOperators`.
 */
export function hasLeanNtk(net: Network): boolean {
  return firstLayerWithoutTerms(net) < 0;
}

/** The index of the first layer without `ntkTerms`, or −1. */
function firstLayerWithoutTerms(net: Network): number {
  return net.layers.findIndex((layer) => typeof layer.ntkTerms !== 'function');
}

/**
 * The empirical NTK of a network whose layers all implement `ntkTerms`, by the layer-wise closed form
 * (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes), with the least memory. The forward pass asks
 * each layer for an `ntkTermsOnly` cache (a dense layer keeps σ′(H_ℓ) written over H_ℓ) and keeps only those caches;
 * the backward pass, layer by layer, takes the layer's terms (a dense layer forms S_ℓ = c_out σ′(H_ℓ) ⊙ G_ℓ in that
 * same buffer), drops G_ℓ and the cache, back-propagates G_{ℓ−1} (dense: α_W W_ℓᵀ S_ℓ), drops the weights, and for
 * each term `(a2 X Xᵀ + b2) ⊙ S Sᵀ` (factors with one row per sample) turns S into its Gram T (releasing S), forms
 * X Xᵀ (releasing X) and adds `a2 (X Xᵀ) ⊙ T + b2 T` into the one accumulated n × n NTK. A term whose S is n × 1 (the
 * readout) is formed in place
 * on the Gram of its X: `(a2 K[α, β] + b2) s_α s_β`. For dense layers the arithmetic is that of `empiricalKernels`
 * (same operations in the same order), so the results agree to the last bits.
 *
 * Peak memory for an all-dense network: see `leanNtkBytes` in `memory.ts`.
 *
 * @param params consumed: each layer's entry is set to null as the backward pass leaves it, so its weights can be
 *   freed (pass an array no one else holds)
 * @throws SpecError `E_INPUT` when a layer lacks `ntkTerms` or a kernel is not finite, `E_SHAPE` for a wrong X or a
 *   layer's terms of the wrong shape
 */
export function leanNtk(
  net: Network,
  params: Array<LayerParams | null>,
  X: NetworkInput,
  backend: Backend,
  options: LeanNtkOptions = {},
): LeanNtk {
  const keep = options.keepFeatures === true;
  const st = leanForward(net, params, X, backend, 'leanNtk', keep, options.ckGram === true);
  const L = net.layers.length - 1;
  // Each large array is referenced from one slot of `st` only, and every step runs in its own function, so no stale
  // interpreter register keeps a released array alive: the garbage collector can reclaim it before the next n × n
  // allocation (without this, a layer's weights, signals and activations outlived its step;
  // bench/README.md#why-the-code-is-the-way-it-is).
  for (let i = L; i >= 0; i--) {
    backwardStep(st, net, i);
    for (let k = 0; k < st.rights.length; k++) {
      if (st.rights[k]!.cols === 1) readoutTermAt(st, k);
      else hiddenTermAt(st, k);
    }
    clearTerms(st);
    if (i === L) ckFallbackAt(st);
    options.onProgress?.(L - i + 1, L + 1);
  }
  const K = st.K;
  const ck = st.ck;
  const ntk: Matrix = { rows: st.n, cols: st.n, data: K ?? new Float64Array(st.n * st.n) };
  assertFinite(ntk, 'empirical NTK');
  const features = st.features === null ? undefined : samplesAsRows(st.features);
  if (ck !== undefined) assertFinite(ck, 'empirical CK');
  return { ntk, ...(features === undefined ? {} : { features }), ...(ck === undefined ? {} : { ck }) };
}

/**
 * Checks the network, parameters and data, then runs the forward pass with `ntkTermsOnly` caches, keeping the caches
 * only (and the readout's input X_L, for `keepFeatures` or `ckGram`).
 */
function leanForward(
  net: Network,
  params: Array<LayerParams | null>,
  X: NetworkInput,
  backend: Backend,
  what: string,
  keepFeatures: boolean,
  ckGram: boolean,
): LeanState {
  const missing = firstLayerWithoutTerms(net);
  if (missing >= 0)
    throw new SpecError(
      'E_INPUT',
      `${what}: layer ${missing + 1} (${net.layers[missing].kind}) does not implement ntkTerms; use empiricalKernels ` +
        'or kernelOperators for this network',
    );
  if (params.length !== net.layers.length)
    throw new SpecError('E_INPUT', `expected parameters for ${net.layers.length} layers, got ${params.length}`);
  const x = networkInput(net, X);
  const st: LeanState = {
    backend,
    n: x.samples,
    caches: [],
    params,
    next: x,
    G: onesSignal(x.samples),
    step: null,
    lefts: [],
    rights: [],
    weights: [],
    K: null,
    ck: undefined,
    features: null,
    ckInput: null,
  };
  const L = net.layers.length - 1;
  for (let i = 0; i <= L; i++) forwardLayer(st, net, i, i === L && keepFeatures, i === L && ckGram);
  return st;
}

/**
 * One layer's factors of the NTK: its term is (a2·X Xᵀ + b2) ⊙ (S Sᵀ), apps/docs/theory/fan-wang.md#network-and-kernels,
 * #simulation-notes — a layer's `NtkTerm` with X = `left` (n × 0 when `left` is null, a zero Gram) and S = `right`, one
 * row per sample.
 */
export interface NtkFactor {
  /** The layer's input X_ℓ (n × d) for a dense layer; n × 0 for a term without a left factor. */
  readonly X: Matrix;
  /** Its back-propagated signal S_ℓ (n × e; n × 1 for the readout). */
  readonly S: Matrix;
  /** α_W². */
  readonly a2: number;
  /** α_b² (0 without bias). */
  readonly b2: number;
}

/**
 * The NTK of a network whose layers all implement `ntkTerms` as per-layer factors instead of an n × n matrix:
 * NTK = Σ (a2 X Xᵀ + b2) ⊙ (S Sᵀ) over every layer's terms, readout first. The same forward pass and signals as
 * {@link leanNtk} (each layer's weights released once its signal is back-propagated); memory O(n·Σ d_ℓ), for
 * matrix-free products (`tiledNtkOperator`).
 *
 * @param params consumed, as in {@link leanNtk}
 */
export function leanNtkFactors(
  net: Network,
  params: Array<LayerParams | null>,
  X: NetworkInput,
  backend: Backend,
): NtkFactor[] {
  return leanFactorsAndFeatures(net, params, X, backend, false).factors;
}

/**
 * {@link leanNtkFactors}, and with `keepFeatures` the readout's input X_L (the CK's features) as well — the same array
 * as the readout's X factor for a dense readout, so nothing is copied.
 */
export function leanFactorsAndFeatures(
  net: Network,
  params: Array<LayerParams | null>,
  X: NetworkInput,
  backend: Backend,
  keepFeatures: boolean,
): { factors: NtkFactor[]; features: Matrix | null } {
  const st = leanForward(net, params, X, backend, 'leanNtkFactors', keepFeatures, false);
  const factors: NtkFactor[] = [];
  for (let i = net.layers.length - 1; i >= 0; i--) {
    backwardStep(st, net, i);
    for (let k = 0; k < st.rights.length; k++) factors.push(factorAt(st, i, k));
    clearTerms(st);
  }
  return { factors, features: st.features === null ? null : samplesAsRows(st.features) };
}

/** The k-th term of layer i as a factor; its slots are emptied. */
function factorAt(st: LeanState, i: number, k: number): NtkFactor {
  const S = st.rights[k]!;
  assertFinite(S, `the signal of layer ${i + 1}`);
  const X = st.lefts[k] ?? { rows: st.n, cols: 0, data: new Float64Array(0) };
  const [a2, b2] = st.weights[k];
  st.lefts[k] = null;
  st.rights[k] = null;
  return { X, S, a2, b2 };
}

/** T[α, β] ← (a2 T[α, β] + b2)·s_α s_β in the rounding order of `ntkTermsContribution`. */
function readoutTerm(T: Float64Array, s: Float64Array | Float32Array, a2: number, b2: number): void {
  const n = s.length;
  for (let a = 0; a < n; a++) {
    const row = a * n;
    const sa = s[a];
    for (let b = 0; b < n; b++) {
      const ss = sa * s[b];
      T[row + b] = b2 === 0 ? T[row + b] * ss * a2 : T[row + b] * ss * a2 + b2 * ss;
    }
  }
}

/** K + T in place in K, or T itself when K does not exist yet; returns the sum. */
function addInto(K: Float64Array | null, T: Float64Array): Float64Array {
  if (K === null) return T;
  for (let j = 0; j < K.length; j++) K[j] += T[j];
  return K;
}

/**
 * K + (xx ⊙ T·a2 + b2·T) (xx absent, a zero Gram: K + b2·T), in place in K, or in T when K does not exist yet;
 * returns the sum.
 */
function accumulate(
  K: Float64Array | null,
  T: Float64Array,
  xx: Float64Array | Float32Array | null,
  a2: number,
  b2: number,
): Float64Array {
  if (xx === null) {
    if (K === null) {
      for (let j = 0; j < T.length; j++) T[j] = b2 * T[j];
      return T;
    }
    for (let j = 0; j < K.length; j++) K[j] += b2 * T[j];
    return K;
  }
  if (K === null) {
    for (let j = 0; j < T.length; j++) T[j] = b2 === 0 ? xx[j] * T[j] * a2 : xx[j] * T[j] * a2 + b2 * T[j];
    return T;
  }
  if (b2 === 0) for (let j = 0; j < K.length; j++) K[j] += xx[j] * T[j] * a2;
  else for (let j = 0; j < K.length; j++) K[j] += xx[j] * T[j] * a2 + b2 * T[j];
  return K;
}

/** The arrays of a {@link leanNtk} run, each held in exactly one slot. */
interface LeanState {
  readonly backend: Backend;
  readonly n: number;
  /** caches[i] = layer i's `ntkTermsOnly` cache, until its backward step. */
  readonly caches: Array<unknown>;
  readonly params: Array<LayerParams | null>;
  /** The forward pass's latest output, the next layer's input. */
  next: Activations | null;
  /** ∂f/∂(output of the layer being processed); all ones for the readout. */
  G: Activations | null;
  /** The layer's step while its `gradInput` is pending. */
  step: NtkTermsStep | null;
  /** The current layer's terms, one slot per factor. */
  readonly lefts: Array<Matrix | null>;
  readonly rights: Array<Matrix | null>;
  readonly weights: Array<readonly [number, number]>;
  K: Float64Array | null;
  ck: Matrix | undefined;
  /** X_L, kept for the CK (`keepFeatures`). */
  features: Activations | null;
  /** X_L until the CK is copied from its Gram (`ckGram`). */
  ckInput: Activations | null;
}

function forwardLayer(st: LeanState, net: Network, i: number, keepFeatures: boolean, ckGram: boolean): void {
  const p = st.params[i];
  if (p === null) throw new SpecError('E_INPUT', `leanNtk: the parameters of layer ${i + 1} were already consumed`);
  const input = st.next!;
  if (keepFeatures) st.features = input;
  if (ckGram) st.ckInput = input;
  st.next = null;
  const { y, cache } = net.layers[i].apply(p, input, { backend: st.backend }, { ntkTermsOnly: true });
  if (y.data.length !== net.dims[i + 1] * st.n || y.samples !== st.n)
    throw new SpecError(
      'E_SHAPE',
      `layer ${i + 1} (${net.layers[i].kind}) gave ${y.data.length} output entries for ${y.samples} samples, ` +
        `expected ${st.n} × ${net.dims[i + 1]}`,
    );
  st.caches.push(cache);
  st.next = i < net.layers.length - 1 ? y : null;
}

/** Layer i's step: its terms into the slots, G_{i−1} (for i > 0); releases G_i, the cache and the weights. */
function backwardStep(st: LeanState, net: Network, i: number): void {
  termsAt(st, net, i);
  if (i > 0) gradInputAt(st, net, i);
  releaseStepAt(st, i);
}

/** step ← the layer's ntkTerms; releases its cache and G (a dense layer formed S over the cache's σ′(H)). */
function termsAt(st: LeanState, net: Network, i: number): void {
  const layer = net.layers[i];
  st.step = layer.ntkTerms!(st.params[i]!, st.caches[i]!, st.G!, { backend: st.backend });
  st.caches[i] = null;
  st.G = null;
}

/** G ← ∂f/∂(input of layer i), by the pending step. */
function gradInputAt(st: LeanState, net: Network, i: number): void {
  st.G = st.step!.gradInput();
  if (st.G.samples !== st.n || st.G.data.length !== net.dims[i] * st.n)
    throw new SpecError(
      'E_SHAPE',
      `layer ${i + 1} (${net.layers[i].kind}) back-propagated ${st.G.data.length} gradient entries for ` +
        `${st.G.samples} samples, expected ${st.n} × ${net.dims[i]}`,
    );
}

/** The step's terms into the slots; releases the step (and with it what its gradInput held: W, S) and the weights. */
function releaseStepAt(st: LeanState, i: number): void {
  for (const t of st.step!.terms) {
    if (t.right.rows !== st.n || (t.left !== null && t.left.rows !== st.n))
      throw new SpecError(
        'E_SHAPE',
        `layer ${i + 1} gave an NTK term whose factors do not have ${st.n} rows (samples)`,
      );
    st.lefts.push(t.left);
    st.rights.push(t.right);
    st.weights.push([t.a2, t.b2]);
  }
  st.step = null;
  st.params[i] = null;
}

function clearTerms(st: LeanState): void {
  st.lefts.length = 0;
  st.rights.length = 0;
  st.weights.length = 0;
}

/**
 * A term whose right factor is n × 1 (the readout): its share on the Gram of its left factor, added into K; releases
 * both factors (X_L stays alive when kept as features). With `ckGram`, the Gram of X_L is copied for the CK first.
 */
function readoutTermAt(st: LeanState, k: number): void {
  const isCk = isCkInput(st, k);
  const T = st.lefts[k] === null ? new Float64Array(st.n * st.n) : gramAt(st, st.lefts, k);
  if (isCk) {
    st.ck = { rows: st.n, cols: st.n, data: Float64Array.from(T) };
    st.ckInput = null;
  }
  const [a2, b2] = st.weights[k];
  readoutTerm(T, st.rights[k]!.data, a2, b2);
  st.rights[k] = null;
  st.K = addInto(st.K, T);
}

/** Any other term: K += a2 (X Xᵀ) ⊙ (S Sᵀ) + b2 S Sᵀ; releases S, then X. */
function hiddenTermAt(st: LeanState, k: number): void {
  const T = gramAt(st, st.rights, k);
  const xx = st.lefts[k] === null ? null : leftGramAt(st, k);
  const [a2, b2] = st.weights[k];
  st.K = accumulate(st.K, T, xx, a2, b2);
}

/** The Gram of lefts[k] (released), copied for the CK first when it is X_L and `ckGram` asks for it. */
function leftGramAt(st: LeanState, k: number): Float64Array {
  const isCk = isCkInput(st, k);
  const xx = gramAt(st, st.lefts, k);
  if (isCk) {
    st.ck = { rows: st.n, cols: st.n, data: Float64Array.from(xx) };
    st.ckInput = null;
  }
  return xx;
}

/** With `ckGram` and no term of the readout on X_L: the CK as the Gram of X_L itself. */
function ckFallbackAt(st: LeanState): void {
  if (st.ckInput === null) return;
  st.ck = { rows: st.n, cols: st.n, data: float64(st.backend.gram(samplesAsRows(st.ckInput), { rows: true })) };
  st.ckInput = null;
}

/** Whether term k's left factor is X_L itself (the same array), whose Gram is the CK. */
function isCkInput(st: LeanState, k: number): boolean {
  const left = st.lefts[k];
  return st.ckInput !== null && left !== null && left !== undefined && left.data === st.ckInput.data;
}

function gramAt(st: LeanState, slots: Array<Matrix | null>, k: number): Float64Array {
  const G = float64(st.backend.gram(slots[k]!, { rows: true }));
  slots[k] = null;
  return G;
}
