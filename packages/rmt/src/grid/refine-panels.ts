/**
 * A density sampled at ascending points, with the solver state that produced each value (so that a new
 * point can be warm-started from its neighbour).
 */
export interface SampledDensity {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** `stateSize` numbers per point, point i at offset i·stateSize. */
  readonly states: Float64Array;
}

/** Options of {@link refinePanels}. */
export interface RefineOptions {
  /** Numbers of solver state per point (the warm start handed to `evaluate`). */
  readonly stateSize: number;
  /**
   * Density at x; `state` holds the warm start on entry (the state of a neighbouring point) and must hold
   * the solution on return.
   */
  readonly evaluate: (x: number, state: Float64Array) => number;
  /** Stop when the estimated absolute quadrature error of the whole grid falls below this. */
  readonly tolerance: number;
  /** Stop when the grid has this many points. */
  readonly maxPoints: number;
  /** Panels narrower than this are never split (rounding, or a singularity that bisection cannot resolve). */
  readonly minWidth: number;
  /**
   * Optional warm start of a panel's midpoint from the states of its two ends (written into `out`); by default
   * the midpoint starts from the state of one end.
   */
  readonly warmStart?: (left: Float64Array, right: Float64Array, out: Float64Array) => void;
  /**
   * Weight of a panel's error at its midpoint (default 1); e.g. 1 + x/mean makes the tolerance bound the
   * error of ∫ρ and of ∫xρ/mean together.
   */
  readonly weight?: (x: number) => number;
}

/** Result of {@link refinePanels}: the refined samples and the final error estimate Σ|T₁ − T₂|. */
export interface RefineResult extends SampledDensity {
  readonly errorEstimate: number;
}

/** Most rounds of bisection (each round at least halves the worst panels). */
const MAX_ROUNDS = 40;

/**
 * Adaptive bisection of a trapezoid grid (apps/docs/theory/toolkit.md#marchenko-pastur density recovery). Every panel
 * [x_i, x_{i+1}] gets one extra evaluation at its midpoint m; T₁ = h(y_i + y_{i+1})/2 and T₂ = h(y_i + 2y_m +
 * y_{i+1})/4 differ by (h/2)|y_m − (y_i + y_{i+1})/2|, the panel's error estimate (the trapezoid error of a smooth
 * integrand is (4/3)(T₁ − T₂); a peak or dip that the linear interpolation misses shows up in y_m directly). The panels
 * with the largest estimates are bisected (their midpoint, already computed, joins the grid and the two halves get
 * midpoints warm-started from it) until the sum of the estimates is below `tolerance` or the grid reaches `maxPoints`.
 * Costs one evaluation per initial panel plus two per bisection.
 */
export function refinePanels(start: SampledDensity, options: RefineOptions): RefineResult {
  const { stateSize: S, evaluate, tolerance, maxPoints, minWidth } = options;
  const weight = options.weight ?? ((): number => 1);
  const warmStart = options.warmStart;
  let { x, y, states } = start;
  let n = x.length;
  // per panel i (between points i and i + 1): midpoint value, state and error estimate
  let midY = new Float64Array(Math.max(0, n - 1));
  let midState = new Float64Array(Math.max(0, n - 1) * S);
  let err = new Float64Array(Math.max(0, n - 1));
  const tmp = new Float64Array(S);

  const fillMid = (i: number, warmFrom: Float64Array, warmOffset: number): void => {
    const lo = x[i];
    const hi = x[i + 1];
    if (!(hi - lo > minWidth)) {
      midY[i] = 0.5 * (y[i] + y[i + 1]);
      err[i] = 0;
      midState.set(warmFrom.subarray(warmOffset, warmOffset + S), i * S);
      return;
    }
    if (warmStart !== undefined) {
      warmStart(states.subarray(i * S, (i + 1) * S), states.subarray((i + 1) * S, (i + 2) * S), tmp);
    } else tmp.set(warmFrom.subarray(warmOffset, warmOffset + S));
    const mid = 0.5 * (lo + hi);
    const v = evaluate(mid, tmp);
    midY[i] = v;
    midState.set(tmp, i * S);
    err[i] = 0.5 * (hi - lo) * Math.abs(v - 0.5 * (y[i] + y[i + 1])) * weight(mid);
  };
  for (let i = n - 2; i >= 0; i--) fillMid(i, states, (i + 1) * S);

  const total = (): number => {
    let s = 0;
    for (let i = 0; i < n - 1; i++) s += err[i];
    return s;
  };
  let estimate = total();
  for (let round = 0; round < MAX_ROUNDS && estimate > tolerance && n < maxPoints; round++) {
    // split the worst panels until what remains is below half the tolerance (or the budget runs out)
    const order = Array.from({ length: n - 1 }, (_, i) => i).sort((p, q) => err[q] - err[p]);
    const split = new Uint8Array(n - 1);
    let remaining = estimate;
    let count = 0;
    for (const i of order) {
      if (remaining <= 0.5 * tolerance || n + count >= maxPoints || err[i] === 0) break;
      split[i] = 1;
      remaining -= err[i];
      count++;
    }
    if (count === 0) break;
    const m = n + count;
    const nx = new Float64Array(m);
    const ny = new Float64Array(m);
    const ns = new Float64Array(m * S);
    const nMidY = new Float64Array(m - 1);
    const nMidState = new Float64Array((m - 1) * S);
    const nErr = new Float64Array(m - 1);
    // fresh panels (the halves of a split one) get a midpoint warm-started from the new point, their common end
    const warm = new Int32Array(m - 1).fill(-1);
    let k = 0;
    for (let i = 0; i < n; i++) {
      nx[k] = x[i];
      ny[k] = y[i];
      ns.set(states.subarray(i * S, (i + 1) * S), k * S);
      if (i === n - 1) break;
      if (split[i]) {
        warm[k] = k + 1;
        k++;
        nx[k] = 0.5 * (x[i] + x[i + 1]);
        ny[k] = midY[i];
        ns.set(midState.subarray(i * S, (i + 1) * S), k * S);
        warm[k] = k;
      } else {
        nMidY[k] = midY[i];
        nMidState.set(midState.subarray(i * S, (i + 1) * S), k * S);
        nErr[k] = err[i];
      }
      k++;
    }
    x = nx;
    y = ny;
    states = ns;
    midY = nMidY;
    midState = nMidState;
    err = nErr;
    n = m;
    for (let i = n - 2; i >= 0; i--) if (warm[i] >= 0) fillMid(i, states, warm[i] * S);
    estimate = total();
  }
  return { x, y, states, errorEstimate: estimate };
}
