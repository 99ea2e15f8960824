import { SpecError } from '@spec/core';
import { compositeGaussianRule, correlation } from './gaussian-expectation.js';

/** Options of {@link nestedGaussianExpectation2}. */
export interface NestedExpectationOptions {
  /** Points where f or g (as functions of their argument) are not smooth; both rules are cut there. */
  readonly kinks?: ReadonlyArray<number>;
  /**
   * Largest √q the panels are shrunk for (default 1): panels are 1.5/min(max(1, √q), steepness) long in ξ, so that a
   * function steep on the scale 1 in its argument is resolved at large variances. 1 for kinked, piecewise gentle φ.
   */
  readonly steepness?: number;
}

/** Panel length of the composite rules in ξ-space at unit scale (as in gaussianRule). */
const PANEL = 1.5;

/**
 * `E f(u) g(v)` for `(u, v) ~ N(0, [[q1, c], [c, q2]])` by two nested 1-D rules
 * (apps/docs/theory/toolkit.md#gaussian-kernel-maps): `u = √q1 z`, `v = √q2 (ρ z + √(1−ρ²) w)`, the inner expectation
 * over w for each outer node z, each rule composite Gauss–Legendre cut at the kinks (in w they sit at
 * `(κ/√q2 − ρ z)/√(1−ρ²)`, in z at `κ/√q1` and `κ/(ρ√q2)`, with panels graded geometrically towards the latter down
 * to the width √(1−ρ²)/|ρ| over which the inner mean turns). Piecewise-smooth f, g are integrated to ~1e−12; used to
 * tabulate duals of kinked activations, never per pair of a dataset.
 *
 * @throws SpecError `E_INPUT` for a covariance that is not one, or a non-finite integrand
 */
export function nestedGaussianExpectation2(
  f: (u: number) => number,
  g: (v: number) => number,
  cov: { readonly q1: number; readonly q2: number; readonly c: number },
  options: NestedExpectationOptions = {},
): number {
  const { q1, q2, c } = cov;
  const s1 = Math.sqrt(q1);
  const s2 = Math.sqrt(q2);
  const rho = correlation(q1, q2, c, 'nestedGaussianExpectation2');
  const r = Math.sqrt(Math.max(0, 1 - rho * rho));
  const kinks = options.kinks ?? [];
  const steep = options.steepness ?? 1;
  const panelFor = (scale: number): number => PANEL / Math.min(Math.max(1, scale), Math.max(1, steep));
  const outerBreaks: number[] = [];
  for (const k of kinks) {
    if (s1 > 0) outerBreaks.push(k / s1);
    if (s2 * rho !== 0) {
      const at = k / (s2 * rho);
      outerBreaks.push(at);
      // The inner mean over w is a kink smoothed over a width r/|ρ| in z: grade the panels towards it geometrically.
      const width = r / Math.abs(rho);
      if (width > 0) for (let h = width; h < PANEL; h *= 2) outerBreaks.push(at - h, at + h);
    }
  }
  outerBreaks.sort((a, b) => a - b);
  const outer = compositeGaussianRule(outerBreaks, panelFor(Math.max(s1, s2 * Math.abs(rho))));
  const innerPanel = panelFor(s2 * r);
  let total = 0;
  for (let i = 0; i < outer.nodes.length; i++) {
    const z = outer.nodes[i];
    const wz = outer.weights[i];
    if (wz < 1e-300) continue;
    const fu = checked(f(s1 * z), s1 * z);
    if (fu === 0) continue;
    let inner: number;
    if (r === 0 || s2 === 0) {
      inner = checked(g(s2 * rho * z), s2 * rho * z);
    } else {
      const mean = rho * z;
      const breaks = kinks.map((k) => (k / s2 - mean) / r).sort((a, b) => a - b);
      const rule = compositeGaussianRule(breaks, innerPanel);
      inner = 0;
      for (let j = 0; j < rule.nodes.length; j++) {
        const ww = rule.weights[j];
        if (ww < 1e-300) continue;
        const v = s2 * (mean + r * rule.nodes[j]);
        inner += ww * checked(g(v), v);
      }
    }
    total += wz * fu * inner;
  }
  return total;
}

function checked(v: number, x: number): number {
  if (!Number.isFinite(v))
    throw new SpecError('E_INPUT', `nestedGaussianExpectation2: the integrand is not finite (${v}) at ${x}`);
  return v;
}
