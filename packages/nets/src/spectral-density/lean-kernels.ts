import { SpecError, assertFinite, type Backend, type LayerParams, type Matrix } from '@spec/core';
import { denseTerms, type DenseTerms } from '../layers/dense.js';
import { addColumnInPlace, scaleInPlace } from '../layers/matrix-ops.js';
import type { Network } from '../network.js';

/** Result of {@link leanNtk}. */
export interface LeanNtk {
  /** The empirical NTK (n × n), the same sums as `empiricalKernels(…).ntk`. */
  readonly ntk: Matrix;
  /** X_L (d_L × n), the readout's input, kept only with `keepFeatures` (for the CK). */
  readonly features?: Matrix;
  /** The CK X_LᵀX_L, a copy of the readout's Gram, only with `ckGram`. */
  readonly ck?: Matrix;
}

/** Options of {@link leanNtk}. */
export interface LeanNtkOptions {
  /** Keep X_L for the CK (default false: it is released once the readout's term is added). */
  readonly keepFeatures?: boolean;
  /**
   * Also return the CK X_LᵀX_L, copied from the readout's Gram before it is scaled (default false): saves a Gram
   * (n²·d_L/2 multiply-adds) for one more n × n matrix alive from the readout's step on.
   */
  readonly ckGram?: boolean;
  /** Progress over the layers of the backward pass. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Whether the lean NTK routes ({@link leanNtk}, {@link leanNtkFactors}) apply: every layer is a built-in dense layer. */
export function hasLeanNtk(net: Network): boolean {
  return leanTerms(net) !== undefined;
}

/** The dense terms of every layer of `net`, or undefined when a layer is not a built-in dense layer. */
function leanTerms(net: Network): DenseTerms[] | undefined {
  const terms: DenseTerms[] = [];
  for (const layer of net.layers) {
    const t = denseTerms(layer);
    if (t === undefined) return undefined;
    terms.push(t);
  }
  return terms;
}

/**
 * The empirical NTK of an all-dense network by the layer-wise closed form
 * (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes), with the least memory: the forward pass
 * overwrites each pre-activation H_ℓ with σ′(H_ℓ) once X_ℓ is formed; the backward pass forms S_ℓ = c_out σ′(H_ℓ) ⊙ G_ℓ
 * in that same buffer, back-propagates G_{ℓ−1} = α_W W_ℓᵀ S_ℓ, then releases W_ℓ, turns S_ℓ into its Gram T = S_ℓᵀS_ℓ
 * (releasing S_ℓ), forms X_{ℓ−1}ᵀX_{ℓ−1} (releasing X_{ℓ−1}) and adds `α_W² (X_{ℓ−1}ᵀX_{ℓ−1}) ⊙ T + α_b² T` into the
 * one accumulated n × n NTK. For the readout (S is 1 × n) the term is `(α_W² K_L[α, β] + α_b²) s_α s_β`, formed in
 * place on the Gram K_L = X_LᵀX_L. The arithmetic is that of `empiricalKernels` (same operations in the same order), so
 * the results agree to the last bits.
 *
 * Peak memory: see `leanNtkBytes` in `memory.ts`.
 *
 * @param params consumed: each layer's entry is set to null as the backward pass leaves it, so its weights can be
 *   freed (pass an array no one else holds)
 * @throws SpecError `E_INPUT` when a layer is not a dense layer or a kernel is not finite, `E_SHAPE` for a wrong X
 */
export function leanNtk(
  net: Network,
  params: Array<LayerParams | null>,
  X: Matrix,
  backend: Backend,
  options: LeanNtkOptions = {},
): LeanNtk {
  const { st, terms, L } = leanForward(net, params, X, backend, 'leanNtk');
  const n = X.cols;
  const keep = options.keepFeatures === true;
  // Each large array is referenced from one slot of `st` only, and every step runs in its own function, so no stale
  // interpreter register keeps a released array alive: the garbage collector can reclaim it before the next n × n
  // allocation (without this, a layer's weights, signals and activations outlived its step;
  // bench/README.md#why-the-code-is-the-way-it-is).
  for (let i = L; i >= 0; i--) {
    backwardLayer(st, terms[i], i, i === L, !(i === L && keep), options.ckGram === true);
    options.onProgress?.(L - i + 1, L + 1);
  }
  const K = st.K;
  const ck = st.ck;
  const ntk: Matrix = { rows: n, cols: n, data: K ?? new Float64Array(n * n) };
  assertFinite(ntk, 'empirical NTK');
  const features = keep ? (st.acts[L] ?? undefined) : undefined;
  if (ck !== undefined) assertFinite(ck, 'empirical CK');
  return { ntk, ...(features === undefined ? {} : { features }), ...(ck === undefined ? {} : { ck }) };
}

/**
 * Checks the network, parameters and data, then runs the lean forward pass (σ′(H_ℓ) kept over H_ℓ, every X_ℓ kept);
 * L is the readout's index.
 */
function leanForward(
  net: Network,
  params: Array<LayerParams | null>,
  X: Matrix,
  backend: Backend,
  what: string,
): { st: LeanState; terms: DenseTerms[]; L: number } {
  const terms = leanTerms(net);
  if (terms === undefined)
    throw new SpecError(
      'E_INPUT',
      `${what}: every layer must be a built-in dense layer (use empiricalKernels otherwise)`,
    );
  if (params.length !== net.layers.length)
    throw new SpecError('E_INPUT', `expected parameters for ${net.layers.length} layers, got ${params.length}`);
  if (X.rows !== net.inputDim) {
    throw new SpecError(
      'E_SHAPE',
      `input X must have ${net.inputDim} rows (one column per sample), got ${X.rows} × ${X.cols}`,
    );
  }
  assertFinite(X, 'input X');
  const L = net.layers.length - 1;
  const st: LeanState = { backend, n: X.cols, acts: [X], derivs: [], params, G: null, K: null, ck: undefined };
  for (let i = 0; i <= L; i++) forwardLayer(st, net, terms, i, L);
  return { st, terms, L };
}

/**
 * One layer's factors of the NTK: its term is (a2·XᵀX + b2) ⊙ (SᵀS), apps/docs/theory/fan-wang.md#network-and-kernels,
 * #simulation-notes.
 */
export interface NtkFactor {
  /** The layer's input X_ℓ (d × n). */
  readonly X: Matrix;
  /** Its back-propagated signal S_ℓ (e × n; 1 × n for the readout). */
  readonly S: Matrix;
  /** α_W². */
  readonly a2: number;
  /** α_b² (0 without bias). */
  readonly b2: number;
}

/**
 * The NTK of an all-dense network as per-layer factors instead of an n × n matrix: NTK = Σ_ℓ (a2_ℓ X_ℓᵀX_ℓ + b2_ℓ) ⊙
 * (S_ℓᵀS_ℓ), readout first. The same forward pass and signals as {@link leanNtk} (each W_ℓ released once its
 * signal is back-propagated); memory O(n·Σ d_ℓ), for matrix-free products (`tiledNtkOperator`).
 *
 * @param params consumed, as in {@link leanNtk}
 */
export function leanNtkFactors(
  net: Network,
  params: Array<LayerParams | null>,
  X: Matrix,
  backend: Backend,
): NtkFactor[] {
  const { st, terms, L } = leanForward(net, params, X, backend, 'leanNtkFactors');
  const factors: NtkFactor[] = [];
  for (let i = L; i >= 0; i--) {
    const t = terms[i];
    formSignalAt(st, i, t.outScale);
    const aW = t.alphaW(st.acts[i]!.rows);
    if (i > 0) backpropagateAt(st, i, aW);
    st.params[i] = null;
    const S = st.derivs[i]!;
    assertFinite(S, `the signal of layer ${i + 1}`);
    factors.push({ X: st.acts[i]!, S, a2: aW * aW, b2: t.bias && t.alphaB !== 0 ? t.alphaB * t.alphaB : 0 });
    st.derivs[i] = null;
    st.acts[i] = null;
  }
  return factors;
}

/** The data of a Gram as float64 (a float32 backend's result is widened; the CPU backend's is taken as is). */
function f64(M: Matrix): Float64Array {
  return M.data instanceof Float64Array ? M.data : Float64Array.from(M.data);
}

/** S ← c_out σ′(H) ⊙ G in place over σ′(H) (G absent: the readout's all-ones signal), as `empiricalKernels` rounds it. */
function formSignal(s: Float64Array | Float32Array, G: Matrix | null, outScale: number): void {
  if (G === null) {
    if (outScale !== 1) for (let j = 0; j < s.length; j++) s[j] *= outScale;
    return;
  }
  const g = G.data;
  if (outScale !== 1) for (let j = 0; j < s.length; j++) s[j] = s[j] * g[j] * outScale;
  else for (let j = 0; j < s.length; j++) s[j] *= g[j];
}

/** T[α, β] ← (α_W² T[α, β] + α_b²)·s_α s_β in the rounding order of `empiricalKernels`. */
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

/**
 * K + (xx ⊙ T·a2 + b2·T) (xx absent: K + T), in place in K, or in T when K does not exist yet; returns the sum.
 */
function accumulate(
  K: Float64Array | null,
  T: Float64Array,
  xx: Float64Array | Float32Array | null,
  a2: number,
  b2: number,
): Float64Array {
  if (xx === null) {
    if (K === null) return T;
    for (let j = 0; j < K.length; j++) K[j] += T[j];
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
  /** acts[i] = input of layer i (X_i). */
  readonly acts: Array<Matrix | null>;
  /** derivs[i] = σ′(H) of layer i written over H, then S of layer i. */
  readonly derivs: Array<Matrix | null>;
  readonly params: Array<LayerParams | null>;
  /** ∂f/∂(output of the layer being processed); null for the readout (all ones). */
  G: Matrix | null;
  K: Float64Array | null;
  ck: Matrix | undefined;
}

function forwardLayer(st: LeanState, net: Network, terms: DenseTerms[], i: number, L: number): void {
  const p = st.params[i];
  if (p === null) throw new SpecError('E_INPUT', `leanNtk: the parameters of layer ${i + 1} were already consumed`);
  if (st.backend.mapBoth !== undefined) {
    fusedForwardLayer(st, terms[i], p, i, L);
    return;
  }
  const { output, cache } = net.layers[i].apply(p, st.acts[i]!, { backend: st.backend });
  const H = cache.preactivation;
  if (H === undefined) throw new SpecError('E_INPUT', `leanNtk: layer ${i + 1} kept no pre-activation`);
  const act = terms[i].activation;
  const h = H.data;
  for (let j = 0; j < h.length; j++) h[j] = act.deriv(h[j]);
  st.derivs.push(H);
  if (i < L) st.acts.push(output);
}

function backwardLayer(
  st: LeanState,
  t: DenseTerms,
  i: number,
  readout: boolean,
  dropInput: boolean,
  ckGram: boolean,
): void {
  formSignalAt(st, i, t.outScale);
  const aW = t.alphaW(st.acts[i]!.rows);
  if (i > 0) backpropagateAt(st, i, aW);
  st.params[i] = null;
  const a2 = aW * aW;
  const b2 = t.bias && t.alphaB !== 0 ? t.alphaB * t.alphaB : 0;
  if (st.derivs[i]!.rows === 1) readoutTermAt(st, i, a2, b2, dropInput, readout && ckGram);
  else hiddenTermAt(st, i, a2, b2, dropInput);
}

/** derivs[i] ← S = c_out σ′(H) ⊙ G; releases G. */
function formSignalAt(st: LeanState, i: number, outScale: number): void {
  formSignal(st.derivs[i]!.data, st.G, outScale);
  st.G = null;
}

/** G ← α_W W_iᵀ S_i; releases W_i. */
function backpropagateAt(st: LeanState, i: number, aW: number): void {
  const W = st.params[i]?.W;
  if (W === undefined) throw new SpecError('E_INPUT', 'dense: parameters lack "W"');
  st.params[i] = null;
  st.G = st.backend.gemm(W, st.derivs[i]!, { transA: true, alpha: aW });
}

/** Readout (S is 1 × n): its term on the Gram of X_L, added into K; releases S and (unless kept) X_L. */
function readoutTermAt(st: LeanState, i: number, a2: number, b2: number, dropInput: boolean, ckGram: boolean): void {
  const T = f64(st.backend.gram(st.acts[i]!));
  if (dropInput) st.acts[i] = null;
  if (ckGram) st.ck = { rows: st.n, cols: st.n, data: Float64Array.from(T) };
  readoutTerm(T, st.derivs[i]!.data, a2, b2);
  st.derivs[i] = null;
  st.K = accumulate(st.K, T, null, 1, 0);
}

/** Hidden layer: K += α_W² (X_iᵀX_i) ⊙ (SᵀS) + α_b² SᵀS; releases S and (unless kept) X_i. */
function hiddenTermAt(st: LeanState, i: number, a2: number, b2: number, dropInput: boolean): void {
  const T = gramAt(st, st.derivs, i, true);
  const xx = gramAt(st, st.acts, i, dropInput);
  st.K = accumulate(st.K, T, xx, a2, b2);
}

function gramAt(st: LeanState, slots: Array<Matrix | null>, i: number, release: boolean): Float64Array {
  const G = f64(st.backend.gram(slots[i]!));
  if (release) slots[i] = null;
  return G;
}

/**
 * The dense layer's `apply` (same operations in the same order: H = α_W W X (+ α_b b), X_next = c_out σ(H)) with σ(H)
 * and σ′(H) from one `backend.mapBoth` pass, σ′ written over H: the activation is evaluated once per entry, not twice.
 */
function fusedForwardLayer(st: LeanState, t: DenseTerms, p: LayerParams, i: number, L: number): void {
  const W = p.W;
  if (W === undefined) throw new SpecError('E_INPUT', 'dense: parameters lack "W"');
  const X = st.acts[i]!;
  if (W.cols !== X.rows)
    throw new SpecError('E_SHAPE', `dense: W must be ${W.rows} × ${X.rows}, got ${W.rows} × ${W.cols}`);
  const H = st.backend.gemm(W, X, { alpha: t.alphaW(X.rows) });
  const b = t.bias ? p.b : undefined;
  if (t.bias && b === undefined) throw new SpecError('E_INPUT', 'dense: parameters lack the bias "b"');
  if (b !== undefined) addColumnInPlace(H, b, t.alphaB);
  const { value, derivative } = st.backend.mapBoth!(H, t.activation, { derivativeInPlace: true });
  st.derivs.push(derivative);
  if (i < L) st.acts.push(scaleInPlace(value, t.outScale));
}
