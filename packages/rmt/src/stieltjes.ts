import { SpecError } from '@spec/core';
import { type FixedPointSystem, type SolverWork, createWork, solvePoint } from './fixed-point.js';
import { refinePanels } from './grid/refine-panels.js';
import {
  type ContinuousPart,
  type InsideTest,
  type SupportEstimate,
  findMissedSupport,
  mergeSupports,
  scanSupport,
  supportTop,
  TOP_SCAN_RATIO,
} from './grid/support-scan.js';
import { midpointStart, predict } from './grid/warm-start.js';
import { type Atom, type LimitSpectrum, trapezoid } from './limit-spectrum.js';

/** Options of the adaptive density grid (apps/docs/theory/toolkit.md#marchenko-pastur, density recovery). */
export interface GridOptions {
  /**
   * Number of points of the initial grid (default 1000, at least 100; raised to 38 per support interval when
   * the law has more intervals). The adaptive bisection then adds points where the trapezoid rule is off,
   * up to 4× this number in all.
   */
  readonly points?: number;
  /**
   * η relative to the top of the support at which ρ(x) = Im m(x + iη)/π is evaluated (default 1e−8); near a
   * hard edge at the lower end of the support it shrinks to κ·(x − lower) (down to 1e−13·top).
   */
  readonly eta?: number;
  /** Points of the scan that locates the support (default 400). */
  readonly scanPoints?: number;
  /**
   * Ratio of the geometric scan down from the support bound that finds the top of the support (default 0.8, in
   * (0, 1)). Components narrower than (1 − ratio)·x far above the bulk (spikes of a data kernel) need a ratio close to 1.
   */
  readonly topScanRatio?: number;
}

/** Geometric points added inside the first and last Chebyshev panel of every support interval. */
const GEOMETRIC = 8;
/** Fewest grid points per support interval: the geometric points at both ends plus 22 Chebyshev nodes. */
const MIN_PER_INTERVAL = 2 * GEOMETRIC + 22;
/** Near a hard edge at `lower`, η(x) ≤ κ·(x − lower): a relative smoothing error ≈ κ of the density there. */
const HARD_EDGE_KAPPA = 1e-3;
/** Smallest η (relative to the top of the support) used near a hard edge. */
const HARD_EDGE_ETA_FLOOR = 1e-13;
/** Target of the adaptive bisection: estimated quadrature error, relative to the continuous mass. */
const QUADRATURE_TOL = 1e-4;
/** The adaptive bisection stops at this multiple of the requested points. */
const REFINE_BUDGET = 4;
/** A law whose mass (density + atoms) or mean is off by more than this is never returned. */
const LAW_TOLERANCE = 1e-3;
/**
 * Missing mass (or relative error of the mean) above which the support is searched for missed components:
 * well above the ~1e−4 quadrature target, so that only a missed component triggers it.
 */
const MISSING_MASS = 5e-4;
/** Rounds of that search. */
const SEARCH_ROUNDS = 3;
/** Smallest missing mass near one scan point (relative to the continuous mass) that is searched for. */
const SEARCH_THRESHOLD = 1e-4;

/**
 * Recovers a limit law from its Stieltjes transform (apps/docs/theory/toolkit.md#marchenko-pastur):
 * ρ(x) = Im m_c(x + iη)/π where m_c is m minus the exactly known atoms (Im of an atom of mass w at a is
 * wη/((x − a)² + η²)).
 *
 * 1. Support ({@link supportTop}, {@link scanSupport}): the top of the support is found from above by a
 *    geometric scan (`sys.scale` is only a bound, loose by orders of magnitude for n/d_ℓ ≫ 1); a uniform scan
 *    of [lower, top] with the inside test at η1 = 1e−6·top and η2 = η1/10 finds the intervals, and bisection
 *    their edges to ~η1.
 * 2. Grid: on each support interval x = a + w·φ(φ(t)), φ(t) = (1 − cos πt)/2, t uniform (a doubly Chebyshev
 *    map: x − a ∝ t⁴ at the edges, so the trapezoid rule integrates √-edges and 1/√x hard edges with error
 *    ∝ N⁻²), plus geometric points inside the two end panels and one point 20·η1 outside each edge.
 * 3. Density along the grid from right to left, warm-started (fixed-point.ts, solvePoint, whose branch
 *    checks decide between the warm start and the η-homotopy). At a hard edge at `lower`,
 *    η(x) = max(1e−13·top, min(η, 10⁻³·(x − lower))) and the first panel follows the edge's power law.
 * 4. Adaptive bisection ({@link refinePanels}) until the estimated trapezoid error of ∫ρ and of ∫xρ/mean is
 *    below 1e−4 of the continuous mass (or the grid has 4× `points` points).
 *
 * The result is checked as a probability law: its mass must be 1 − Σ atoms and (when `expectedMean` is
 * given, the closed form) its mean `expectedMean`, to 1e−3. Missing mass is searched for where it is
 * ({@link findMissedSupport}: a support component narrower than the scan's spacing, or one above the top
 * that the geometric scan stepped over — the image of a large spike of a real data Gram — so the search runs
 * up to the system's bound, not just to the top found) and the density recomputed with the intervals found; a
 * law still incomplete throws E_CONVERGENCE rather than being returned.
 */
export function densityFromSystem(
  sys: FixedPointSystem,
  atoms: readonly Atom[],
  lower: number,
  grid: GridOptions = {},
  expectedMean?: number,
): LimitSpectrum {
  const points = grid.points ?? 1000;
  const etaRel = grid.eta ?? 1e-8;
  const scanN = grid.scanPoints ?? 400;
  if (!Number.isInteger(points) || points < 100)
    throw new SpecError('E_INPUT', `grid.points must be an integer ≥ 100, got ${points}`);
  if (!(etaRel > 0 && etaRel <= 1e-3)) throw new SpecError('E_INPUT', `grid.eta must lie in (0, 1e-3], got ${etaRel}`);
  if (!Number.isInteger(scanN) || scanN < 50)
    throw new SpecError('E_INPUT', `grid.scanPoints must be an integer ≥ 50, got ${scanN}`);
  const atomMass = atoms.reduce((t, a) => t + a.mass, 0);
  const part = continuousPart(sys, atoms);
  const ratio = grid.topScanRatio ?? TOP_SCAN_RATIO;
  if (!(ratio > 0 && ratio < 1)) throw new SpecError('E_INPUT', `grid.topScanRatio must lie in (0, 1), got ${ratio}`);
  const bound = lower + 1.02 * (sys.scale - lower);
  const top = supportTop(part, lower, bound, ratio);
  const test: InsideTest = { eta1: 1e-6 * top, eta2: 1e-7 * top };
  const settings: DensitySettings = { lower, top, points, eta: etaRel * top, test, atoms };
  let support = scanSupport(part, lower, top, scanN, test);
  let result = densityOnSupport(sys, part, support, settings);
  let checked = lawDefect(result, atomMass, expectedMean);
  for (let round = 0; round < SEARCH_ROUNDS && checked.defect > MISSING_MASS && checked.missing; round++) {
    const threshold = SEARCH_THRESHOLD * Math.max(1 - atomMass, 1e-3);
    const missed = findMissedSupport(part, result, lower, bound, scanN, test, threshold, 100 * settings.eta);
    if (missed.intervals.length === 0) break;
    support = mergeSupports(support, missed);
    const next = densityOnSupport(sys, part, support, settings);
    const nextChecked = lawDefect(next, atomMass, expectedMean);
    if (nextChecked.defect >= checked.defect) break;
    result = next;
    checked = nextChecked;
  }
  if (checked.defect <= LAW_TOLERANCE) return result;
  throw new SpecError(
    'E_CONVERGENCE',
    `${sys.label}: the computed limit law is incomplete (${checked.problem}): a part of its density could not be resolved; this is a failure of the solver, not of the input`,
  );
}

/** How far a recovered law is from a complete one: |1 − mass − atoms| and |mean/expected − 1|. */
function lawDefect(
  result: LimitSpectrum,
  atomMass: number,
  expectedMean: number | undefined,
): { defect: number; missing: boolean; problem: string } {
  const total = result.mass + atomMass;
  let defect = Math.abs(1 - total);
  // only missing mass (or a misplaced one, seen in the mean) can come from a missed support component
  let missing = total < 1;
  let problem = `density + atoms integrate to ${total.toFixed(6)}, not 1`;
  if (expectedMean !== undefined && expectedMean > 0) {
    const meanDefect = Math.abs(result.mean / expectedMean - 1);
    if (meanDefect > defect) {
      defect = meanDefect;
      missing = true;
      problem = `its mean is ${result.mean.toPrecision(7)}, not ${expectedMean.toPrecision(7)}`;
    }
  }
  return { defect, missing, problem };
}

/** The continuous part of the law of `sys`: Im m(x + iη) minus the atoms' Im at the η actually used. */
function continuousPart(sys: FixedPointSystem, atoms: readonly Atom[]): ContinuousPart & { readonly work: SolverWork } {
  const work = createWork(sys.size);
  return {
    stateSize: 2 * sys.size,
    work,
    im(x, eta, state, warm, acceptEta = eta) {
      const used = solvePoint(sys, x, eta, state, work, warm, acceptEta);
      let atomIm = 0;
      for (const a of atoms) atomIm += (a.mass * used) / ((x - a.x) ** 2 + used * used);
      return work.m[1] - atomIm;
    },
  };
}

interface DensitySettings {
  readonly lower: number;
  readonly top: number;
  readonly points: number;
  /** η of the density (absolute). */
  readonly eta: number;
  readonly test: InsideTest;
  readonly atoms: readonly Atom[];
}

/** Steps 2–4 of {@link densityFromSystem} on given support intervals. */
function densityOnSupport(
  sys: FixedPointSystem,
  part: ContinuousPart,
  found: SupportEstimate,
  settings: DensitySettings,
): LimitSpectrum {
  const { lower, top, eta, atoms } = settings;
  const support = found.intervals;
  const atomCopies = atoms.map((a) => ({ ...a }));
  if (support.length === 0) {
    const mean = atoms.reduce((t, a) => t + a.mass * a.x, 0);
    return { x: new Float64Array(0), density: new Float64Array(0), atoms: atomCopies, support, mean, mass: 0, eta };
  }
  const points = Math.max(settings.points, MIN_PER_INTERVAL * support.length);
  const x0 = gridOnSupport(found, lower, points);
  // At a hard edge at `lower` (the support starts there, e.g. the 1/√x edge of a CK with n/d_L = 1) the Cauchy
  // smoothing at η pushes a mass ≈ 2η·ρ_η(lower) (√2·c·√η for ρ ≈ c/√(x − lower)) left of `lower`, off the
  // grid. There η shrinks with the distance to the edge, η(x) = max(η_floor, min(η, κ·(x − lower))), so the
  // smoothing error stays a relative κ of the density; closer than η_floor/κ the density is not resolved, those
  // points are left out and the first panel is integrated with the edge's own power law (powerLawEdge).
  const hardEdge = support[0][0] === lower;
  const etaFloor = Math.min(eta, HARD_EDGE_ETA_FLOOR * top);
  const resolved = etaFloor / HARD_EDGE_KAPPA;
  const x = hardEdge ? x0.filter((v) => v - lower >= resolved) : x0;
  const etaAt = (xv: number): number =>
    hardEdge ? Math.max(etaFloor, Math.min(eta, HARD_EDGE_KAPPA * (xv - lower))) : eta;
  const S = part.stateSize;
  const densityAt = (xv: number, state: Float64Array, warm: boolean): number => {
    // near a hard edge the solve may stop at a larger η, up to the nominal one (the smoothing used elsewhere)
    const v = part.im(xv, etaAt(xv), state, warm, eta) / Math.PI;
    if (!Number.isFinite(v)) throw new SpecError('E_CONVERGENCE', `${sys.label}: density is not finite at x = ${xv}`);
    return Math.max(0, v);
  };
  const density0 = new Float64Array(x.length);
  const states = new Float64Array(x.length * S);
  const d = new Float64Array(S);
  for (let i = x.length - 1; i >= 0; i--) {
    if (i < x.length - 1) predict(x, states, i, d);
    density0[i] = densityAt(x[i], d, i < x.length - 1);
    states.set(d, i * S);
  }

  // adaptive bisection of the panels whose trapezoid is off (peaks and dips between grid points, near-gaps
  // of a discrete input), to a total estimated quadrature error of QUADRATURE_TOL for the mass and for the
  // mean (weight 1 + x/mean, so that far-out components are resolved for `mean` too)
  const atomMass = atoms.reduce((t, a) => t + a.mass, 0);
  let mean0 = 0;
  for (let i = 1; i < x.length; i++)
    mean0 += 0.5 * (x[i] - x[i - 1]) * (x[i] * density0[i] + x[i - 1] * density0[i - 1]);
  const meanScale = Math.max(Math.abs(mean0) / Math.max(1 - atomMass, 1e-3), 1e-12 * top);
  const refined = refinePanels(
    { x, y: density0, states },
    {
      stateSize: S,
      evaluate: (xv, state) => densityAt(xv, state, true),
      tolerance: QUADRATURE_TOL * Math.max(1 - atomMass, 1e-3),
      maxPoints: REFINE_BUDGET * points,
      minWidth: 1e-15 * top,
      weight: (xv) => 1 + Math.abs(xv) / meanScale,
      warmStart: midpointStart,
    },
  );
  const { x: finalX, y: density } = hardEdge ? powerLawEdge(lower, refined.x, refined.y) : refined;
  const mass = trapezoid(finalX, density);
  let mean = 0;
  for (let i = 1; i < finalX.length; i++)
    mean += 0.5 * (finalX[i] - finalX[i - 1]) * (finalX[i] * density[i] + finalX[i - 1] * density[i - 1]);
  for (const a of atoms) mean += a.mass * a.x;
  return { x: finalX, density, atoms: atomCopies, support, mean, mass, eta };
}

/**
 * Grid points on the support intervals: `points` in all, half allotted by width and half by the scan's mass
 * estimate (so that a narrow but heavy component is resolved), at least MIN_PER_INTERVAL each; on every
 * interval the doubly Chebyshev nodes plus GEOMETRIC points inside its end panels, and one point 20× the
 * edge's precision outside each edge (unless that leaves [lower, ∞) or reaches the next interval): the edge is located only
 * to ~η1, where the density is still ~C√η1, and this point brings it to ~0 so that the trapezoid does not
 * bridge a gap with a nonzero value.
 */
function gridOnSupport(found: SupportEstimate, lower: number, points: number): Float64Array {
  const support = found.intervals;
  const widths = support.map(([a, b]) => b - a);
  const totalW = widths.reduce((s, v) => s + v, 0);
  const totalM = found.mass.reduce((t, v) => t + v, 0) || 1;
  const alloc = widths.map((v, k) =>
    Math.max(MIN_PER_INTERVAL, Math.floor(points * (0.5 * (v / totalW) + 0.5 * (found.mass[k] / totalM)))),
  );
  let diff = points - alloc.reduce((s, v) => s + v, 0);
  while (diff !== 0) {
    const k = alloc.indexOf(Math.max(...alloc));
    const change = diff > 0 ? diff : Math.max(diff, MIN_PER_INTERVAL - alloc[k]);
    if (change === 0) break;
    alloc[k] += change;
    diff -= change;
  }
  const gridX: number[] = [];
  const cheb = (t: number): number => (1 - Math.cos(Math.PI * t)) / 2;
  support.forEach(([a, b], k) => {
    const outer = 20 * found.edge[k];
    const m = alloc[k] - 2 * GEOMETRIC - 2;
    const width = b - a;
    const node = (j: number): number => a + width * cheb(cheb(j / (m - 1)));
    const panel = node(1) - a;
    const prevEnd = k > 0 ? support[k - 1][1] + 20 * found.edge[k - 1] : lower;
    const nextStart = k + 1 < support.length ? support[k + 1][0] - 20 * found.edge[k + 1] : Infinity;
    const leftOut = a - outer > prevEnd && a - outer >= lower ? [a - outer] : [];
    const rightOut = b + outer < nextStart ? [b + outer] : [];
    gridX.push(...leftOut, a);
    for (let g = GEOMETRIC; g >= 1; g--) gridX.push(a + panel * 2 ** -g);
    for (let j = 1; j < m - 1; j++) gridX.push(node(j));
    for (let g = 1; g <= GEOMETRIC; g++) gridX.push(b - panel * 2 ** -g);
    gridX.push(b, ...rightOut);
    // keep the requested number of points when an outer point was skipped
    for (let extra = 2 - leftOut.length - rightOut.length; extra > 0; extra--) {
      const j0 = Math.floor(m / 2) - extra;
      gridX.push(0.5 * (node(j0) + node(j0 + 1)));
    }
  });
  gridX.sort((p, q) => p - q);
  return Float64Array.from(gridX);
}

/** Largest exponent α of a hard edge ρ ≈ c·(x − lower)^(−α) used by {@link powerLawEdge} (α → 1 is not integrable). */
const MAX_EDGE_EXPONENT = 0.95;

/**
 * Prepends the hard edge `lower` to a sampled density, with the value that makes the trapezoid over the
 * first panel [lower, x₁] exact for the local power law ρ ≈ c·(x − lower)^(−α): ∫ = ρ(x₁)(x₁ − lower)/(1 − α),
 * so ρ(lower) = ρ(x₁)(1 + α)/(1 − α), with α fitted through the first two points. ρ ∝ (x − lower)^(−1/2) at
 * a white-Wishart hard edge, but products of square layers (linear activation, n/d_ℓ = 1) give
 * α = L/(L + 1): at α = 0.8 the interval [lower, 1e−10·top] alone holds ~1 % of the mass, which the grid
 * cannot resolve (the density there is beneath the η-smoothing) and would otherwise lose.
 */
function powerLawEdge(lower: number, x: Float64Array, y: Float64Array): { x: Float64Array; y: Float64Array } {
  const n = x.length;
  const ox = new Float64Array(n + 1);
  const oy = new Float64Array(n + 1);
  ox[0] = lower;
  ox.set(x, 1);
  oy.set(y, 1);
  if (n >= 2 && y[0] > 0 && y[1] > 0) {
    const alpha = Math.min(MAX_EDGE_EXPONENT, -Math.log(y[1] / y[0]) / Math.log((x[1] - lower) / (x[0] - lower)));
    oy[0] = Math.max(0, (y[0] * (1 + alpha)) / (1 - alpha));
  } else oy[0] = n > 0 ? y[0] : 0;
  return { x: ox, y: oy };
}
