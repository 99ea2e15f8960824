import { SpecError, type Activation, type DualActivation } from '@spec/core';
import { angleChebyshev, type AngleChebyshev } from '../quadrature/angle-chebyshev.js';
import { correlation } from '../quadrature/gaussian-expectation.js';
import { hermiteProjection, type HermiteProjection } from '../quadrature/hermite-projection.js';
import { gradedGaussianRule, nestedGaussianExpectation2 } from '../quadrature/nested-expectation.js';

/**
 * Accuracy of the tabulated dual, relative to √(E φ(u)² E φ(v)²) (resp. the same for φ′): the Parseval remainder of
 * each Hermite expansion, the |ρ|^{K+1} truncation of each pair, and the last Chebyshev coefficients of an angle table
 * are all held below it (apps/docs/theory/toolkit.md#gaussian-kernel-maps).
 */
export const TABULATED_DUAL_TOLERANCE = 1e-11;

/** The Gaussian data of one variance q, from {@link TabulatedDual.expansion}. */
export interface VarianceExpansion {
  readonly q: number;
  /** Hermite coefficients of ξ ↦ φ(√q ξ), or null when the angle tables must be used (kinks, or too steep). */
  readonly value: HermiteProjection | null;
  /** Hermite coefficients of ξ ↦ φ′(√q ξ), or null likewise. */
  readonly derivative: HermiteProjection | null;
  /** E φ(√q ξ)², the dual on the diagonal. */
  readonly valueDiagonal: number;
  /** E φ′(√q ξ)². */
  readonly derivativeDiagonal: number;
}

/** What {@link TabulatedDual.expansion} must at least provide. */
export interface ExpansionNeed {
  readonly degree: number;
}

/** A dual computed from the activation alone (no closed form), from {@link tabulatedDual}. */
export interface TabulatedDual extends DualActivation {
  /** out[0] = E φ(u)φ(v), out[1] = E φ′(u)φ′(v) for (u, v) ~ N(0, [[q1, c], [c, q2]]). */
  both(q1: number, q2: number, c: number, out: Float64Array): void;
  /**
   * The per-variance data (cached); `need` asks for Hermite coefficients up to at least that degree (so that a pair's
   * Mehler sums can run to the larger degree of its two variances).
   */
  expansion(q: number, need?: ExpansionNeed): VarianceExpansion;
  /** True when pairs at these variances go through an angle table (built once per pair of variances). */
  needsTable(q1: number, q2: number): boolean;
}

const duals = new WeakMap<Activation, TabulatedDual>();
/** Bounds on the caches: past them they are emptied (a dataset has one variance per sample and layer). */
const MAX_EXPANSIONS = 1 << 16;
const MAX_TABLES = 1 << 12;

/**
 * The Gaussian dual of an activation without a closed form (apps/docs/theory/toolkit.md#gaussian-kernel-maps),
 * tabulated once per variance instead of integrated per pair:
 *
 * - smooth φ (no `kinks`): the Hermite coefficients a_k(q) = E[φ(√q ξ) h_k(ξ)] and b_k(q) of φ′ per variance
 *   ({@link hermiteProjection}), and by Mehler's formula `E φ(u)φ(v) = Σ_k a_k(q1) a_k(q2) ρ^k`, truncated where the
 *   Parseval remainders and |ρ|^{K+1} bound the error by {@link TABULATED_DUAL_TOLERANCE} · √(E φ(u)² E φ(v)²);
 * - kinked φ, or smooth φ whose series would need more than 1000 terms at that variance (tanh at q ≳ 10): per pair of
 *   variances (q1, q2), a Chebyshev interpolant in the angle θ = arccos ρ ({@link angleChebyshev}) of values from two
 *   nested kink-split 1-D rules ({@link nestedGaussianExpectation2}), to the same tolerance.
 *
 * On the diagonal (q1 = q2, ρ = 1) it returns the 1-D second moments E φ(√q ξ)², E φ′(√q ξ)² directly. Cached per
 * activation object.
 *
 * @throws SpecError `E_INPUT` (when evaluated) for a non-covariance or non-finite φ
 */
export function tabulatedDual(act: Activation): TabulatedDual {
  const hit = duals.get(act);
  if (hit !== undefined) return hit;
  const kinks = act.kinks ?? [];
  const kinked = kinks.length > 0;
  const expansions = new Map<number, VarianceExpansion>();
  let longest = 0;
  const tables = new Map<string, { value: AngleChebyshev; derivative: AngleChebyshev }>();
  const fn = (x: number): number => act.fn(x);
  const joint = act.valueAndDeriv;
  const valueAndDeriv = joint !== undefined ? { both: (x: number, out: Float64Array) => joint.call(act, x, out) } : {};
  const deriv = (x: number): number => act.deriv(x);

  // Where the quadrature rules are cut and graded: the kinks, or for smooth φ the origin, where tanh-like φ turn (on the
  // scale 1 in x, i.e. 1/√q in ξ: at large q φ(√q ξ) is nearly a step).
  const turns = kinked ? kinks : [0];
  const rule1 = (q: number): { s: number; rule: { nodes: Float64Array; weights: Float64Array } } => {
    const s = Math.sqrt(q);
    return { s, rule: gradedGaussianRule(turns.map((k) => ({ at: k / s, width: 1 / s }))) };
  };
  const secondMoment = (f: (x: number) => number, q: number): number => {
    if (q === 0) return f(0) ** 2;
    const { s, rule } = rule1(q);
    let m2 = 0;
    for (let i = 0; i < rule.nodes.length; i++) m2 += rule.weights[i] * f(s * rule.nodes[i]) ** 2;
    return m2;
  };

  const project = (f: (x: number) => number, q: number, need: ExpansionNeed): HermiteProjection | null =>
    hermiteProjection(f, q, { tolerance: TABULATED_DUAL_TOLERANCE, minDegree: need.degree });

  const expansion = (q: number, need: ExpansionNeed = NO_NEED): VarianceExpansion => {
    const known = expansions.get(q);
    if (known !== undefined && (known.value === null || meets(known, need))) return known;
    // Kinked φ: Hermite coefficients decay algebraically (relu: Σ_{k>K} a_k² ≍ K^{−3/2}); only q = 0 is exact.
    const value = !kinked || q === 0 ? project(fn, q, need) : null;
    const derivative = value !== null ? project(deriv, q, need) : null;
    const ok = value !== null && derivative !== null;
    // A lengthened expansion keeps the diagonal it had, so a point's E φ² does not change with its partners.
    const e: VarianceExpansion = {
      q,
      value: ok ? value : null,
      derivative: ok ? derivative : null,
      valueDiagonal: known?.valueDiagonal ?? (ok ? value.secondMoment : secondMoment(fn, q)),
      derivativeDiagonal: known?.derivativeDiagonal ?? (ok ? derivative.secondMoment : secondMoment(deriv, q)),
    };
    if (expansions.size >= MAX_EXPANSIONS) expansions.clear();
    expansions.set(q, e);
    return e;
  };

  const table = (qa: number, qb: number): { value: AngleChebyshev; derivative: AngleChebyshev } => {
    // E φ(u)φ(v) is symmetric in (u, v) at a given ρ: one table per unordered pair of variances.
    const [q1, q2] = qa <= qb ? [qa, qb] : [qb, qa];
    const key = `${q1},${q2}`;
    let t = tables.get(key);
    if (t !== undefined) return t;
    const e1 = expansion(q1);
    const e2 = expansion(q2);
    const s = Math.sqrt(q1 * q2);
    // One nested integration gives both expectations at a correlation; the two tables share the Lobatto points.
    const atRho = new Map<number, [number, number]>();
    const both = (rho: number): [number, number] => {
      let v = atRho.get(rho);
      if (v === undefined) {
        v = nestedGaussianExpectation2(fn, deriv, { q1, q2, c: rho * s }, { kinks: turns, ...valueAndDeriv });
        atRho.set(rho, v);
      }
      return v;
    };
    // A zero second moment makes the expectation 0 for every ρ (Cauchy–Schwarz).
    const build = (which: 0 | 1, scale: number): AngleChebyshev => {
      if (scale === 0) return { coefficients: Float64Array.of(0), evaluate: () => 0 };
      try {
        return angleChebyshev((rho) => both(rho)[which], { tolerance: TABULATED_DUAL_TOLERANCE * scale });
      } catch (e) {
        if (!(e instanceof SpecError) || e.code !== 'E_CONVERGENCE') throw e;
        throw new SpecError(
          'E_INPUT',
          `dual of "${act.name}" at variances ${q1} and ${q2}: no closed-form dual, and the activation is too steep there for its tabulated dual (a Hermite series would need more than 1000 terms, an angle table more than degree 128); lower the variances — σ_w², σ²_w,in, the input norms, or the depth of a residual network, whose variances grow with depth — or give the activation a closed-form \`dual\``,
          { cause: e },
        );
      }
    };
    t = {
      value: build(0, Math.sqrt(e1.valueDiagonal * e2.valueDiagonal)),
      derivative: build(1, Math.sqrt(e1.derivativeDiagonal * e2.derivativeDiagonal)),
    };
    if (tables.size >= MAX_TABLES) tables.clear();
    tables.set(key, t);
    return t;
  };

  const both = (q1: number, q2: number, c: number, out: Float64Array): void => {
    const rho = correlation(q1, q2, c, `dual of "${act.name}"`);
    let e1 = expansion(q1);
    if (q1 === q2 && (rho === 1 || c === q1)) {
      out[0] = e1.valueDiagonal;
      out[1] = e1.derivativeDiagonal;
      return;
    }
    let e2 = expansion(q2);
    if (e1.value !== null && e2.value !== null) {
      // Both as long, so each sum runs to the larger of the two degrees (mehler). A short one is lengthened to the
      // longest degree met so far, so a point is re-expanded a few times at most, not once per partner.
      const need = needOf([e1, e2]);
      if (!meets(e1, need) || !meets(e2, need)) {
        longest = Math.max(longest, need.degree);
        const all = { degree: longest };
        if (!meets(e1, all)) e1 = expansion(q1, all);
        if (!meets(e2, all)) e2 = expansion(q2, all);
      }
      out[0] = mehler(e1.value!, e2.value!, rho);
      out[1] = mehler(e1.derivative!, e2.derivative!, rho);
      return;
    }
    if (q1 === 0 || q2 === 0) {
      // One side is the constant φ(0) (resp. φ′(0)): E φ(0) φ(v) = φ(0) E φ(v).
      const qv = q1 === 0 ? q2 : q1;
      out[0] = act.fn(0) * mean(fn, qv);
      out[1] = act.deriv(0) * mean(deriv, qv);
      return;
    }
    const t = table(q1, q2);
    out[0] = t.value.evaluate(rho);
    out[1] = t.derivative.evaluate(rho);
  };

  const mean = (f: (x: number) => number, q: number): number => {
    const { s, rule } = rule1(q);
    let m = 0;
    for (let i = 0; i < rule.nodes.length; i++) m += rule.weights[i] * f(s * rule.nodes[i]);
    return m;
  };

  const scratch = new Float64Array(2);
  const dual: TabulatedDual = {
    value(q1, q2, c) {
      both(q1, q2, c, scratch);
      return scratch[0];
    },
    derivative(q1, q2, c) {
      both(q1, q2, c, scratch);
      return scratch[1];
    },
    both,
    expansion(q, need = NO_NEED) {
      if (!(q >= 0) || !Number.isFinite(q))
        throw new SpecError('E_INPUT', `dual of "${act.name}": the variance must be finite and ≥ 0, got ${q}`);
      return expansion(q, need);
    },
    needsTable(q1, q2) {
      return q1 !== 0 && q2 !== 0 && (expansion(q1).value === null || expansion(q2).value === null);
    },
  };
  duals.set(act, dual);
  return dual;
}

const NO_NEED: ExpansionNeed = { degree: 0 };

/** The degree that makes a set of expansions summable together: the largest of their degrees. */
export function needOf(es: ReadonlyArray<VarianceExpansion>): ExpansionNeed {
  let degree = 0;
  for (const e of es) {
    if (e.value === null || e.derivative === null) continue;
    degree = Math.max(degree, e.value.degree, e.derivative.degree);
  }
  return { degree };
}

/** True when an expansion already has coefficients 0..need.degree (or is on the table route). */
export function meets(e: VarianceExpansion, need: ExpansionNeed): boolean {
  if (e.value === null || e.derivative === null) return true;
  return e.value.coefficients.length > need.degree && e.derivative.coefficients.length > need.degree;
}

/**
 * `Σ_{k≤K} a_k b_k ρ^k` (Horner) for two {@link hermiteProjection}s (coefficients missing past a_0 are 0, as for q = 0),
 * K the larger of their degrees, where both Parseval remainders are below the tolerance, so the terms left out are
 * below {@link TABULATED_DUAL_TOLERANCE} · √(E f² E g²) by Cauchy–Schwarz (apps/docs/theory/toolkit.md#gaussian-kernel-maps).
 * A polynomial in ρ: smooth in the covariance, as quadrature over the kernel needs. The caller makes both long enough
 * ({@link meets}).
 */
export function mehler(a: HermiteProjection, b: HermiteProjection, rho: number): number {
  const ca = a.coefficients;
  const cb = b.coefficients;
  const top = Math.min(Math.max(a.degree, b.degree), ca.length - 1, cb.length - 1);
  let s = 0;
  for (let k = top; k >= 0; k--) s = s * rho + ca[k] * cb[k];
  return s;
}

/**
 * The K to which a Mehler sum must run: max(ka, kb), or less where |ρ|^{K+1} ≤ the tolerance — the terms left out are
 * then below |ρ|^{K+1} √(E f² E g²) (used by the matrices, where most pairs have |ρ| well below 1).
 */
export function mehlerDegree(ka: number, kb: number, rho: number): number {
  const top = ka > kb ? ka : kb;
  const cut = mehlerCut(rho);
  return cut < top ? cut : top;
}

/**
 * The degree past which |ρ|^{K+1} ≤ the tolerance (∞ for |ρ| ≥ 1, 0 for ρ = 0): {@link mehlerDegree} is
 * min(max(ka, kb), mehlerCut(ρ)), so a pair's two sums (φ and φ′) share one logarithm.
 */
export function mehlerCut(rho: number): number {
  const r = Math.abs(rho);
  if (r >= 1) return Infinity;
  if (r === 0) return 0;
  const cut = Math.ceil(LOG_TOLERANCE / Math.log(r)) - 1;
  return cut > 0 ? cut : 0;
}

const LOG_TOLERANCE = Math.log(TABULATED_DUAL_TOLERANCE);
