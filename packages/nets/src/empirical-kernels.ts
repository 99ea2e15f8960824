import { SpecError, assertFinite, type Backend, type Matrix } from '@spec/core';
import { layerNtkStep } from './layer-ntk-step.js';
import { addScaledInPlace, copy } from './layers/matrix-ops.js';
import { forward, type Network, type NetworkParams } from './network.js';

/** Options of {@link empiricalKernels}. */
export interface EmpiricalKernelOptions {
  /** Which kernels (default `'both'`). */
  readonly kernel?: 'ck' | 'ntk' | 'both';
  /** Also return each layer's NTK contribution (default false). */
  readonly perLayer?: boolean;
  /** Also return the Grams K_ℓ = X_ℓᵀX_ℓ of the input and of every layer output before the readout (default false). */
  readonly layerGrams?: boolean;
  /** Progress over the layers of the backward pass. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Result of {@link empiricalKernels}; every matrix is n × n. */
export interface EmpiricalKernels {
  /** The CK K_L = X_LᵀX_L, the Gram of the readout's input (apps/docs/theory/fan-wang.md#network-and-kernels). */
  readonly ck?: Matrix;
  /** The empirical NTK Σ_θ ∂f(x_α)/∂θ ∂f(x_β)/∂θ. */
  readonly ntk?: Matrix;
  /** NTK contribution of each layer (null for a parameter-free layer), aligned with `net.layers`; they sum to `ntk`. */
  readonly perLayer?: ReadonlyArray<Matrix | null>;
  /** K_0 = XᵀX, …, K_L (Grams of activations[0..L], L = number of layers before the readout). */
  readonly grams?: ReadonlyArray<Matrix>;
  /** Name of the backend that computed the products (`backend.computedBy('gram')`). */
  readonly backend: string;
}

/**
 * Empirical CK and NTK by the layer-wise closed form (apps/docs/theory/fan-wang.md#network-and-kernels,
 * #simulation-notes): a forward pass, then a backward pass of the all-ones signal through each layer, where each
 * layer adds its share — from its `ntkTerms` when it has them (the same terms as the lean and matrix-free routes; dense:
 * `(X_{ℓ−1}ᵀX_{ℓ−1}) ⊙ (S_ℓᵀS_ℓ)` plus bias terms, the readout `X_LᵀX_L` times its signal), else from its
 * `ntkContribution` and `vjp`.
 * Only n × n Gram and Hadamard products, through `backend`; the per-layer Grams are computed once and
 * shared between the CK and the NTK.
 *
 * @throws SpecError `E_INPUT` for a bad `kernel` option or when a kernel has non-finite entries (an
 *   activation overflowed: try the normalised activation or a smaller σ_w²), and the errors of {@link forward}
 */
export function empiricalKernels(
  net: Network,
  params: NetworkParams,
  X: Matrix,
  backend: Backend,
  options: EmpiricalKernelOptions = {},
): EmpiricalKernels {
  const which = options.kernel ?? 'both';
  if (which !== 'ck' && which !== 'ntk' && which !== 'both') {
    throw new SpecError(
      'E_INPUT',
      `empiricalKernels: kernel must be 'ck', 'ntk' or 'both', got ${JSON.stringify(which)}`,
    );
  }
  const fwd = forward(net, params, X, backend);
  const L = net.layers.length - 1;
  const grams = new Map<number, Matrix>();
  const gramOf = (i: number): Matrix => {
    let g = grams.get(i);
    if (g === undefined) {
      g = backend.gram(fwd.activations[i]);
      grams.set(i, g);
    }
    return g;
  };
  const out: { ck?: Matrix; ntk?: Matrix; perLayer?: Array<Matrix | null>; grams?: Matrix[]; backend: string } = {
    backend: backend.computedBy('gram'),
  };
  if (which !== 'ntk') out.ck = gramOf(L);
  if (which !== 'ck') {
    const ctx = { backend };
    const perLayer: Array<Matrix | null> = new Array<Matrix | null>(net.layers.length).fill(null);
    const n = X.cols;
    let G: Matrix = { rows: 1, cols: n, data: new Float64Array(n).fill(1) };
    let ntk: Matrix | null = null;
    for (let i = L; i >= 0; i--) {
      const step = layerNtkStep(net.layers[i], params[i], fwd.caches[i], G, ctx, {
        index: i,
        input: fwd.activations[i],
        inputGram: () => gramOf(i),
      });
      const c = step.contribution;
      if (c !== null) {
        perLayer[i] = c;
        ntk = ntk === null ? copy(c) : addScaledInPlace(ntk, c);
      }
      if (i > 0) G = step.gradInput();
      options.onProgress?.(L - i + 1, L + 1);
    }
    out.ntk = ntk ?? { rows: n, cols: n, data: new Float64Array(n * n) };
    if (options.perLayer) out.perLayer = perLayer;
  }
  if (options.layerGrams) out.grams = Array.from({ length: L + 1 }, (_, i) => gramOf(i));
  if (out.ck !== undefined) assertFinite(out.ck, 'empirical CK');
  if (out.ntk !== undefined) assertFinite(out.ntk, 'empirical NTK');
  return out;
}
