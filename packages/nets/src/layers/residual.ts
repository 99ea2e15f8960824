import {
  SpecError,
  assertNonNegativeNumber,
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
import { residualKernelMap, serialKernelMap } from '../kernel-maps/combinators.js';
import { affineKernelMap } from '../kernel-maps/dense.js';
import { activationOption } from '../activations/resolve.js';
import { addInPlace, featureCount, features, ntkShare, paramOf, rowsOf } from './matrix-ops.js';
import { float64 } from '../spatial/sample-gram.js';

/** Options of {@link residual}. */
export interface ResidualOptions {
  /** φ in the residual branch (an object, or a registry name, used raw). */
  readonly activation: Activation | string;
  /** σ_w, the branch scale (default 1). */
  readonly sigmaW?: number;
}

/** What the residual block keeps: its input h and φ(h), one row per sample. */
export interface ResidualCache {
  readonly input: Matrix;
  readonly phi: Matrix;
}

/**
 * A residual block in NTK parametrisation (apps/docs/theory/infinite-width.md#residual-mlp): `h′ = h + σ_w ω φ(h)/√n`,
 * ω ∈ R^{n×n} with N(0, 1) entries (parameter `omega`, row-major), n the width (input = output). Activations hold one
 * row per sample, so the layer computes `H′ = H + α φ(H) ωᵀ`, α = σ_w/√n.
 *
 * Backward: `∂f/∂H = G + φ′(H) ⊙ (α G ω)`; NTK share `α² (φ φᵀ) ⊙ (G Gᵀ)`, given by `ntkTerms` as the one term
 * `{ left: φ(H), right: G, a2: α² }` (so residual networks take the lean and matrix-free NTK routes too; it ignores
 * `ntkTermsOnly`, whose saving is the dense layer's). Kernel map (apps/docs/theory/infinite-width.md#residual-mlp,
 * cross terms vanish because ω is fresh and mean zero): `Σ′ = Σ + σ_w² E φ(u)φ(v)`,
 * `Θ′ = Θ + σ_w² E φ(u)φ(v) + σ_w² E φ′(u)φ′(v) Θ`, (u, v) ~ N(0, Σ).
 *
 * @throws SpecError `E_INPUT` for a bad σ_w or activation
 */
export function residual(options: ResidualOptions): Layer<ResidualCache> {
  if (options === null || typeof options !== 'object')
    throw new SpecError('E_INPUT', 'residual: options must be an object');
  const act = activationOption(options.activation, 'residual');
  assertNonNegativeNumber(options.sigmaW ?? 1, 'residual: sigmaW');
  const sw = options.sigmaW ?? 1;
  const sw2 = sw * sw;
  const alpha = (n: number): number => sw / Math.sqrt(n);
  const omegaOf = (params: LayerParams, d: number): Matrix => ({
    rows: d,
    cols: d,
    data: paramOf(params, 'omega', d * d, 'residual'),
  });

  /** ∂f/∂H = G + φ′(H) ⊙ (α G ω). */
  const backpropagate = (omega: Matrix, X: Matrix, G: Matrix, a: number, backend: Backend): Activations => {
    const g = backend.hadamard(backend.map(X, act, 'derivative'), backend.gemm(G, omega, { alpha: a }));
    return features({ rows: g.rows, cols: g.cols, data: addInPlace(float64(g), G.data) });
  };

  /** The one term `α² (φ φᵀ) ⊙ (G Gᵀ)` (ω enters as α ω φ(h), so its gradient per sample is α g φᵀ). */
  function ntkTerms(params: LayerParams, cache: ResidualCache, gy: Activations, { backend }: LayerContext) {
    const { input: X, phi: P } = cache;
    const omega = omegaOf(params, X.cols);
    const G = rowsOf(gy, 'residual', 'the output gradient', X.rows, X.cols);
    const a = alpha(X.cols);
    const terms: NtkTerm[] = [{ left: P, right: G, a2: a * a, b2: 0 }];
    return { terms, gradInput: () => backpropagate(omega, X, G, a, backend) };
  }

  return {
    kind: 'residual',
    outShape: (inShape) => ({ spatial: [], channels: featureCount(inShape, 'residual') }),
    init(inShape: Shape, rng: Rng) {
      const d = featureCount(inShape, 'residual');
      const omega = new Float64Array(d * d);
      rng.fillNormal(omega);
      return { params: { omega }, outShape: { spatial: [], channels: d } };
    },
    apply(params, x, { backend }) {
      const input = rowsOf(x, 'residual', 'the input');
      const omega = omegaOf(params, input.cols);
      const phi = backend.map(input, act, 'value');
      const h = backend.gemm(phi, omega, { transB: true, alpha: alpha(input.cols) });
      const y = features({ rows: h.rows, cols: h.cols, data: addInPlace(float64(h), input.data) });
      return { y, cache: { input, phi } };
    },
    vjp(params, cache, gy, { backend }, options) {
      const { input: X, phi: P } = cache;
      const omega = omegaOf(params, X.cols);
      const G = rowsOf(gy, 'residual', 'the output gradient', X.rows, X.cols);
      const a = alpha(X.cols);
      const gx = backpropagate(omega, X, G, a, backend);
      if (options?.params === false) return { gx, gparams: {} as LayerParams };
      const gparams: LayerParams = { omega: float64(backend.gemm(G, P, { transA: true, alpha: a })) };
      return { gx, gparams };
    },
    ntkTerms,
    ntk(params, cache, gy, ctx) {
      return ntkShare(ntkTerms(params, cache, gy, ctx).terms, ctx.backend);
    },
    // The branch φ then a fresh dense map of variance σ_w², added to the identity: Σ + σ_w² E φφ,
    // Θ + σ_w² (E φφ + Θ E φ′φ′) (apps/docs/theory/infinite-width.md#residual-mlp).
    kernelMap: () =>
      residualKernelMap(serialKernelMap([activationKernelMap(act), affineKernelMap({ weight: sw2, bias: 0 })])),
  };
}
