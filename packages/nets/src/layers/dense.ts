import {
  SpecError,
  assertNonNegativeNumber,
  assertPositiveInteger,
  type Activation,
  type Activations,
  type Backend,
  type Layer,
  type LayerContext,
  type LayerParams,
  type Matrix,
  type NtkTerm,
  type Rng,
  type Shape,
} from '@spec/core';
import { activationKernelMap } from '../kernel-maps/activation.js';
import { serialKernelMap } from '../kernel-maps/combinators.js';
import { affineKernelMap, type AffineTangent } from '../kernel-maps/dense.js';
import { linear } from '../activations/elementary.js';
import { activationOption } from '../activations/resolve.js';
import {
  addRowInPlace,
  columnSums,
  features,
  featureCount,
  ntkShare,
  paramOf,
  rowsOf,
  scaleInPlace,
} from './matrix-ops.js';
import { float64 } from '../spatial/sample-gram.js';

/**
 * How a dense layer scales its weights (W drawn with unit-variance entries unless `standard`):
 * - `'fan-wang'` (apps/docs/theory/fan-wang.md#network-and-kernels): `X_ℓ = σ(σ_w W X_{ℓ−1} + σ_b b)/√d_ℓ`, W, b
 *   entries N(0, 1);
 * - `'ntk'` (apps/docs/theory/infinite-width.md#ntk-parametrisation): `X_ℓ = σ(σ_w W X_{ℓ−1}/√d_{ℓ−1} + σ_b b)`, W, b
 *   entries N(0, 1);
 * - `'standard'` (apps/docs/theory/dispersion.md#setting): `X_ℓ = σ(W X_{ℓ−1} + b)`, `W_ij ~ N(0, σ_w²/d_{ℓ−1})`,
 *   `b_i ~ N(0, σ_b²)`.
 */
export type Parametrization = 'fan-wang' | 'ntk' | 'standard';

/** Options of {@link dense}. */
export interface DenseOptions {
  /** Output width d_ℓ. */
  readonly width: number;
  /** The activation σ applied after the affine map (an object, or a registry name, used raw). */
  readonly activation: Activation | string;
  /** Add a trainable bias (default false). */
  readonly bias?: boolean;
  /** Weight scaling (default `'fan-wang'`). */
  readonly parametrization?: Parametrization;
  /** σ_w² (default 1). */
  readonly sigmaW2?: number;
  /** σ_b² (default 1 for `'fan-wang'` and `'ntk'`, 0 for `'standard'`, where biases start at 0 but are trained). Ignored without `bias`. */
  readonly sigmaB2?: number;
  /**
   * Distribution of the unit-variance weight entries: `'gaussian'` (default) or `'rademacher'` (±1,
   * apps/docs/theory/fan-wang.md#simulation-notes).
   */
  readonly weights?: 'gaussian' | 'rademacher';
}

/**
 * A dense layer with its activation, `out = c_out · σ(α_W W x + α_b b)`; with the activation inside the layer, the
 * empirical NTK of its parameters is the closed form of apps/docs/theory/fan-wang.md#network-and-kernels,
 * #simulation-notes,
 * `α_W² (X Xᵀ) ⊙ (S Sᵀ) + α_b² S Sᵀ` with `S = c_out σ′(H) ⊙ G` (G = ∂f/∂out per sample; X, H, S, G hold one row
 * per sample). Constants per {@link Parametrization}: fan-wang `α_W = σ_w, α_b = σ_b, c_out = 1/√d_ℓ`; ntk
 * `α_W = σ_w/√d_in, α_b = σ_b, c_out = 1`; standard `α_W = α_b = 1, c_out = 1` (the variances sit in the
 * initial draws). Inputs have no positions (flatten first); the output has `width` channels. Parameters: `W`
 * (d_ℓ × d_in, row-major) and, with `bias`, `b` (d_ℓ). Cache: the input and H; with `ntkTermsOnly`, the input and
 * σ′(H) written over H. `ntkTerms` gives the one term `{ left: X, right: S, a2: α_W², b2: α_b² }`; `ntk` is derived
 * from it and `vjp` uses the same S, so the layer's mathematics lives in `signal` and `backpropagate` only.
 *
 * Kernel map (apps/docs/theory/infinite-width.md#mlp-recursions): `Σ_h = σ_w² Σ + σ_b²`, `Θ_h = Σ_h + σ_w² Θ`
 * (fan-wang, ntk) or `Θ_h = d_in Σ + 1{bias} + σ_w² Θ` (standard: the finite-width expected NTK, which grows with
 * width); then `Σ′ = E σ(u)σ(v)`, `Θ′ = Θ_h · E σ′(u)σ′(v)` with (u, v) ~ N(0, Σ_h). In the record, Σ is the covariance
 * of the next pre-activation per unit weight: ⟨x, y⟩ for fan-wang (whose outputs carry the 1/√d), ⟨x, y⟩/d otherwise;
 * the two conventions give the same recursion.
 *
 * @throws SpecError `E_INPUT` for a bad width, variance, parametrisation or activation
 */
export function dense(options: DenseOptions): Layer<DenseCache> {
  if (options === null || typeof options !== 'object')
    throw new SpecError('E_INPUT', 'dense: options must be an object');
  assertPositiveInteger(options.width, 'dense: width');
  const width = options.width;
  const act = activationOption(options.activation, 'dense');
  const bias = options.bias ?? false;
  const param = options.parametrization ?? 'fan-wang';
  if (param !== 'fan-wang' && param !== 'ntk' && param !== 'standard') {
    throw new SpecError(
      'E_INPUT',
      `dense: parametrization must be 'fan-wang', 'ntk' or 'standard', got ${JSON.stringify(param)}`,
    );
  }
  assertNonNegativeNumber(options.sigmaW2 ?? 1, 'dense: sigmaW2');
  const sw2 = options.sigmaW2 ?? 1;
  const sb2 = bias ? (options.sigmaB2 ?? (param === 'standard' ? 0 : 1)) : 0;
  assertNonNegativeNumber(sb2, 'dense: sigmaB2');
  const dist = options.weights ?? 'gaussian';
  if (dist !== 'gaussian' && dist !== 'rademacher') {
    throw new SpecError('E_INPUT', `dense: weights must be 'gaussian' or 'rademacher', got ${JSON.stringify(dist)}`);
  }
  const sw = Math.sqrt(sw2);
  const sb = Math.sqrt(sb2);
  const outScale = param === 'fan-wang' ? 1 / Math.sqrt(width) : 1;
  const alphaW = (dIn: number): number => (param === 'fan-wang' ? sw : param === 'ntk' ? sw / Math.sqrt(dIn) : 1);
  const alphaB = param === 'standard' ? 1 : sb;

  /** W (width × d_in) as a matrix and the bias (width), checked against the input width. */
  function weightsOf(params: LayerParams, dIn: number): { W: Matrix; b: Float64Array | undefined } {
    const W = paramOf(params, 'W', width * dIn, 'dense');
    const b = bias ? paramOf(params, 'b', width, 'dense') : undefined;
    return { W: { rows: width, cols: dIn, data: W }, b };
  }

  /**
   * S = c_out σ′(H) ⊙ G: ∂f/∂(pre-activation), per sample (apps/docs/theory/fan-wang.md#network-and-kernels s_ℓ). From
   * a cache made with `ntkTermsOnly`, S is formed in place over the σ′(H) it holds, which is taken out of the cache (it
   * can serve once); otherwise σ′(H) is computed from the pre-activation and the cache is left as it is.
   */
  function signal(cache: DenseCache, gy: Activations, backend: Backend): Matrix {
    const D = cache.derivative;
    const G = rowsOf(gy, 'dense', 'the output gradient', cache.input.rows, width);
    if (D !== undefined) {
      delete cache.derivative;
      formSignalInPlace(D.data, G.data, outScale);
      return D;
    }
    const H = cache.preactivation;
    if (H === undefined)
      throw new SpecError(
        'E_INPUT',
        'dense: the forward cache lacks the pre-activation (pass the cache returned by apply)',
      );
    return scaleInPlace(backend.hadamard(backend.map(H, act, 'derivative'), G), outScale);
  }

  /** ∂f/∂X = α_W S W (n × d_in). */
  const backpropagate = (W: Matrix, S: Matrix, aW: number, backend: Backend): Activations =>
    features(backend.gemm(S, W, { alpha: aW }));

  /** The one term `(α_W² X Xᵀ + α_b²) ⊙ S Sᵀ` and the backward step, from the same S as `vjp`. */
  function ntkTerms(params: LayerParams, cache: DenseCache, gy: Activations, { backend }: LayerContext) {
    const X = cache.input;
    const { W } = weightsOf(params, X.cols);
    const S = signal(cache, gy, backend);
    const aW = alphaW(X.cols);
    const b2 = bias ? alphaB * alphaB : 0;
    const terms: NtkTerm[] = [{ left: X, right: S, a2: aW * aW, b2 }];
    // The closure holds W and S only (not G, not the cache), so a caller that drops G first never holds both signals.
    return { terms, gradInput: () => backpropagate(W, S, aW, backend) };
  }

  /**
   * Forward pass keeping σ′(H) written over H, for `ntkTermsOnly`: σ(H) and σ′(H) from one `backend.mapBoth` pass
   * when the backend has it (the activation evaluated once per entry), else a `map` and an in-place σ′ loop (the same
   * numbers, bit for bit).
   */
  function forwardKeepingDerivative(H: Matrix, input: Matrix, backend: Backend): { y: Activations; cache: DenseCache } {
    if (backend.mapBoth !== undefined) {
      const { value, derivative } = backend.mapBoth(H, act, { derivativeInPlace: true });
      return { y: features(scaleInPlace(value, outScale)), cache: { input, derivative } };
    }
    const output = scaleInPlace(backend.map(H, act, 'value'), outScale);
    const h = H.data;
    for (let j = 0; j < h.length; j++) h[j] = act.deriv(h[j]);
    return { y: features(output), cache: { input, derivative: H } };
  }

  return {
    kind: 'dense',
    outShape: (inShape) => (featureCount(inShape, 'dense'), { spatial: [], channels: width }),
    init(inShape: Shape, rng: Rng) {
      const inputDim = featureCount(inShape, 'dense');
      const std = param === 'standard' ? sw / Math.sqrt(inputDim) : 1;
      const W = new Float64Array(width * inputDim);
      if (dist === 'rademacher') for (let i = 0; i < W.length; i++) W[i] = std * rng.rademacher();
      else {
        rng.fillNormal(W);
        if (std !== 1) for (let i = 0; i < W.length; i++) W[i] *= std;
      }
      const params: Record<string, Float64Array> = { W };
      if (bias) {
        const b = new Float64Array(width);
        const bstd = param === 'standard' ? sb : 1;
        if (bstd > 0) {
          const r = rng.split('bias');
          if (dist === 'rademacher') for (let i = 0; i < width; i++) b[i] = bstd * r.rademacher();
          else for (let i = 0; i < width; i++) b[i] = bstd * r.normal();
        }
        params.b = b;
      }
      return { params, outShape: { spatial: [], channels: width } };
    },
    apply(params, x, { backend }, extras) {
      const input = rowsOf(x, 'dense', 'the input');
      const { W, b } = weightsOf(params, input.cols);
      const H = backend.gemm(input, W, { transB: true, alpha: alphaW(input.cols) });
      if (b !== undefined) addRowInPlace(H, b, alphaB);
      if (extras?.ntkTermsOnly === true) return forwardKeepingDerivative(H, input, backend);
      const y = features(scaleInPlace(backend.map(H, act, 'value'), outScale));
      return { y, cache: { input, preactivation: H } };
    },
    vjp(params, cache, gy, { backend }, options) {
      const X = cache.input;
      const { W, b } = weightsOf(params, X.cols);
      const S = signal(cache, gy, backend);
      const aW = alphaW(X.cols);
      const gx = backpropagate(W, S, aW, backend);
      if (options?.params === false) return { gx, gparams: {} };
      const gparams: Record<string, Float64Array> = {
        W: float64(backend.gemm(S, X, { transA: true, alpha: aW })),
      };
      if (b !== undefined) gparams.b = columnSums(S, alphaB);
      return { gx, gparams };
    },
    ntkTerms,
    ntk(params, cache, gy, ctx) {
      return ntkShare(ntkTerms(params, cache, gy, ctx).terms, ctx.backend);
    },
    kernelMap(inShape) {
      let tangent: AffineTangent | undefined;
      if (param === 'standard') tangent = { inputWeight: featureCount(inShape, 'dense kernelMap'), bias: bias ? 1 : 0 };
      const affine = affineKernelMap({ weight: sw2, bias: sb2 }, tangent);
      // φ = x keeps the record Gaussian (a linear input layer of a residual network, the readout); any other φ does not.
      return act === linear ? affine : serialKernelMap([affine, activationKernelMap(act)], 'dense');
    },
  };
}

/** What the dense layer's forward pass keeps: its input and H, or (with `ntkTermsOnly`) σ′(H) written over H. */
export interface DenseCache {
  readonly input: Matrix;
  preactivation?: Matrix;
  derivative?: Matrix;
}

/**
 * s ← s·g·c_out in place (s holds σ′(H)), in the rounding order of `c_out·(σ′(H) ⊙ G)` that `vjp` uses on a plain
 * cache, so every route gets the same S bit for bit.
 */
function formSignalInPlace(s: Matrix['data'], g: Matrix['data'], outScale: number): void {
  if (outScale !== 1) for (let j = 0; j < s.length; j++) s[j] = s[j] * g[j] * outScale;
  else for (let j = 0; j < s.length; j++) s[j] *= g[j];
}
