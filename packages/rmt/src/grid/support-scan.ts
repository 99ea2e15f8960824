import { predict } from './warm-start.js';

/**
 * The continuous part of a limit law as seen by the density recovery: Im m_c(x + iη), m_c = m minus the
 * exactly known atoms (apps/docs/theory/toolkit.md#marchenko-pastur, density recovery).
 */
export interface ContinuousPart {
  /** Numbers of solver state per point. */
  readonly stateSize: number;
  /**
   * Im m_c(x + iη); `state` holds the warm start (used when `warm`) and receives the solution. Near a hard
   * edge the solve may use a larger η, up to `acceptEta` (default η).
   */
  im(x: number, eta: number, state: Float64Array, warm: boolean, acceptEta?: number): number;
}

/** Support intervals of the continuous part, ascending, with an estimate of the mass in each. */
export interface SupportEstimate {
  readonly intervals: [number, number][];
  readonly mass: number[];
  /** How precisely each interval's edges are located (the η1 of the inside test that found them). */
  readonly edge: number[];
}

/** The two η's of the inside test, absolute (η2 = η1/10). */
export interface InsideTest {
  readonly eta1: number;
  readonly eta2: number;
}

/**
 * x is inside the support when Im m_c does not scale with η: Im m_c(x + iη2) > ½·Im m_c(x + iη1) with
 * η2 = η1/10 (outside the support Im m_c ∝ η; on a component narrower than η2 it grows like 1/η).
 */
function isInside(a: number, b: number): boolean {
  return a > 0 && b > 0.5 * a;
}

/** Default ratio of the geometric scan that locates the top of the support. */
export const TOP_SCAN_RATIO = 0.8;

/**
 * Top of the support, from above: `bound` is only an upper bound of the support (for deep networks with
 * n/d_ℓ ≫ 1 it exceeds it by orders of magnitude, and a uniform scan of [lower, bound] would put the whole
 * support between two scan points). A geometric scan down from the bound (ratio 0.8, η relative to x)
 * stops at the first point inside; the last point above it is returned (or `bound` itself). A law with isolated
 * narrow components far above its bulk (spikes of a data kernel) needs a ratio closer to 1 (`ratio`).
 */
export function supportTop(part: ContinuousPart, lower: number, bound: number, ratio = TOP_SCAN_RATIO): number {
  const d1 = new Float64Array(part.stateSize);
  const d2 = new Float64Array(part.stateSize);
  let top = bound;
  for (let k = 0; ; k++) {
    const x = lower + (bound - lower) * ratio ** k;
    if (x - lower < 1e-9 * (bound - lower)) return bound; // nothing found: keep the bound
    const a = part.im(x, 1e-6 * x, d1, k > 0);
    const b = part.im(x, 1e-7 * x, d2, k > 0);
    if (isInside(a, b)) return top;
    top = x;
  }
}

/**
 * Support intervals on [lo, hi] from a uniform scan of n points, right to left with warm starts: each point
 * gets the inside test, and between an inside and an outside neighbour the edge is located by bisection to
 * ~η1 (the inside test cannot place it more finely). An interval that reaches lo or hi ends there. The mass
 * of an interval is estimated as Σ Im m_c(x + iη2)/π · spacing over its scan points.
 */
export function scanSupport(
  part: ContinuousPart,
  lo: number,
  hi: number,
  n: number,
  test: InsideTest,
): SupportEstimate {
  const S = part.stateSize;
  const { eta1, eta2 } = test;
  const xs = new Float64Array(n);
  const inside = new Uint8Array(n);
  const im2 = new Float64Array(n);
  const state1 = new Float64Array(n * S);
  const state2 = new Float64Array(n * S);
  const d1 = new Float64Array(S);
  const d2 = new Float64Array(S);
  for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * i) / (n - 1);
  for (let i = n - 1; i >= 0; i--) {
    if (i < n - 1) {
      predict(xs, state1, i, d1);
      predict(xs, state2, i, d2);
    }
    const a = part.im(xs[i], eta1, d1, i < n - 1);
    const b = part.im(xs[i], eta2, d2, i < n - 1);
    inside[i] = isInside(a, b) ? 1 : 0;
    im2[i] = Math.max(0, b);
    state1.set(d1, i * S);
    state2.set(d2, i * S);
  }
  const edgeBetween = (iIn: number, iOut: number): number => {
    let xin = xs[iIn];
    let xout = xs[iOut];
    const s1 = state1.slice(iIn * S, (iIn + 1) * S);
    const s2 = state2.slice(iIn * S, (iIn + 1) * S);
    const t1 = new Float64Array(S);
    const t2 = new Float64Array(S);
    for (let k = 0; k < 60 && Math.abs(xout - xin) > eta1; k++) {
      const mid = 0.5 * (xin + xout);
      t1.set(s1);
      t2.set(s2);
      if (isInside(part.im(mid, eta1, t1, true), part.im(mid, eta2, t2, true))) {
        xin = mid;
        s1.set(t1);
        s2.set(t2);
      } else xout = mid;
    }
    return 0.5 * (xin + xout);
  };
  const spacing = n > 1 ? (hi - lo) / (n - 1) : 0;
  const intervals: [number, number][] = [];
  const mass: number[] = [];
  const edge: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!inside[i]) continue;
    let j = i;
    while (j + 1 < n && inside[j + 1]) j++;
    const left = i === 0 ? lo : edgeBetween(i, i - 1);
    const right = j === n - 1 ? hi : edgeBetween(j, j + 1);
    if (right > left) {
      intervals.push([left, right]);
      let m = 0;
      for (let k = i; k <= j; k++) m += (im2[k] / Math.PI) * spacing;
      mass.push(m);
      edge.push(eta1);
    }
    i = j;
  }
  return { intervals, mass, edge };
}

/** Union of two support estimates (overlapping intervals merged, their masses added). */
export function mergeSupports(a: SupportEstimate, b: SupportEstimate): SupportEstimate {
  const all = [
    ...a.intervals.map((iv, k) => ({ iv, m: a.mass[k], e: a.edge[k] })),
    ...b.intervals.map((iv, k) => ({ iv, m: b.mass[k], e: b.edge[k] })),
  ].sort((p, q) => p.iv[0] - q.iv[0]);
  const intervals: [number, number][] = [];
  const mass: number[] = [];
  const edge: number[] = [];
  for (const { iv, m, e } of all) {
    const last = intervals.length - 1;
    if (last >= 0 && iv[0] <= intervals[last][1]) {
      intervals[last] = [intervals[last][0], Math.max(intervals[last][1], iv[1])];
      mass[last] += m;
      edge[last] = Math.max(edge[last], e);
    } else {
      intervals.push([iv[0], iv[1]]);
      mass.push(m);
      edge.push(e);
    }
  }
  return { intervals, mass, edge };
}

/** A sampled density (ascending x) whose Poisson smoothing is compared with the law's. */
export interface Sampled {
  readonly x: Float64Array;
  readonly density: Float64Array;
}

/** Points per region of a local rescan (and of each zoom level). */
const LOCAL_POINTS = 48;

/**
 * Finds support components that a scan missed (narrower than its spacing, e.g. the image of one isolated
 * input eigenvalue when n/d_ℓ ≫ 1), where the recovered density lacks mass. At the scan's own scale H the
 * Poisson-smoothed density of the law, Im m_c(x + iH)/π, is compared with the same smoothing of the
 * recovered density (trapezoid on its grid): the components that the recovery has cancel out, whatever
 * their size, and a missed component of mass ε shows up as an excess ≈ ε/(πH) within ~H of it. Around every
 * local maximum of the excess·H above `threshold`, a local scan of LOCAL_POINTS points looks for components
 * with the inside test at an η1 scaled to its spacing (so that narrow ones get their edges), and the same
 * search is repeated there at that finer scale, down to `finest`.
 * @returns the intervals found (to be merged with the known support).
 */
export function findMissedSupport(
  part: ContinuousPart,
  recovered: Sampled,
  lo: number,
  hi: number,
  n: number,
  test: InsideTest,
  threshold: number,
  finest: number,
): SupportEstimate {
  let found: SupportEstimate = { intervals: [], mass: [], edge: [] };
  // Also at coarser scales: a missed component wider than the scan's spacing H spreads its excess over its
  // width W, so at scale H its excess·H is only ≈ ε·H/W; at a scale ≥ W it is ≈ ε/π again.
  const regions: [number, number, number][] = [
    [lo, hi, n],
    [lo, hi, Math.max(8, Math.round(n / 8))],
    [lo, hi, Math.max(8, Math.round(n / 64))],
  ];
  while (regions.length > 0) {
    const [a, b, m] = regions.pop() as [number, number, number];
    const H = (b - a) / (m - 1);
    if (!(H > finest)) continue;
    for (const i of excessPoints(part, recovered, a, b, m, threshold)) {
      const ra = Math.max(a, a + (i - 1) * H);
      const rb = Math.min(b, a + (i + 1) * H);
      const eta1 = Math.min(test.eta1, (rb - ra) / (LOCAL_POINTS - 1) / 50);
      const localTest = { eta1, eta2: eta1 / 10 };
      const local = extendCutIntervals(
        part,
        scanSupport(part, ra, rb, LOCAL_POINTS, localTest),
        ra,
        rb,
        lo,
        hi,
        localTest,
      );
      found = mergeSupports(found, local);
      regions.push([ra, rb, LOCAL_POINTS]);
    }
  }
  return found;
}

/** Indices i of the points x_i = a + i·H (m points) where the law's smoothed density exceeds the recovered one's. */
function excessPoints(
  part: ContinuousPart,
  recovered: Sampled,
  a: number,
  b: number,
  m: number,
  threshold: number,
): number[] {
  const H = (b - a) / (m - 1);
  const S = part.stateSize;
  const states = new Float64Array(m * S);
  const d = new Float64Array(S);
  const xs = new Float64Array(m);
  for (let i = 0; i < m; i++) xs[i] = a + i * H;
  const excess = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    if (i < m - 1) predict(xs, states, i, d);
    const law = part.im(xs[i], H, d, i < m - 1) / Math.PI;
    states.set(d, i * S);
    excess[i] = (law - poissonSmoothed(recovered, xs[i], H)) * H;
  }
  const flagged: number[] = [];
  for (let i = 0; i < m; i++) {
    // local maxima only: one region per missed component
    const left = i > 0 ? excess[i - 1] : -Infinity;
    const right = i < m - 1 ? excess[i + 1] : -Infinity;
    if (excess[i] > threshold && excess[i] >= left && excess[i] >= right) flagged.push(i);
  }
  return flagged;
}

/** (1/π) ∫ ρ(t) H/((t − x)² + H²) dt for a sampled ρ (trapezoid). */
function poissonSmoothed(s: Sampled, x: number, H: number): number {
  let total = 0;
  let prev = 0;
  for (let i = 0; i < s.x.length; i++) {
    const v = (s.density[i] * H) / ((s.x[i] - x) ** 2 + H * H);
    if (i > 0) total += 0.5 * (s.x[i] - s.x[i - 1]) * (v + prev);
    prev = v;
  }
  return total / Math.PI;
}

/** Most outward steps taken to find the far edge of a component that a local scan cut. */
const MAX_EXTEND_STEPS = 400;
/** Growth of the outward steps (slow enough not to jump the gaps a scan of the region would have seen). */
const EXTEND_GROWTH = 1.2;

/**
 * A local scan only sees [ra, rb]: a component wider than that comes back cut at the region's ends, and the
 * density recovered on the cut piece misses the rest of it (a spike of the data's Gram holding 0.1 % of the
 * mass but 28 % of the mean, whose image under the MP map is wider than the region that detected it). Each
 * interval that ends at ra or rb (and not at the search range's own ends lo, hi) is walked outward in steps
 * starting at the region's width and growing by EXTEND_GROWTH until a point is outside the support; the edge
 * is then bisected to ~η1 like the scan's.
 */
function extendCutIntervals(
  part: ContinuousPart,
  est: SupportEstimate,
  ra: number,
  rb: number,
  lo: number,
  hi: number,
  test: InsideTest,
): SupportEstimate {
  const intervals = est.intervals.map(([l, r]): [number, number] => [
    l <= ra && ra > lo ? walkEdge(part, l, -(rb - ra), lo, test) : l,
    r >= rb && rb < hi ? walkEdge(part, r, rb - ra, hi, test) : r,
  ]);
  return { intervals, mass: est.mass, edge: est.edge };
}

/** From x (inside) towards `limit` in steps of `step` (signed, growing): the edge of the support there. */
function walkEdge(part: ContinuousPart, x: number, step: number, limit: number, test: InsideTest): number {
  const s1 = new Float64Array(part.stateSize);
  const s2 = new Float64Array(part.stateSize);
  const inside = (t: number): boolean => isInside(part.im(t, test.eta1, s1, false), part.im(t, test.eta2, s2, false));
  let xin = x;
  let h = step;
  for (let k = 0; k < MAX_EXTEND_STEPS; k++) {
    const next = step > 0 ? Math.min(limit, xin + h) : Math.max(limit, xin + h);
    if (!inside(next)) {
      let xout = next;
      for (let j = 0; j < 60 && Math.abs(xout - xin) > test.eta1; j++) {
        const mid = 0.5 * (xin + xout);
        if (inside(mid)) xin = mid;
        else xout = mid;
      }
      return 0.5 * (xin + xout);
    }
    if (next === limit) return limit;
    xin = next;
    h *= EXTEND_GROWTH;
  }
  return xin;
}
