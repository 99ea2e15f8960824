import { SpecError } from '@spec/core';
import { inputKernel, networkKernelMap } from '../kernel-map.js';
import {
  infiniteNetwork,
  resolveInfiniteOptions,
  type InfiniteKernelOptions,
  type ResolvedInfiniteOptions,
} from './architecture.js';

/**
 * Infinite-width NNGP Σ and NTK Θ of a pair (x, y), with the diagonals
 * (apps/docs/theory/infinite-width.md#mlp-recursions).
 */
export interface InfiniteKernelValue {
  /** Σ^{L+1}(x, y), the NNGP of the scalar output. */
  readonly nngp: number;
  /** Θ^{L+1}(x, y), the NTK. */
  readonly ntk: number;
  /** Σ(x, x), Σ(y, y). */
  readonly nngpXX: number;
  readonly nngpYY: number;
  /** Θ(x, x), Θ(y, y). */
  readonly ntkXX: number;
  readonly ntkYY: number;
}

/** The infinite-width kernels of one architecture, from {@link infiniteKernels}. */
export interface InfiniteKernels {
  /** The options with defaults filled in (σ_w² = 1/E φ² etc.). */
  readonly options: ResolvedInfiniteOptions;
  /**
   * Σ and Θ for inputs of norms `normX`, `normY` (default 1) at cosine `cos` ∈ [−1, 1], i.e.
   * ⟨x, y⟩ = cos·normX·normY and Σ¹ = σ²_w,in ⟨x, y⟩ + σ_b².
   */
  pair(cos: number, normX?: number, normY?: number): InfiniteKernelValue;
  /** Same, from the Gram entries ⟨x, x⟩, ⟨y, y⟩, ⟨x, y⟩ directly. */
  fromGram(xx: number, yy: number, xy: number): InfiniteKernelValue;
}

/**
 * Infinite-width NNGP and NTK of an MLP or residual MLP in NTK parametrisation
 * (apps/docs/theory/infinite-width.md#mlp-recursions, #residual-mlp): `Σ¹ = σ²_w,in ⟨x, y⟩ + σ_b²`, `Θ¹ = Σ¹`,
 * `Σ^{l+1} = σ_w² E φ(u)φ(v) + σ_b²`, `Σ̇^{l+1} = σ_w² E φ′(u)φ′(v)`, `Θ^{l+1} = Σ^{l+1} + Θ^l Σ̇^{l+1}` with (u, v) ~
 * N(0, Λ^l), L hidden layers plus the readout. Evaluated by folding the layer plugins' kernel maps (`networkKernelMap`
 * over {@link infiniteNetwork}), so finite and infinite width share code; the Gaussian expectations use the
 * activation's closed-form dual (relu arc-cosine, erf, linear, … apps/docs/theory/toolkit.md#gaussian-kernel-maps) and
 * 2-D Gauss–Hermite otherwise.
 *
 * Example (apps/docs/theory/reference-values.md#relu-ntk):
 * `infiniteKernels({ activation: 'relu', depth: 1 }).pair(0.5)` → `{ nngp: 0.6089977810, ntk: 0.9423311144, … }` (σ_w²
 * defaults to 2 for raw relu).
 *
 * @throws SpecError `E_INPUT` for bad options (see {@link resolveInfiniteOptions}); `pair` throws it for
 *   |cos| > 1 or a negative / non-finite norm
 */
export function infiniteKernels(options: InfiniteKernelOptions): InfiniteKernels {
  const resolved = resolveInfiniteOptions(options);
  const net = infiniteNetwork(resolved, { width: 1, inputDim: 1 });
  const fromGram = (xx: number, yy: number, xy: number): InfiniteKernelValue => {
    const r = networkKernelMap(net, inputKernel(xx, yy, xy));
    for (const v of [r.nngp, r.ntk, r.nngpXX, r.nngpYY, r.ntkXX, r.ntkYY]) {
      if (!Number.isFinite(v)) {
        throw new SpecError(
          'E_INPUT',
          `infinite-width kernel of "${resolved.activation.name}" is not finite at depth ${resolved.depth} (σ_w² = ${resolved.sigmaW2}); try a smaller σ_w² or depth`,
        );
      }
    }
    return { nngp: r.nngp, ntk: r.ntk, nngpXX: r.nngpXX, nngpYY: r.nngpYY, ntkXX: r.ntkXX, ntkYY: r.ntkYY };
  };
  return {
    options: resolved,
    fromGram,
    pair(cos: number, normX = 1, normY = 1): InfiniteKernelValue {
      if (typeof cos !== 'number' || !(Math.abs(cos) <= 1)) {
        throw new SpecError(
          'E_INPUT',
          `infinite-width kernel: the cosine must be a number in [−1, 1], got ${String(cos)}`,
        );
      }
      for (const [v, name] of [
        [normX, 'normX'],
        [normY, 'normY'],
      ] as const) {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
          throw new SpecError(
            'E_INPUT',
            `infinite-width kernel: ${name} must be a finite number ≥ 0, got ${String(v)}`,
          );
      }
      return fromGram(normX * normX, normY * normY, cos * normX * normY);
    },
  };
}
