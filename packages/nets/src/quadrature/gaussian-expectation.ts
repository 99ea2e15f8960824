import { SpecError } from '@spec/core';
import { gaussHermite, type QuadratureRule } from './gauss-hermite.js';
import { gaussLegendre } from './gauss-legendre.js';

/** Options of {@link gaussianRule} and {@link gaussianExpectation}. */
export interface GaussianRuleOptions {
  /**
   * Points where the integrand is not smooth (apps/docs/theory/toolkit.md#normalised-activations). With kinks the line
   * is cut there and integrated by composite Gauss–Legendre against the density; without, Gauss–Hermite is used.
   */
  readonly kinks?: ReadonlyArray<number>;
  /**
   * Gauss–Hermite degree for smooth integrands (default 200, apps/docs/theory/toolkit.md#normalised-activations:
   * "100–200 nodes").
   */
  readonly degree?: number;
}

/** Half-width of the truncated line for kinked integrands: the N(0,1) tail beyond 14 is < 1e-44. */
const TRUNCATION = 14;
/** Panel length and nodes per panel of the composite rule: 24-node Legendre on length ≤ 1.5 panels
 * integrates the Gaussian density times a polynomial of degree ≤ 20 to rounding error. */
const PANEL = 1.5;
const PANEL_NODES = 24;

const kinkedCache = new Map<string, QuadratureRule>();

/**
 * A quadrature rule for `E f(ξ)`, ξ ~ N(0, 1): weights already include the density and sum to 1 (to rounding). Smooth
 * integrands: Gauss–Hermite (Golub–Welsch). Kinked ones: the line [−14, 14] is split at the kinks and into panels of
 * length ≤ 1.5, each integrated by 24-node Gauss–Legendre with the density folded into the weights
 * (apps/docs/theory/toolkit.md#normalised-activations: "split the integral at kinks"). Cached; read-only arrays.
 */
export function gaussianRule(options: GaussianRuleOptions = {}): QuadratureRule {
  const kinks = (options.kinks ?? []).filter((k) => Math.abs(k) < TRUNCATION);
  for (const k of options.kinks ?? []) {
    if (!Number.isFinite(k)) throw new SpecError('E_INPUT', `gaussianRule: kink ${k} is not a finite number`);
  }
  if (kinks.length === 0) return gaussHermite(options.degree ?? 200);
  const sorted = [...new Set(kinks)].sort((a, b) => a - b);
  const key = sorted.join(',');
  const hit = kinkedCache.get(key);
  if (hit !== undefined) return hit;
  const rule = compositeGaussianRule(sorted, PANEL);
  kinkedCache.set(key, rule);
  return rule;
}

/**
 * Composite Gauss–Legendre rule for `E f(ξ)`, ξ ~ N(0, 1), on [−T, T] (T = `truncation`, default 14) cut at `breaks`
 * (sorted; those outside the interval are ignored)
 * and into panels of length ≤ `panel`, 24 nodes each, the density folded into the weights
 * (apps/docs/theory/toolkit.md#normalised-activations: "split the integral at kinks"). Not cached.
 */
export function compositeGaussianRule(
  breaks: ReadonlyArray<number>,
  panel: number,
  truncation = TRUNCATION,
): QuadratureRule {
  const cuts = [-truncation, ...breaks.filter((b) => b > -truncation && b < truncation), truncation];
  const { nodes: gl, weights: glw } = gaussLegendre(PANEL_NODES);
  const xs: number[] = [];
  const ws: number[] = [];
  const norm = 1 / Math.sqrt(2 * Math.PI);
  for (let p = 0; p + 1 < cuts.length; p++) {
    const lo = cuts[p];
    const hi = cuts[p + 1];
    if (!(hi > lo)) continue;
    const panels = Math.max(1, Math.ceil((hi - lo) / panel));
    const h = (hi - lo) / panels;
    for (let q = 0; q < panels; q++) {
      const a = lo + q * h;
      for (let i = 0; i < PANEL_NODES; i++) {
        const x = a + 0.5 * h * (gl[i] + 1);
        xs.push(x);
        ws.push(0.5 * h * glw[i] * norm * Math.exp(-0.5 * x * x));
      }
    }
  }
  return { nodes: Float64Array.from(xs), weights: Float64Array.from(ws) };
}

/**
 * `E f(ξ)` for ξ ~ N(0, 1) by {@link gaussianRule} (apps/docs/theory/toolkit.md#normalised-activations). Throws
 * `E_INPUT` when f returns a non-finite value at a node.
 */
export function gaussianExpectation(f: (x: number) => number, options: GaussianRuleOptions = {}): number {
  const { nodes, weights } = gaussianRule(options);
  let s = 0;
  for (let i = 0; i < nodes.length; i++) {
    if (weights[i] === 0) continue;
    const v = f(nodes[i]);
    if (!Number.isFinite(v)) {
      throw new SpecError('E_INPUT', `gaussianExpectation: the integrand is not finite (${v}) at x = ${nodes[i]}`);
    }
    s += weights[i] * v;
  }
  return s;
}

/**
 * `E f(u, v)` for `(u, v) ~ N(0, [[q1, c], [c, q2]])` by tensor Gauss–Hermite
 * (apps/docs/theory/toolkit.md#gaussian-kernel-maps): `u = √q1 z_i`, `v = √q2 (ρ z_i + √(1−ρ²) z_j)`, `ρ = c/√(q1 q2)`.
 * About 1e−12 for smooth f with 60–100 nodes per axis; kinked f converges only algebraically (use a closed-form dual
 * there).
 *
 * @param degree nodes per axis (default 80)
 * @throws SpecError `E_INPUT` for negative variances, |c| > √(q1 q2), or a non-finite integrand
 */
export function gaussianExpectation2(
  f: (u: number, v: number) => number,
  q1: number,
  q2: number,
  c: number,
  degree = 80,
): number {
  const rho = correlation(q1, q2, c, 'gaussianExpectation2');
  const { nodes, weights } = gaussHermite(degree);
  const s1 = Math.sqrt(q1);
  const s2 = Math.sqrt(q2);
  const r2 = Math.sqrt(Math.max(0, 1 - rho * rho));
  let total = 0;
  for (let i = 0; i < nodes.length; i++) {
    const wi = weights[i];
    if (wi < 1e-300) continue;
    const u = s1 * nodes[i];
    const base = rho * nodes[i];
    let row = 0;
    for (let j = 0; j < nodes.length; j++) {
      const wj = weights[j];
      if (wj < 1e-300) continue;
      const val = f(u, s2 * (base + r2 * nodes[j]));
      if (!Number.isFinite(val)) {
        throw new SpecError('E_INPUT', `gaussianExpectation2: the integrand is not finite (${val}) at u = ${u}`);
      }
      row += wj * val;
    }
    total += wi * row;
  }
  return total;
}

/**
 * Validates a 2 × 2 covariance and returns ρ = c/√(q1 q2), clamped to [−1, 1] (0 when a variance is 0).
 * Throws `E_INPUT` on negative or non-finite entries or |c| beyond √(q1 q2) by more than rounding.
 */
export function correlation(q1: number, q2: number, c: number, where: string): number {
  if (!Number.isFinite(q1) || !Number.isFinite(q2) || !Number.isFinite(c) || q1 < 0 || q2 < 0) {
    throw new SpecError(
      'E_INPUT',
      `${where}: need finite variances q1, q2 ≥ 0 and covariance c, got q1 = ${q1}, q2 = ${q2}, c = ${c}`,
    );
  }
  const s = Math.sqrt(q1 * q2);
  if (s === 0) {
    if (Math.abs(c) > 1e-12) throw new SpecError('E_INPUT', `${where}: covariance c = ${c} with a zero variance`);
    return 0;
  }
  const rho = c / s;
  if (Math.abs(rho) > 1 + 1e-9) {
    throw new SpecError('E_INPUT', `${where}: |c| = ${Math.abs(c)} exceeds √(q1 q2) = ${s}; not a covariance matrix`);
  }
  return Math.max(-1, Math.min(1, rho));
}
