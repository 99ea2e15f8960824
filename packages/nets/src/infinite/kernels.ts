import { SpecError } from '@spec/core';
import { gramKernelRecord } from '../kernel-map.js';
import { resolveInfiniteOptions, type InfiniteKernelOptions, type ResolvedInfiniteOptions } from './architecture.js';
import { infiniteKernelPass, type KernelsAtDepth } from './recursion.js';

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
  /**
   * The kernels of {@link pair} at every depth 1..L (element l − 1 is depth l), from one pass through the layers: the
   * depth-l network is the first l hidden layers and the readout.
   */
  byDepth(cos: number, normX?: number, normY?: number): InfiniteKernelValue[];
}

/**
 * Infinite-width NNGP and NTK of an MLP or residual MLP in NTK parametrisation
 * (apps/docs/theory/infinite-width.md#mlp-recursions, #residual-mlp): `Σ¹ = σ²_w,in ⟨x, y⟩ + σ_b²`, `Θ¹ = Σ¹`,
 * `Σ^{l+1} = σ_w² E φ(u)φ(v) + σ_b²`, `Σ̇^{l+1} = σ_w² E φ′(u)φ′(v)`, `Θ^{l+1} = Σ^{l+1} + Θ^l Σ̇^{l+1}` with (u, v) ~
 * N(0, Λ^l), L hidden layers plus the readout. Evaluated by {@link infiniteKernelPass} on the 2 × 2 Gram of (x, y) — the
 * recursions of the layer plugins' kernel maps over `infiniteNetwork`, the network sampled at finite width — with
 * the activation's closed-form dual (relu arc-cosine, erf, linear, … apps/docs/theory/toolkit.md#gaussian-kernel-maps)
 * or else its tabulated dual (Hermite coefficients per variance, 1e−11).
 *
 * Example (apps/docs/theory/reference-values.md#relu-ntk):
 * `infiniteKernels({ activation: 'relu', depth: 1 }).pair(0.5)` → `{ nngp: 0.6089977810, ntk: 0.9423311144, … }` (σ_w²
 * defaults to 2 for raw relu).
 *
 * @throws SpecError `E_INPUT` for bad options (see {@link resolveInfiniteOptions}); `pair` and `byDepth` throw it for
 *   |cos| > 1 or a negative / non-finite norm
 */
export function infiniteKernels(options: InfiniteKernelOptions): InfiniteKernels {
  const resolved = resolveInfiniteOptions(options);
  const run = (xx: number, yy: number, xy: number, all: boolean): InfiniteKernelValue[] => {
    gramKernelRecord(Float64Array.of(xx, xy, xy, yy), 2);
    const values: InfiniteKernelValue[] = [];
    const last = infiniteKernelPass(
      resolved,
      { rowNorms2: Float64Array.of(xx, yy), gram: Float64Array.of(xx, xy, xy, yy) },
      // Smooth: a pair's kernel is then a smooth function of the cosine (Funk–Hecke quadrature in kernelSeries).
      all ? { smooth: true, onDepth: (k) => values.push(valueOf(k)) } : { smooth: true },
    );
    return all ? values : [valueOf(last)];
  };
  const checkPair = (cos: number, normX: number, normY: number): void => {
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
        throw new SpecError('E_INPUT', `infinite-width kernel: ${name} must be a finite number ≥ 0, got ${String(v)}`);
    }
  };
  return {
    options: resolved,
    fromGram: (xx, yy, xy) => run(xx, yy, xy, false)[0],
    pair(cos: number, normX = 1, normY = 1): InfiniteKernelValue {
      checkPair(cos, normX, normY);
      return run(normX * normX, normY * normY, cos * normX * normY, false)[0];
    },
    byDepth(cos: number, normX = 1, normY = 1): InfiniteKernelValue[] {
      checkPair(cos, normX, normY);
      return run(normX * normX, normY * normY, cos * normX * normY, true);
    },
  };
}

/** The (x, y) entries of a 2 × 2 pass. */
function valueOf(k: KernelsAtDepth): InfiniteKernelValue {
  return {
    nngp: k.nngp[1],
    ntk: k.ntk[1],
    nngpXX: k.nngp[0],
    nngpYY: k.nngp[3],
    ntkXX: k.ntk[0],
    ntkYY: k.ntk[3],
  };
}
