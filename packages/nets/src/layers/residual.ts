import {
  SpecError,
  assertNonNegativeNumber,
  assertPositiveInteger,
  assertShape,
  ntkTermsContribution,
  type Activation,
  type Backend,
  type Layer,
  type LayerCache,
  type LayerContext,
  type LayerFactory,
  type LayerParams,
  type Matrix,
  type NtkTerm,
  type Rng,
} from '@spec/core';
import { activationKernelMap } from '../kernel-maps/activation.js';
import { residualKernelMap, serialKernelMap } from '../kernel-maps/combinators.js';
import { affineKernelMap } from '../kernel-maps/dense.js';
import { activationOption } from '../activations/resolve.js';
import { addScaledInPlace } from './matrix-ops.js';

/** Options of {@link residual}. */
export interface ResidualOptions {
  /** φ in the residual branch (an object, or a registry name, used raw). */
  readonly activation: Activation | string;
  /** σ_w, the branch scale (default 1). */
  readonly sigmaW?: number;
}

function entry(m: Record<string, Matrix>, key: string, what: string): Matrix {
  const v = m[key];
  if (v === undefined) throw new SpecError('E_INPUT', `residual: ${what} lacks "${key}"`);
  return v;
}

/**
 * A residual block in NTK parametrisation (apps/docs/theory/infinite-width.md#residual-mlp): `h′ = h + σ_w ω φ(h)/√n`,
 * ω ∈ R^{n×n} with N(0, 1) entries (parameter `omega`), n the width (input = output). Cache: `input`, `phi` = φ(h).
 *
 * Backward: `∂f/∂h = G + φ′(h) ⊙ (α ωᵀ G)`, α = σ_w/√n; NTK contribution `α² (φᵀφ) ⊙ (GᵀG)`, given by `ntkTerms` as
 * the one term `{ left: φ(h), right: G, a2: α² }` (so residual networks take the lean and matrix-free NTK routes too;
 * it ignores `ntkTermsOnly`, whose saving is the dense layer's). Kernel map
 * (apps/docs/theory/infinite-width.md#residual-mlp, cross terms vanish because ω is fresh and mean zero):
 * `Σ′ = Σ + σ_w² E φ(u)φ(v)`, `Θ′ = Θ + σ_w² E φ(u)φ(v) + σ_w² E φ′(u)φ′(v) Θ`, (u, v) ~ N(0, Σ).
 *
 * @throws SpecError `E_INPUT` for a bad σ_w or activation
 */
export function residual(options: ResidualOptions): Layer {
  if (options === null || typeof options !== 'object')
    throw new SpecError('E_INPUT', 'residual: options must be an object');
  const act = activationOption(options.activation, 'residual');
  assertNonNegativeNumber(options.sigmaW ?? 1, 'residual: sigmaW');
  const sw = options.sigmaW ?? 1;
  const sw2 = sw * sw;
  const alpha = (n: number): number => sw / Math.sqrt(n);

  function branchGradient(cache: LayerCache, G: Matrix): { X: Matrix; P: Matrix } {
    const X = entry(cache, 'input', 'the forward cache');
    assertShape(G, X.rows, X.cols, 'residual: gradient of the output');
    return { X, P: entry(cache, 'phi', 'the forward cache') };
  }

  /** ∂f/∂h = G + φ′(h) ⊙ (α ωᵀ G). */
  const backpropagate = (omega: Matrix, X: Matrix, G: Matrix, a: number, backend: Backend): Matrix =>
    addScaledInPlace(
      backend.hadamard(backend.map(X, act, 'derivative'), backend.gemm(omega, G, { transA: true, alpha: a })),
      G,
    );

  /** The one term `α² (φᵀφ) ⊙ (GᵀG)` (ω enters as α ω φ(h), so its gradient per sample is α G φᵀ). */
  function ntkTerms(params: LayerParams, cache: LayerCache, gradOutput: Matrix, { backend }: LayerContext) {
    const omega = entry(params, 'omega', 'the parameters');
    const { X, P } = branchGradient(cache, gradOutput);
    const a = alpha(X.rows);
    const terms: NtkTerm[] = [{ left: P, right: gradOutput, a2: a * a, b2: 0 }];
    return { terms, gradInput: () => backpropagate(omega, X, gradOutput, a, backend) };
  }

  return {
    kind: 'residual',
    outputDim: (d) => d,
    init(inputDim: number, rng: Rng): LayerParams {
      assertPositiveInteger(inputDim, 'residual: input dimension');
      const data = new Float64Array(inputDim * inputDim);
      rng.fillNormal(data);
      return { omega: { rows: inputDim, cols: inputDim, data } };
    },
    apply(params, input, { backend }) {
      const omega = entry(params, 'omega', 'the parameters');
      assertShape(omega, input.rows, input.rows, 'residual: omega');
      const phi = backend.map(input, act, 'value');
      const output = addScaledInPlace(backend.gemm(omega, phi, { alpha: alpha(input.rows) }), input);
      return { output, cache: { input, phi } };
    },
    vjp(params, cache, gradOutput, { backend }, extras) {
      const omega = entry(params, 'omega', 'the parameters');
      const { X, P } = branchGradient(cache, gradOutput);
      const a = alpha(X.rows);
      const gradInput = backpropagate(omega, X, gradOutput, a, backend);
      if (extras?.wantParams === false) return { gradInput, gradParams: {} as LayerParams };
      return { gradInput, gradParams: { omega: backend.gemm(gradOutput, P, { transB: true, alpha: a }) } };
    },
    ntkTerms,
    ntkContribution(params, cache, gradOutput, ctx) {
      return ntkTermsContribution(ntkTerms(params, cache, gradOutput, ctx).terms, ctx.backend);
    },
    // The branch φ then a fresh dense map of variance σ_w², added to the identity: Σ + σ_w² E φφ,
    // Θ + σ_w² (E φφ + Θ E φ′φ′) (apps/docs/theory/infinite-width.md#residual-mlp).
    kernelMap: () =>
      residualKernelMap(serialKernelMap([activationKernelMap(act), affineKernelMap({ weight: sw2, bias: 0 })])),
  };
}

/** The {@link residual} block as a registry plugin entry. */
export const residualFactory: LayerFactory<ResidualOptions> = {
  name: 'residual',
  description:
    'residual block h + σ_w ω φ(h)/√n (NTK parametrisation, apps/docs/theory/infinite-width.md#residual-mlp)',
  create: residual,
};
