import { SpecError } from '@spec/core';
import type { Complex } from './complex.js';

/**
 * The spectral law μ_0 of the input Gram matrix K_0 = XᵀX (apps/docs/theory/fan-wang.md#ck-limit base case,
 * apps/docs/theory/fan-wang.md#ntk-fixed-point step 2):
 *
 * - `{ kind: 'mp', samplesPerDim }` — i.i.d. Gaussian data, X with N(0, 1/d_0) entries: μ_0 = ρ^MP_γ0 with γ_0 = n/d_0
 *   (apps/docs/theory/toolkit.md#marchenko-pastur).
 * - `{ kind: 'atoms', x, weights? }` — a discrete law Σ w_i δ_{x_i}, e.g. the eigenvalues of XᵀX for real
 *   data (weights default to 1/len; they must be ≥ 0 and are normalised to sum 1; x ≥ 0).
 * - `{ kind: 'law', stieltjes, support, atom0?, mean? }` — any other law on [0, ∞) given by its Stieltjes
 *   transform m(ζ) = ∫ μ(dx)/(x − ζ) for ζ ∈ C⁺ (the solvers use m(ζ̄) = conj m(ζ) below the axis).
 *   `support` bounds the support, `atom0` is the mass of an atom at 0 (default 0).
 */
export type InputMeasure =
  | { readonly kind: 'mp'; readonly samplesPerDim: number }
  | { readonly kind: 'atoms'; readonly x: Float64Array; readonly weights?: Float64Array }
  | {
      readonly kind: 'law';
      readonly stieltjes: (z: Complex) => Complex;
      readonly support: readonly [number, number];
      readonly atom0?: number;
    };

/** A validated discrete measure (normalised weights). */
export interface DiscreteMeasure {
  readonly x: Float64Array;
  readonly w: Float64Array;
}

/** Validates an input measure; throws `E_INPUT` naming the problem. */
export function checkInputMeasure(input: InputMeasure, where: string): void {
  if (input.kind === 'mp') {
    const g = input.samplesPerDim;
    if (!Number.isFinite(g) || g <= 0)
      throw new SpecError('E_INPUT', `${where}: input samplesPerDim must be finite and > 0, got ${g}`);
  } else if (input.kind === 'atoms') {
    if (input.x.length === 0) throw new SpecError('E_INPUT', `${where}: 'atoms' input measure has no atoms`);
    for (let i = 0; i < input.x.length; i++) {
      const v = input.x[i];
      if (!Number.isFinite(v) || v < 0) {
        throw new SpecError(
          'E_INPUT',
          `${where}: atom ${i} is ${v}; atoms must be finite and ≥ 0 (eigenvalues of a Gram matrix; clip tiny negatives to 0)`,
        );
      }
    }
    if (input.weights !== undefined) {
      if (input.weights.length !== input.x.length) {
        throw new SpecError('E_INPUT', `${where}: ${input.weights.length} weights for ${input.x.length} atoms`);
      }
      let s = 0;
      for (let i = 0; i < input.weights.length; i++) {
        const w = input.weights[i];
        if (!Number.isFinite(w) || w < 0)
          throw new SpecError('E_INPUT', `${where}: weight ${i} is ${w}; weights must be finite and ≥ 0`);
        s += w;
      }
      if (!(s > 0)) throw new SpecError('E_INPUT', `${where}: atom weights sum to 0`);
    }
  } else if (input.kind === 'law') {
    const [lo, hi] = input.support;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && hi > lo)) {
      throw new SpecError(
        'E_INPUT',
        `${where}: law support must be [lo, hi] with 0 ≤ lo < hi finite, got [${lo}, ${hi}]`,
      );
    }
    const a = input.atom0 ?? 0;
    if (!(a >= 0 && a < 1)) throw new SpecError('E_INPUT', `${where}: law atom0 must lie in [0, 1), got ${a}`);
  } else {
    throw new SpecError('E_INPUT', `${where}: unknown input measure kind`);
  }
}

/** Normalised discrete measure of an `'atoms'` input. */
export function discreteMeasure(input: { readonly x: Float64Array; readonly weights?: Float64Array }): DiscreteMeasure {
  const n = input.x.length;
  const w = new Float64Array(n);
  if (input.weights === undefined) w.fill(1 / n);
  else {
    let s = 0;
    for (let i = 0; i < n; i++) s += input.weights[i];
    for (let i = 0; i < n; i++) w[i] = input.weights[i] / s;
  }
  return { x: Float64Array.from(input.x), w };
}

/** Mass of the input's atom at 0. */
export function inputAtomAtZero(input: InputMeasure): number {
  if (input.kind === 'mp') return Math.max(0, 1 - 1 / input.samplesPerDim);
  if (input.kind === 'law') return input.atom0 ?? 0;
  const d = discreteMeasure(input);
  let s = 0;
  for (let i = 0; i < d.x.length; i++) if (d.x[i] === 0) s += d.w[i];
  return s;
}

/** An upper bound of the support of the input law. */
export function inputUpperBound(input: InputMeasure): number {
  if (input.kind === 'mp') return (1 + Math.sqrt(input.samplesPerDim)) ** 2;
  if (input.kind === 'law') return input.support[1];
  let m = 0;
  for (let i = 0; i < input.x.length; i++) m = Math.max(m, input.x[i]);
  return m;
}

/** Evaluates a user law's Stieltjes transform anywhere off the real axis via m(ζ̄) = conj m(ζ). */
export function lawStieltjes(law: (z: Complex) => Complex, re: number, im: number): Complex {
  if (im < 0) {
    const v = law({ re, im: -im });
    return { re: v.re, im: -v.im };
  }
  return law({ re, im });
}
