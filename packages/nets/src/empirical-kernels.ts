import {
  SpecError,
  assertFinite,
  type Activations,
  type Backend,
  type Layer,
  type LayerParams,
  type Matrix,
} from '@spec/core';
import { layerNtkStep } from './layer-ntk-step.js';
import { forward, onesSignal, type Network, type NetworkInput, type NetworkParams } from './network.js';
import { spatialSize } from './spatial/activations.js';

/** Options of {@link empiricalKernels}. */
export interface EmpiricalKernelOptions {
  /** Which kernels (default `'both'`). */
  readonly kernel?: 'ck' | 'ntk' | 'both';
  /** Also return each layer's NTK contribution (default false). */
  readonly perLayer?: boolean;
  /** Also return the Grams K_ℓ = X_ℓ X_ℓᵀ of the input and of every layer output before the readout (default false). */
  readonly layerGrams?: boolean;
  /** Progress over the layers of the backward pass. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Result of {@link empiricalKernels}; every matrix is n × n. */
export interface EmpiricalKernels {
  /**
   * The CK, the Gram of the readout's input features over samples (all positions and channels;
   * apps/docs/theory/fan-wang.md#network-and-kernels K_L = X_LᵀX_L).
   */
  readonly ck?: Matrix;
  /** The empirical NTK Σ_θ ∂f(x_a)/∂θ ∂f(x_b)/∂θ. */
  readonly ntk?: Matrix;
  /** NTK contribution of each layer (null for a parameter-free layer), aligned with `net.layers`; they sum to `ntk`. */
  readonly perLayer?: ReadonlyArray<Matrix | null>;
  /** K_0, …, K_L: the Grams of activations[0..L] over samples (L = number of layers before the readout). */
  readonly grams?: ReadonlyArray<Matrix>;
  /** Name of the backend that computed the products (`backend.computedBy('gram')`). */
  readonly backend: string;
}

/**
 * Empirical CK and NTK of any network (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes,
 * apps/docs/theory/architectures.md#finite-layers): a forward pass, then a backward pass of the all-ones signal through
 * each layer, where each layer adds its share — from its `ntkTerms` when it has them (the same terms as the lean and
 * matrix-free routes; dense: `(X_{ℓ−1} X_{ℓ−1}ᵀ) ⊙ (S_ℓ S_ℓᵀ)` plus bias terms), else from its `ntk` and `vjp`. The
 * Grams of the layers' inputs are computed once and shared between the CK and the NTK.
 *
 * @throws SpecError `E_INPUT` for a bad `kernel` option or when a kernel has non-finite entries (an activation
 *   overflowed: try the normalised activation or a smaller σ_w²), and the errors of {@link forward}
 */
export function empiricalKernels(
  net: Network,
  params: NetworkParams,
  X: NetworkInput,
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
  const out = kernelsOfPass(net.layers, params, fwd.activations, fwd.caches, backend, which, options);
  if (out.ck !== undefined) assertFinite(out.ck, 'empirical CK');
  if (out.ntk !== undefined) assertFinite(out.ntk, 'empirical NTK');
  return out;
}

/** The kernels from a forward pass's activations and caches, not yet checked to be finite (shared with the spatial driver). */
export function kernelsOfPass(
  layers: ReadonlyArray<Layer>,
  params: ReadonlyArray<LayerParams>,
  acts: ReadonlyArray<Activations>,
  caches: ReadonlyArray<unknown>,
  backend: Backend,
  which: 'ck' | 'ntk' | 'both',
  options: EmpiricalKernelOptions,
): EmpiricalKernels {
  const L = layers.length - 1;
  const n = acts[0].samples;
  const grams = new Map<number, Matrix>();
  const gramOf = (i: number): Matrix => {
    let g = grams.get(i);
    if (g === undefined) {
      g = backend.gram(samplesAsRows(acts[i]), { rows: true });
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
    const perLayer: Array<Matrix | null> = new Array<Matrix | null>(layers.length).fill(null);
    let g = onesSignal(n);
    let ntk: Float64Array | null = null;
    for (let i = L; i >= 0; i--) {
      const step = layerNtkStep(layers[i], params[i], caches[i], g, ctx, {
        index: i,
        input: acts[i],
        inputGram: () => gramOf(i),
      });
      const c = step.contribution;
      if (c !== null) {
        perLayer[i] = { rows: n, cols: n, data: c };
        if (ntk === null) ntk = Float64Array.from(c);
        else for (let j = 0; j < ntk.length; j++) ntk[j] += c[j];
      }
      if (i > 0) g = step.gradInput();
      options.onProgress?.(L - i + 1, L + 1);
    }
    out.ntk = { rows: n, cols: n, data: ntk ?? new Float64Array(n * n) };
    if (options.perLayer) out.perLayer = perLayer;
  }
  if (options.layerGrams) out.grams = Array.from({ length: L + 1 }, (_, i) => gramOf(i));
  return out;
}

/** Activations as an n × (L·C) matrix over the same data: one row of all positions and channels per sample. */
export function samplesAsRows(x: Activations): Matrix {
  return { rows: x.samples, cols: spatialSize(x.spatial) * x.channels, data: x.data };
}
