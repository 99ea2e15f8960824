import { SpecError } from '@spec/core';
import { type Complex, cdiv, cmul, csqrt } from './complex.js';

/**
 * Marchenko–Pastur law of the n × n Gram matrix GᵀG/d, G ∈ R^{d×n} with i.i.d. N(0, 1) entries, γ = `samplesPerDim` =
 * n/d (apps/docs/theory/toolkit.md#marchenko-pastur, apps/docs/theory/reference-values.md#mp-law). Stieltjes sign m(z)
 * = ∫ μ(dx)/(x − z).
 */

function checkRatio(samplesPerDim: number): void {
  if (!Number.isFinite(samplesPerDim) || samplesPerDim <= 0) {
    throw new SpecError('E_INPUT', `samplesPerDim (γ = n/d) must be a finite number > 0, got ${samplesPerDim}`);
  }
}

/** Edges [(1 − √γ)², (1 + √γ)²] of the continuous part of the MP law (apps/docs/theory/toolkit.md#marchenko-pastur). */
export function mpEdges(samplesPerDim: number): [number, number] {
  checkRatio(samplesPerDim);
  const s = Math.sqrt(samplesPerDim);
  return [(1 - s) * (1 - s), (1 + s) * (1 + s)];
}

/** Mass max(0, 1 − 1/γ) of the MP atom at 0 (apps/docs/theory/toolkit.md#marchenko-pastur). */
export function mpAtom(samplesPerDim: number): number {
  checkRatio(samplesPerDim);
  return Math.max(0, 1 - 1 / samplesPerDim);
}

/**
 * Density √((x₊ − x)(x − x₋)) / (2πγx) of the continuous part on [x₋, x₊], 0 elsewhere
 * (apps/docs/theory/toolkit.md#marchenko-pastur). It integrates to 1 − {@link mpAtom}.
 */
export function mpDensity(x: number, samplesPerDim: number): number {
  const [lo, hi] = mpEdges(samplesPerDim);
  if (Number.isNaN(x)) throw new SpecError('E_INPUT', 'mpDensity: x is NaN');
  if (x <= lo || x >= hi || x <= 0) return 0;
  return Math.sqrt((hi - x) * (x - lo)) / (2 * Math.PI * samplesPerDim * x);
}

/**
 * Antiderivative of √((b − x)(x − a))/x on [a, b] (a ≥ 0):
 * f + ((a+b)/2)·asin((2x − a − b)/(b − a)) − √(ab)·asin(((a+b)x − 2ab)/(x(b − a))), f = √((b − x)(x − a)),
 * with each asin written as atan2 (its cosine is 2f/(b − a) and 2√(ab)f/(x(b − a))) so it stays accurate
 * at the edges, where asin's argument is ±1.
 */
function mpPrimitive(x: number, a: number, b: number): number {
  const f = Math.sqrt(Math.max(0, (b - x) * (x - a)));
  const ab = Math.sqrt(a * b);
  const first = ((a + b) / 2) * Math.atan2(2 * x - a - b, 2 * f);
  const second = ab === 0 ? 0 : ab * Math.atan2((a + b) * x - 2 * a * b, 2 * ab * f);
  return f + first - second;
}

/** CDF P(λ ≤ x) of the MP law, atom at 0 included, in closed form (apps/docs/theory/toolkit.md#marchenko-pastur). */
export function mpCdf(x: number, samplesPerDim: number): number {
  const [lo, hi] = mpEdges(samplesPerDim);
  if (Number.isNaN(x)) throw new SpecError('E_INPUT', 'mpCdf: x is NaN');
  if (x < 0) return 0;
  const atom = mpAtom(samplesPerDim);
  if (x <= lo) return atom;
  if (x >= hi) return 1;
  const cont = (mpPrimitive(x, lo, hi) - mpPrimitive(lo, lo, hi)) / (2 * Math.PI * samplesPerDim);
  return Math.min(1, atom + Math.max(0, cont));
}

/**
 * Quantile inf{x : F(x) ≥ p} of the MP law (bisection on {@link mpCdf} to 1e−14 relative);
 * 0 for p ≤ the atom's mass.
 */
export function mpQuantile(p: number, samplesPerDim: number): number {
  if (!(p >= 0 && p <= 1)) throw new SpecError('E_INPUT', `mpQuantile: p must lie in [0, 1], got ${p}`);
  const [lo, hi] = mpEdges(samplesPerDim);
  if (p <= mpAtom(samplesPerDim)) return 0;
  if (p >= 1) return hi;
  let a = lo;
  let b = hi;
  for (let i = 0; i < 200 && b - a > 1e-15 * hi; i++) {
    const m = 0.5 * (a + b);
    if (mpCdf(m, samplesPerDim) < p) a = m;
    else b = m;
  }
  return 0.5 * (a + b);
}

/**
 * Moments m_0..m_k of the MP law (Narayana polynomials, m_j = Σ_{i<j} γ^i C(j,i) C(j−1,i)/(i+1)); m_1 = 1, m_2 = 1 + γ,
 * m_3 = 1 + 3γ + γ² (apps/docs/theory/toolkit.md#marchenko-pastur). Index = order.
 */
export function mpMoments(samplesPerDim: number, k: number): Float64Array {
  checkRatio(samplesPerDim);
  if (!Number.isInteger(k) || k < 0)
    throw new SpecError('E_INPUT', `mpMoments: order k must be an integer ≥ 0, got ${k}`);
  const binom = (n: number, r: number): number => {
    let c = 1;
    for (let i = 1; i <= r; i++) c = (c * (n - r + i)) / i;
    return c;
  };
  const out = new Float64Array(k + 1);
  out[0] = 1;
  for (let j = 1; j <= k; j++) {
    let s = 0;
    for (let i = 0; i < j; i++) s += (Math.pow(samplesPerDim, i) * binom(j, i) * binom(j - 1, i)) / (i + 1);
    out[j] = s;
  }
  return out;
}

/**
 * Stieltjes transform m(z) = ∫ μ(dx)/(x − z) of the MP law: the root of γ z m² + (z − 1 + γ) m + 1 = 0
 * (apps/docs/theory/toolkit.md#marchenko-pastur) written as m = (1 − γ − z + √(z − x₋)·√(z − x₊)) / (2γz) with
 * principal square roots, which is the branch analytic off [x₋, x₊] with m ~ −1/z. Valid on all of C off the support
 * (m(z̄) = conj m(z)); on the support (Im z = 0) it returns the limit from C⁺. The pole at z = 0 (γ > 1) is the atom: m
 * ≈ −(1 − 1/γ)/z.
 */
export function mpStieltjes(z: Complex, samplesPerDim: number): Complex {
  const [lo, hi] = mpEdges(samplesPerDim);
  if (!Number.isFinite(z.re) || !Number.isFinite(z.im)) throw new SpecError('E_INPUT', 'mpStieltjes: z must be finite');
  if (z.re === 0 && z.im === 0) {
    throw new SpecError(
      'E_INPUT',
      'mpStieltjes: z = 0 is a singular point (the atom / hard edge); use z with Im z > 0',
    );
  }
  const g = samplesPerDim;
  // Keep the sign of Im z on both factors (an exact 0 imaginary part means the C⁺ limit).
  const root = cmul(csqrt({ re: z.re - lo, im: z.im }), csqrt({ re: z.re - hi, im: z.im }));
  const num = { re: 1 - g - z.re + root.re, im: -z.im + root.im };
  return cdiv(num, { re: 2 * g * z.re, im: 2 * g * z.im });
}
