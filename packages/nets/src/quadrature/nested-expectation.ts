import { SpecError } from '@spec/core';
import type { QuadratureRule } from './gauss-hermite.js';
import { compositeGaussianRule, correlation } from './gaussian-expectation.js';
import { gaussLegendre } from './gauss-legendre.js';

/** Panel length of the composite rules in ξ-space away from the special points (as in gaussianRule). */
const PANEL = 1.5;
/** Both rules stop at |ξ| = 10: the N(0, 1) mass beyond is 1.5e−23, far below the 1e−11 the tables need. */
const TRUNCATION = 10;

/**
 * Composite Gauss–Legendre rule for `E f(ξ)`, ξ ~ N(0, 1), cut at each of `points` and graded geometrically towards
 * them: cuts at p ± w, p ± 2w, p ± 4w, … up to the panel length 1.5, where `w` is the width over which f turns near a
 * point (apps/docs/theory/toolkit.md#normalised-activations: "split the integral at kinks"). A kink needs no grading
 * (w ≥ 1.5); a function steep on a scale w around p, or a kink smoothed over w, gets O(log(1/w)) extra panels instead
 * of O(1/w).
 */
export function gradedGaussianRule(
  points: ReadonlyArray<{ readonly at: number; readonly width: number }>,
): QuadratureRule {
  const cuts = gradedCuts(points);
  return compositeGaussianRule(cuts.slice(1, -1), PANEL, TRUNCATION);
}

const GL = gaussLegendre(24);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** The cuts of {@link gradedGaussianRule}, the ends ±10 included, ascending. */
function gradedCuts(points: ReadonlyArray<{ readonly at: number; readonly width: number }>): number[] {
  const breaks: number[] = [];
  for (const { at, width } of points) {
    if (!Number.isFinite(at)) continue;
    breaks.push(at);
    if (width > 0) for (let h = width; h < PANEL; h *= 2) breaks.push(at - h, at + h);
  }
  const inside = breaks.filter((b) => b > -TRUNCATION && b < TRUNCATION).sort((a, b) => a - b);
  return [-TRUNCATION, ...inside, TRUNCATION];
}

/** Options of {@link nestedGaussianExpectation2}. */
export interface NestedExpectationOptions {
  /**
   * Points (in the argument of f) where f is not smooth, or turns on the scale 1 (0 for tanh-like φ): both rules are
   * cut there and graded towards them (kinks at κ/√q and turns of width 1/√q in ξ).
   */
  readonly kinks?: ReadonlyArray<number>;
  /** f(x) and g(x) at once into out[0], out[1] (e.g. an activation's `valueAndDeriv`), when cheaper than two calls. */
  readonly both?: (x: number, out: Float64Array) => void;
}

/**
 * `E f(u) f(v)` and `E g(u) g(v)` for `(u, v) ~ N(0, [[q1, c], [c, q2]])` by two nested 1-D rules
 * (apps/docs/theory/toolkit.md#gaussian-kernel-maps): `u = √q1 z`, `v = √q2 (ρ z + √(1−ρ²) w)`, the inner expectation
 * over w for each outer node z. Each rule is a {@link gradedGaussianRule}: in w cut at `(κ/√q2 − ρ z)/√(1−ρ²)` and
 * graded over the width 1/(√q2 √(1−ρ²)); in z cut at `κ/√q1` (graded over 1/√q1) and at `κ/(ρ√q2)`, where the inner
 * mean turns over a width √(1−ρ²)/|ρ| (and 1/(|ρ|√q2)). Piecewise-smooth f, g are integrated to ~1e−13; used to
 * tabulate duals once per pair of variances, never per pair of a dataset.
 *
 * @returns [E f(u) f(v), E g(u) g(v)]
 * @throws SpecError `E_INPUT` for a covariance that is not one, or a non-finite integrand
 */
export function nestedGaussianExpectation2(
  f: (x: number) => number,
  g: (x: number) => number,
  cov: { readonly q1: number; readonly q2: number; readonly c: number },
  options: NestedExpectationOptions = {},
): [number, number] {
  const both = options.both;
  const fg = new Float64Array(2);
  const at = (x: number): void => {
    if (both !== undefined) both(x, fg);
    else {
      fg[0] = f(x);
      fg[1] = g(x);
    }
    if (!Number.isFinite(fg[0]) || !Number.isFinite(fg[1]))
      throw new SpecError(
        'E_INPUT',
        `nestedGaussianExpectation2: the integrand is not finite (${fg[0]}, ${fg[1]}) at ${x}`,
      );
  };
  const { q1, q2, c } = cov;
  const rho = correlation(q1, q2, c, 'nestedGaussianExpectation2');
  const s1 = Math.sqrt(q1);
  const s2 = Math.sqrt(q2);
  const r = Math.sqrt(Math.max(0, 1 - rho * rho));
  const kinks = options.kinks ?? [];
  const outerPoints: Array<{ at: number; width: number }> = [];
  for (const k of kinks) {
    if (s1 > 0) outerPoints.push({ at: k / s1, width: 1 / s1 });
    if (s2 * rho !== 0) {
      const at = k / (s2 * rho);
      outerPoints.push({ at, width: r / Math.abs(rho) }, { at, width: 1 / Math.abs(s2 * rho) });
    }
  }
  const outer = gradedGaussianRule(outerPoints);
  let totalF = 0;
  let totalG = 0;
  for (let i = 0; i < outer.nodes.length; i++) {
    const z = outer.nodes[i];
    const wz = outer.weights[i];
    if (wz < 1e-300) continue;
    at(s1 * z);
    const fu = fg[0];
    const gu = fg[1];
    let innerF = 0;
    let innerG = 0;
    if (r === 0 || s2 === 0) {
      at(s2 * rho * z);
      innerF = fg[0];
      innerG = fg[1];
    } else {
      const mean = rho * z;
      const width = 1 / (s2 * r);
      // The graded rule in w, generated panel by panel without materialising it (this loop is the whole cost).
      const cuts = gradedCuts(kinks.map((k) => ({ at: (k / s2 - mean) / r, width })));
      for (let p = 0; p + 1 < cuts.length; p++) {
        const lo = cuts[p];
        const hi = cuts[p + 1];
        if (!(hi > lo)) continue;
        const panels = Math.max(1, Math.ceil((hi - lo) / PANEL));
        const h = (hi - lo) / panels;
        for (let t = 0; t < panels; t++) {
          const a = lo + t * h;
          for (let j = 0; j < GL.nodes.length; j++) {
            const w = a + 0.5 * h * (GL.nodes[j] + 1);
            const ww = 0.5 * h * GL.weights[j] * INV_SQRT_2PI * Math.exp(-0.5 * w * w);
            at(s2 * (mean + r * w));
            innerF += ww * fg[0];
            innerG += ww * fg[1];
          }
        }
      }
    }
    totalF += wz * fu * innerF;
    totalG += wz * gu * innerG;
  }
  return [totalF, totalG];
}
