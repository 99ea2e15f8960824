import { SpecError } from '@spec/core';

/** An atom of a limit law: a point mass `mass` at `x`. */
export interface Atom {
  readonly x: number;
  readonly mass: number;
}

/**
 * A limit spectral law sampled on a grid (apps/docs/theory/toolkit.md#marchenko-pastur density recovery): the density of the continuous
 * part at the points `x` (ascending), the atoms with their exact masses, the support intervals of the
 * continuous part, and summary numbers. The trapezoid integral of `density` plus the atoms' masses is 1
 * (to about 1e−4; `mass` reports the trapezoid integral); the solvers never return a law that is off by more
 * than 1e−3 in mass or (where it has a closed form) in mean — they throw `E_CONVERGENCE` instead.
 */
export interface LimitSpectrum {
  /**
   * Grid points, ascending, clustered at the support edges and bisected adaptively where the trapezoid
   * rule needs it (between `grid.points` and 4·`grid.points` of them).
   */
  readonly x: Float64Array;
  /** Density of the continuous part at each grid point (≥ 0, finite). */
  readonly density: Float64Array;
  /** Point masses (e.g. the CK atom max(0, 1 − 1/γ_L) at 0), exact. */
  readonly atoms: readonly Atom[];
  /** Support intervals [lo, hi] of the continuous part, ascending. */
  readonly support: readonly (readonly [number, number])[];
  /**
   * Mean ∫ x ν(dx) (trapezoid on the grid plus atoms), within 1e−3 (relative) of the closed form
   * r + Σ q_ℓ·mean(μ_ℓ) — 1 for a CK and Σ_{k=0}^{L} a^k for an NTK with an MP input — when there is one.
   */
  readonly mean: number;
  /** Trapezoid integral of `density` (should be 1 − Σ atom masses). */
  readonly mass: number;
  /** The imaginary part η at which m(x + iη) was evaluated (smaller near a hard edge at the lower end). */
  readonly eta: number;
  /**
   * Set when the law could only be resolved with the input's eigenvalues below `below` (total mass `mass`) set
   * to zero (see {@link kernelLimit}): the law is exact except on [lower, lower + q₀·below].
   */
  readonly inputZeroed?: { readonly below: number; readonly mass: number };
}

/** Trapezoid integral of the density on the spectrum's grid. */
export function trapezoid(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += 0.5 * (x[i] - x[i - 1]) * (y[i] + y[i - 1]);
  return s;
}

/**
 * Cumulative trapezoid of the continuous part, rescaled so its total is exactly 1 − Σ atoms (the atoms'
 * masses are exact; the rescaling removes the ~1e−4 quadrature defect so the CDF ends at 1).
 */
export function continuousCumulative(spectrum: LimitSpectrum): Float64Array {
  const { x, density } = spectrum;
  const c = new Float64Array(x.length);
  for (let i = 1; i < x.length; i++) c[i] = c[i - 1] + 0.5 * (x[i] - x[i - 1]) * (density[i] + density[i - 1]);
  const total = c[x.length - 1];
  const want = 1 - spectrum.atoms.reduce((s, a) => s + a.mass, 0);
  if (total > 0) for (let i = 0; i < c.length; i++) c[i] *= want / total;
  return c;
}

/** Continuous part of the CDF at t, from a precomputed cumulative (piecewise-linear density). */
export function continuousCdfAt(spectrum: LimitSpectrum, cum: Float64Array, t: number): number {
  const { x, density } = spectrum;
  const n = x.length;
  if (n === 0 || t <= x[0]) return 0;
  if (t >= x[n - 1]) return cum[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= t) lo = mid;
    else hi = mid;
  }
  const h = x[hi] - x[lo];
  const s = t - x[lo];
  const rhoT = density[lo] + ((density[hi] - density[lo]) * s) / h;
  const scale = cum[n - 1] > 0 && spectrum.mass > 0 ? cum[n - 1] / spectrum.mass : 1;
  return cum[lo] + 0.5 * s * (density[lo] + rhoT) * scale;
}

/**
 * CDF ν((−∞, t]) of a limit law: cumulative trapezoid of the density plus the atoms at x ≤ t
 * (apps/docs/theory/fan-wang.md#ntk-fixed-point "compare through the CDF").
 */
export function limitCdf(spectrum: LimitSpectrum, t: number): number {
  if (Number.isNaN(t)) throw new SpecError('E_INPUT', 'limitCdf: t is NaN');
  const cum = continuousCumulative(spectrum);
  let f = continuousCdfAt(spectrum, cum, t);
  for (const a of spectrum.atoms) if (a.x <= t) f += a.mass;
  return Math.min(1, Math.max(0, f));
}

/** Quantile inf{t : F(t) ≥ p} of a limit law (bisection on {@link limitCdf}, to 1e−12 of the range). */
export function limitQuantile(spectrum: LimitSpectrum, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new SpecError('E_INPUT', `limitQuantile: p must lie in [0, 1], got ${p}`);
  const cum = continuousCumulative(spectrum);
  const cdf = (t: number): number => {
    let f = continuousCdfAt(spectrum, cum, t);
    for (const a of spectrum.atoms) if (a.x <= t) f += a.mass;
    return f;
  };
  const xs = spectrum.x;
  let lo = Math.min(xs.length ? xs[0] : 0, ...spectrum.atoms.map((a) => a.x));
  let hi = Math.max(xs.length ? xs[xs.length - 1] : 0, ...spectrum.atoms.map((a) => a.x));
  if (cdf(lo) >= p) return lo;
  const tol = 1e-12 * Math.max(1, Math.abs(hi));
  for (let i = 0; i < 200 && hi - lo > tol; i++) {
    const mid = 0.5 * (lo + hi);
    if (cdf(mid) >= p) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Moments m_0..m_k of a limit law: trapezoid ∫ x^j ρ(x) dx on the grid plus Σ atoms mass·x^j
 * (apps/docs/theory/fan-wang.md#ck-limit / apps/docs/theory/fan-wang.md#ntk-surrogate moment checks). m_0 is the total mass as computed (≈ 1). Index = order.
 */
export function limitMoments(spectrum: LimitSpectrum, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 0)
    throw new SpecError('E_INPUT', `limitMoments: order k must be an integer ≥ 0, got ${k}`);
  const { x, density } = spectrum;
  const out = new Float64Array(k + 1);
  for (let j = 0; j <= k; j++) {
    let s = 0;
    for (let i = 1; i < x.length; i++) {
      s += 0.5 * (x[i] - x[i - 1]) * (density[i] * x[i] ** j + density[i - 1] * x[i - 1] ** j);
    }
    for (const a of spectrum.atoms) s += a.mass * a.x ** j;
    out[j] = s;
  }
  return out;
}
