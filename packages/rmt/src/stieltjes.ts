import { SpecError } from '@spec/core';
import { type FixedPointSystem, type SolverWork, createWork, solvePoint } from './fixed-point.js';
import { refinePanels } from './grid/refine-panels.js';
import { type Atom, type LimitSpectrum, trapezoid } from './limit-spectrum.js';

/** Options of the adaptive density grid (apps/docs/theory/toolkit.md#marchenko-pastur density recovery). */
export interface GridOptions {
  /**
   * Number of points of the initial grid (default 1000, at least 100). The adaptive bisection then adds
   * points where the trapezoid rule is off, up to 4× this number in all, so the returned grid has
   * between `points` and 4·`points` points.
   */
  readonly points?: number;
  /**
   * η relative to the support scale at which ρ(x) = Im m(x + iη)/π is evaluated (default 1e−8); near a
   * hard edge at the lower end of the support it shrinks to κ·(x − lower) (down to 1e−13·scale).
   */
  readonly eta?: number;
  /** Points of the coarse scan that locates the support (default 400). */
  readonly scanPoints?: number;
}

/** Geometric points added inside the first and last Chebyshev panel of every support interval. */
const GEOMETRIC = 8;
/** Near a hard edge at `lower`, η(x) ≤ κ·(x − lower): a relative smoothing error ≈ κ of the density there. */
const HARD_EDGE_KAPPA = 1e-3;
/** Smallest η (relative to the support scale) used near a hard edge; the mass it leaks is ≈ √2·c·√η. */
const HARD_EDGE_ETA_FLOOR = 1e-13;
/** Target of the adaptive bisection: estimated quadrature error, relative to the continuous mass. */
const QUADRATURE_TOL = 1e-4;
/** The adaptive bisection stops at this multiple of the requested points. */
const REFINE_BUDGET = 4;

/**
 * Recovers a limit density from its Stieltjes transform (apps/docs/theory/toolkit.md#marchenko-pastur): ρ(x) = Im m_c(x
 * + iη)/π where m_c is m minus the exactly known atoms (Im of an atom of mass w at a is wη/((x − a)² + η²)).
 *
 * 1. Support: a coarse scan on [lower, scale] marks x as inside when Im m_c does not scale with η
 *    (Im m_c(x + iη/10) > ½ Im m_c(x + iη) at η = 1e−6·scale; outside the support Im m_c ∝ η), and
 *    bisection locates each edge to ~1e−6·scale; one grid point is put 2e−5·scale outside each edge.
 * 2. Grid: on each support interval x = a + w·φ(φ(t)), φ(t) = (1 − cos πt)/2, t uniform (a doubly
 *    Chebyshev map: x − a ∝ t⁴ at the edges, so the trapezoid rule integrates √-edges and 1/√x hard
 *    edges with error ∝ N⁻²), plus geometric points inside the two end panels.
 * 3. Solve along the grid from right to left with warm starts (Newton), η-homotopy for the first point
 *    and whenever Newton fails; non-convergence throws E_CONVERGENCE. When the support starts at `lower`
 *    (a hard edge, ρ ≈ c/√(x − lower)), η(x) = max(1e−13·scale, min(η, 10⁻³·(x − lower))): with a fixed η
 *    the smoothing moves a mass √2·c·√η left of `lower`, off the grid.
 * 4. Adaptive bisection ({@link refinePanels}): one extra solve at every panel's midpoint estimates the
 *    panel's trapezoid error; the worst panels are bisected (warm-started from the new point) until the
 *    estimated error of ∫ρ and of ∫xρ/mean is below 1e−4 of the continuous mass, or the grid has 4×
 *    `points` points. `mass` and `mean` are trapezoid integrals over the returned grid.
 * If the mass misses 1 − Σ atoms by more than 5e−4 (a support component narrower than a scan step), the
 * whole recovery is repeated with a 4× finer scan, at most 3 times.
 */
export function densityFromSystem(
  sys: FixedPointSystem,
  atoms: readonly Atom[],
  lower: number,
  grid: GridOptions = {},
): LimitSpectrum {
  // A support component narrower than one scan step (e.g. the image of one large input eigenvalue of
  // real data, mass 1/n) can fall between scan points; its mass is then missing from the total. Refine
  // the scan until the density and the atoms account for the whole unit mass.
  const atomMass = atoms.reduce((t, a) => t + a.mass, 0);
  let scanPoints = grid.scanPoints ?? 400;
  let result = densityOnce(sys, atoms, lower, { ...grid, scanPoints });
  for (let attempt = 0; attempt < 3 && Math.abs(1 - atomMass - result.mass) > MISSING_MASS; attempt++) {
    scanPoints *= 4;
    result = densityOnce(sys, atoms, lower, { ...grid, scanPoints });
  }
  return result;
}

/**
 * Mass unaccounted for that triggers a finer support scan (the contract allows 1e-3 in total): well above
 * the ~1e-4 quadrature target of the adaptive grid, so only a missed support component triggers it (for
 * digits, n = 300, the NTK's first scan misses an interval of width 0.24 that holds 84% of the mass).
 */
const MISSING_MASS = 5e-4;

function densityOnce(sys: FixedPointSystem, atoms: readonly Atom[], lower: number, grid: GridOptions): LimitSpectrum {
  const points = grid.points ?? 1000;
  const etaRel = grid.eta ?? 1e-8;
  const scanN = grid.scanPoints ?? 400;
  if (!Number.isInteger(points) || points < 100)
    throw new SpecError('E_INPUT', `grid.points must be an integer ≥ 100, got ${points}`);
  if (!(etaRel > 0 && etaRel <= 1e-3)) throw new SpecError('E_INPUT', `grid.eta must lie in (0, 1e-3], got ${etaRel}`);
  if (!Number.isInteger(scanN) || scanN < 50)
    throw new SpecError('E_INPUT', `grid.scanPoints must be an integer ≥ 50, got ${scanN}`);
  const U = sys.scale;
  const w: SolverWork = createWork(sys.size);

  const atomIm = (x: number, eta: number): number => {
    let s = 0;
    for (const a of atoms) s += (a.mass * eta) / ((x - a.x) ** 2 + eta * eta);
    return s;
  };
  /** Im m_c(x + iη), solving from the warm start d (updated). */
  const imCont = (x: number, eta: number, d: Float64Array, warm: boolean): number => {
    solvePoint(sys, x, eta, d, w, warm);
    return w.m[1] - atomIm(x, eta);
  };

  // 1. coarse scan, right to left, at two η's
  const eta1 = 1e-6 * U;
  const eta2 = 1e-7 * U;
  const hi = U * 1.02;
  const xs = new Float64Array(scanN);
  const inside = new Uint8Array(scanN);
  const scanIm = new Float64Array(scanN);
  const state1 = new Float64Array(scanN * 2 * sys.size);
  const state2 = new Float64Array(scanN * 2 * sys.size);
  const d1 = new Float64Array(2 * sys.size);
  const d2 = new Float64Array(2 * sys.size);
  const isInside = (a: number, b: number): boolean => a > 0 && b > 0.5 * a;
  for (let i = scanN - 1; i >= 0; i--) {
    const x = lower + ((hi - lower) * i) / (scanN - 1);
    xs[i] = x;
    const a = imCont(x, eta1, d1, i < scanN - 1);
    const b = imCont(x, eta2, d2, i < scanN - 1);
    inside[i] = isInside(a, b) ? 1 : 0;
    scanIm[i] = Math.max(0, b);
    state1.set(d1, i * 2 * sys.size);
    state2.set(d2, i * 2 * sys.size);
  }
  const edgeBetween = (iIn: number, iOut: number): number => {
    let xin = xs[iIn];
    let xout = xs[iOut];
    const s1 = state1.slice(iIn * 2 * sys.size, (iIn + 1) * 2 * sys.size);
    const s2 = state2.slice(iIn * 2 * sys.size, (iIn + 1) * 2 * sys.size);
    for (let k = 0; k < 24; k++) {
      const mid = 0.5 * (xin + xout);
      const t1 = Float64Array.from(s1);
      const t2 = Float64Array.from(s2);
      const a = imCont(mid, eta1, t1, true);
      const b = imCont(mid, eta2, t2, true);
      if (isInside(a, b)) {
        xin = mid;
        s1.set(t1);
        s2.set(t2);
      } else xout = mid;
    }
    return 0.5 * (xin + xout);
  };
  const support: [number, number][] = [];
  const scanMass: number[] = [];
  for (let i = 0; i < scanN; i++) {
    if (!inside[i]) continue;
    let j = i;
    while (j + 1 < scanN && inside[j + 1]) j++;
    const left = i === 0 ? lower : edgeBetween(i, i - 1);
    const right = j === scanN - 1 ? xs[j] : edgeBetween(j, j + 1);
    if (right > left) {
      support.push([left, right]);
      let mass = 0;
      for (let k = i; k <= j; k++) mass += scanIm[k];
      scanMass.push(mass);
    }
    i = j;
  }
  if (support.length === 0) {
    throw new SpecError(
      'E_CONVERGENCE',
      `${sys.label}: found no continuous support on [${lower}, ${hi}]; try more grid.scanPoints`,
    );
  }

  // 2. grid
  const widths = support.map(([a, b]) => b - a);
  const totalW = widths.reduce((s, v) => s + v, 0);
  const minPer = 2 * GEOMETRIC + 22;
  if (points < minPer * support.length) {
    throw new SpecError(
      'E_INPUT',
      `grid.points = ${points} is too few for ${support.length} support intervals; use at least ${minPer * support.length}`,
    );
  }
  // half the points by width, half by the (coarse-scan) mass, so a narrow but heavy component is resolved
  const totalM = scanMass.reduce((t, v) => t + v, 0) || 1;
  const alloc = widths.map((v, k) =>
    Math.max(minPer, Math.floor(points * (0.5 * (v / totalW) + 0.5 * (scanMass[k] / totalM)))),
  );
  let diff = points - alloc.reduce((s, v) => s + v, 0);
  while (diff !== 0) {
    const k = alloc.indexOf(Math.max(...alloc));
    const change = diff > 0 ? diff : Math.max(diff, minPer - alloc[k]);
    if (change === 0) break;
    alloc[k] += change;
    diff -= change;
  }
  const gridX: number[] = [];
  // One point Δ = 20·η1 outside each edge (unless it would leave [lower, ∞) or reach the next interval):
  // the edge is located only to ~η1, where the density is still ~C√η1, and this point brings the density
  // to ~0 before a gap so the trapezoid does not bridge the gap with a nonzero value.
  const outer = 20 * eta1;
  support.forEach(([a, b], k) => {
    const m = alloc[k] - 2 * GEOMETRIC - 2;
    const width = b - a;
    const cheb = (t: number): number => (1 - Math.cos(Math.PI * t)) / 2;
    const node = (j: number): number => a + width * cheb(cheb(j / (m - 1)));
    const panel = node(1) - a;
    const prevEnd = k > 0 ? support[k - 1][1] + outer : lower;
    const nextStart = k + 1 < support.length ? support[k + 1][0] - outer : Infinity;
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
  const x = Float64Array.from(gridX);

  // 3. density along the grid, right to left, warm-started. At a hard edge at `lower` (the support starts
  // there, e.g. the 1/√x edge of a CK with n/d_L = 1) the Cauchy smoothing at η pushes a mass ≈ 2η·ρ_η(lower)
  // (√2·c·√η for ρ ≈ c/√(x − lower)) to the left of `lower`, off the grid — 2e-3 for real data with a big
  // null space. There η shrinks with the distance to the edge, η(x) = max(η_floor, min(η, κ·(x − lower))),
  // so the smoothing error stays a relative κ of the density (and the leak ~√η_floor).
  const eta = etaRel * U;
  const hardEdge = support[0][0] === lower;
  const etaFloor = Math.min(eta, HARD_EDGE_ETA_FLOOR * U);
  const etaAt = (xv: number): number =>
    hardEdge && xv > lower ? Math.max(etaFloor, Math.min(eta, HARD_EDGE_KAPPA * (xv - lower))) : eta;
  const S = 2 * sys.size;
  const density0 = new Float64Array(x.length);
  const states = new Float64Array(x.length * S);
  const d = new Float64Array(S);
  const densityAt = (xv: number, state: Float64Array, warm: boolean): number => {
    const v = imCont(xv, etaAt(xv), state, warm) / Math.PI;
    if (!Number.isFinite(v)) {
      throw new SpecError('E_CONVERGENCE', `${sys.label}: density is not finite at x = ${xv}`);
    }
    return Math.max(0, v);
  };
  for (let i = x.length - 1; i >= 0; i--) {
    density0[i] = densityAt(x[i], d, i < x.length - 1);
    states.set(d, i * S);
  }

  // 4. adaptive bisection of the panels whose trapezoid is off (peaks and dips between grid points,
  // near-gaps of a discrete input), to a total estimated quadrature error of QUADRATURE_TOL for the mass
  // and for the mean (weight 1 + x/mean, so far-out components are resolved for `mean` too)
  const atomMass = atoms.reduce((t, a) => t + a.mass, 0);
  let mean0 = 0;
  for (let i = 1; i < x.length; i++)
    mean0 += 0.5 * (x[i] - x[i - 1]) * (x[i] * density0[i] + x[i - 1] * density0[i - 1]);
  const meanScale = Math.max(Math.abs(mean0) / Math.max(1 - atomMass, 1e-3), 1e-12 * U);
  const refined = refinePanels(
    { x, y: density0, states },
    {
      stateSize: S,
      evaluate: (xv, state) => densityAt(xv, state, true),
      tolerance: QUADRATURE_TOL * Math.max(1 - atomMass, 1e-3),
      maxPoints: REFINE_BUDGET * points,
      minWidth: 1e-15 * U,
      weight: (xv) => 1 + Math.abs(xv) / meanScale,
    },
  );
  const finalX = refined.x;
  const density = refined.y;
  const mass = trapezoid(finalX, density);
  let mean = 0;
  for (let i = 1; i < finalX.length; i++)
    mean += 0.5 * (finalX[i] - finalX[i - 1]) * (finalX[i] * density[i] + finalX[i - 1] * density[i - 1]);
  for (const a of atoms) mean += a.mass * a.x;
  return { x: finalX, density, atoms: atoms.map((a) => ({ ...a })), support, mean, mass, eta };
}
