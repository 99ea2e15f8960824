import { SpecError } from '@spec/core';
import { gaussHermite } from './gauss-hermite.js';

/** Hermite coefficients of `f(√q ξ)`, ξ ~ N(0, 1), from {@link hermiteProjection}. */
export interface HermiteProjection {
  /** a_k = E[f(√q ξ) h_k(ξ)] in the orthonormal basis h_k = He_k/√k!, k = 0..max(degree, minDegree). */
  readonly coefficients: Float64Array;
  /** The first degree K whose Parseval remainder is below the tolerance. */
  readonly degree: number;
  /** Nodes of the Gauss–Hermite rule used (0 for q = 0, where a_0 = f(0) is exact). */
  readonly nodes: number;
  /** E f(√q ξ)², by the same rule. */
  readonly secondMoment: number;
  /** Parseval remainder E f² − Σ_{k≤degree} a_k² (clamped at 0): what the truncation leaves out. */
  readonly tail: number;
}

/** Options of {@link hermiteProjection}. */
export interface HermiteProjectionOptions {
  /** Stop at the first K whose Parseval remainder is ≤ tolerance · E f² (default 1e−11). */
  readonly tolerance?: number;
  /** Return at least the coefficients 0..minDegree (default 0), so two projections can be made the same length. */
  readonly minDegree?: number;
}

/**
 * Gauss–Hermite rules tried in turn, and the highest degree each may give: K ≤ nodes/4, so that f·h_k is integrated far
 * below the rule's exactness degree 2·nodes − 1 (tanh at q = 16 still differs by 3e−7 between 800 and 1200 nodes at
 * k = 300, but agrees to 1e−13 at q ≤ 4 and k ≤ nodes/4).
 */
const LADDER: ReadonlyArray<number> = [128, 400, 800, 1200, 2000, 4000];

/** The highest Hermite degree {@link hermiteProjection} ever uses. */
export const HERMITE_PROJECTION_MAX_DEGREE = LADDER[LADDER.length - 1] / 4;

/**
 * Nodes beyond |x| = 13 are left out: by Cramér's inequality |h_k(x)| ≤ 1.09 e^{x²/4}, and a Gauss–Hermite weight is
 * about e^{−x²/2} times the node spacing, so each such node adds below e^{−42} |f(x)| to any a_k (and e^{−84} f² to
 * E f²). This also keeps f away from arguments where it may overflow.
 */
const COEFFICIENT_RANGE = 13;

interface HermiteTable {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
  /** Indices i of the nodes with |x_i| ≤ 13. */
  readonly inner: Int32Array;
  /** h_k(x_i) for k = 0..nodes/4 and those nodes, row k at k·inner.length. */
  readonly h: Float64Array;
}

const tables = new Map<number, HermiteTable>();

function hermiteTable(n: number): HermiteTable {
  const hit = tables.get(n);
  if (hit !== undefined) return hit;
  const { nodes, weights } = gaussHermite(n);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (Math.abs(nodes[i]) <= COEFFICIENT_RANGE) idx.push(i);
  const inner = Int32Array.from(idx);
  const m = inner.length;
  const top = n / 4;
  const h = new Float64Array((top + 1) * m);
  for (let j = 0; j < m; j++) {
    const x = nodes[inner[j]];
    let hPrev = 0;
    let hk = 1;
    for (let k = 0; k <= top; k++) {
      h[k * m + j] = hk;
      // Orthonormal recurrence h_{k+1} = (x h_k − √k h_{k−1})/√(k+1).
      const next = (x * hk - Math.sqrt(k) * hPrev) / Math.sqrt(k + 1);
      hPrev = hk;
      hk = next;
    }
  }
  const t = { nodes, weights, inner, h };
  tables.set(n, t);
  return t;
}

/**
 * The Hermite coefficients of `x ↦ f(√q x)` (apps/docs/theory/toolkit.md#hermite-expansions) up to the first degree K
 * whose Parseval remainder `E f(√q ξ)² − Σ_{k≤K} a_k²` is below `tolerance · E f²`, or `null` when no K ≤
 * {@link HERMITE_PROJECTION_MAX_DEGREE} gets there (kinked f, or f too steep at this variance). By Cauchy–Schwarz the
 * remainder bounds the truncation error of `E f(u)g(v) = Σ_k a_k(q1) b_k(q2) ρ^k` (Mehler) by
 * `√(tail_f tail_g)` ≤ tolerance · √(E f² E g²) for every |ρ| ≤ 1 (apps/docs/theory/toolkit.md#gaussian-kernel-maps).
 *
 * Gauss–Hermite with 128, 400, 800, 1200, 2000 then 4000 nodes, the first that reaches the tolerance with K ≤ nodes/4; the
 * orthonormal h_k = He_k/√k! tabulated per rule by the stable recurrence h_{k+1} = (x h_k − √k h_{k−1})/√(k+1).
 *
 * @throws SpecError `E_INPUT` for q < 0 or non-finite, or when f is not finite at a node
 */
export function hermiteProjection(
  f: (x: number) => number,
  q: number,
  options: HermiteProjectionOptions = {},
): HermiteProjection | null {
  if (!(q >= 0) || !Number.isFinite(q))
    throw new SpecError('E_INPUT', `hermiteProjection: the variance must be finite and ≥ 0, got ${q}`);
  const tolerance = options.tolerance ?? 1e-11;
  const minDegree = options.minDegree ?? 0;
  const s = Math.sqrt(q);
  if (s === 0) {
    // f(0) is a constant: only a_0.
    const v = checked(f, 0);
    const coefficients = new Float64Array(minDegree + 1);
    coefficients[0] = v;
    return { coefficients, degree: 0, nodes: 0, secondMoment: v * v, tail: 0 };
  }
  for (const n of LADDER) {
    const top = n / 4;
    if (top < minDegree) continue;
    const { nodes, weights, inner, h } = hermiteTable(n);
    // E f² over the same nodes as the coefficients, so the Parseval remainder compares like with like (the nodes
    // beyond |x| = 13 carry less than e^{−84} of the mass).
    const m = inner.length;
    const fw = new Float64Array(m);
    let m2 = 0;
    for (let j = 0; j < m; j++) {
      const i = inner[j];
      const v = checked(f, s * nodes[i]);
      fw[j] = weights[i] * v;
      m2 += fw[j] * v;
    }
    const a = new Float64Array(top + 1);
    let sum = 0;
    let degree = -1;
    let filled = 0;
    for (let k = 0; k <= top; k++) {
      // Four coefficients per pass over f's values (each still summed over the nodes in order), then taken in turn.
      if (k === filled) {
        if (k + 3 <= top) projectFour(fw, h, m, k, a);
        else a[k] = projectOne(fw, h, m, k);
        filled = k + 3 <= top ? k + 4 : k + 1;
      }
      const c = a[k];
      sum += c * c;
      if (degree < 0 && m2 - sum <= tolerance * m2) degree = k;
      if (degree >= 0 && k >= minDegree) {
        return { coefficients: a.slice(0, k + 1), degree, nodes: n, secondMoment: m2, tail: Math.max(0, m2 - sum) };
      }
    }
  }
  return null;
}

/** a_k = Σ_j fw_j h_k(x_j) over the m tabulated nodes, in node order. */
function projectOne(fw: Float64Array, h: Float64Array, m: number, k: number): number {
  let c = 0;
  const row = k * m;
  for (let j = 0; j < m; j++) c += fw[j] * h[row + j];
  return c;
}

/** a_k … a_{k+3} as {@link projectOne} (the same sums in the same order), one pass over fw. */
function projectFour(fw: Float64Array, h: Float64Array, m: number, k: number, a: Float64Array): void {
  const r0 = k * m;
  const r1 = r0 + m;
  const r2 = r1 + m;
  const r3 = r2 + m;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let j = 0; j < m; j++) {
    const w = fw[j];
    c0 += w * h[r0 + j];
    c1 += w * h[r1 + j];
    c2 += w * h[r2 + j];
    c3 += w * h[r3 + j];
  }
  a[k] = c0;
  a[k + 1] = c1;
  a[k + 2] = c2;
  a[k + 3] = c3;
}

function checked(f: (x: number) => number, x: number): number {
  const v = f(x);
  if (!Number.isFinite(v))
    throw new SpecError('E_INPUT', `hermiteProjection: the function is not finite (${v}) at x = ${x}`);
  return v;
}
