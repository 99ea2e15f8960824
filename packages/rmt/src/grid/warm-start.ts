/**
 * Warm starts for marches of the fixed-point solver along the real axis: a better start saves Newton steps;
 * the branch checks of the solver (fixed-point.ts, onBranch) stay the safeguard against a wrong root.
 * States are interleaved complex vectors (re, im per unknown).
 */

/** Largest difference of two states that is interpolated or extrapolated (relative to 1 + |δ_k|). */
const PREDICT_GAP = 0.1;

/** max_k |a_k − b_k| / (1 + |b_k|) over the complex unknowns. */
export function relativeGap(a: Float64Array, b: Float64Array): number {
  let r = 0;
  for (let k = 0; k < a.length; k += 2) {
    const dr = a[k] - b[k];
    const di = a[k + 1] - b[k + 1];
    r = Math.max(r, Math.sqrt(dr * dr + di * di) / (1 + Math.sqrt(b[k] * b[k] + b[k + 1] * b[k + 1])));
  }
  return r;
}

/**
 * Warm start at x[i] of a march from right to left: the secant through the states at x[i + 1] and x[i + 2]
 * (δ is smooth along the axis inside a support interval and inside a gap), or the state at x[i + 1] when
 * the secant would extrapolate further than its own length or the two states differ much (an edge lies
 * between them).
 */
export function predict(x: ArrayLike<number>, states: Float64Array, i: number, out: Float64Array): void {
  const S = out.length;
  const s1 = states.subarray((i + 1) * S, (i + 2) * S);
  if (i + 2 >= x.length) {
    out.set(s1);
    return;
  }
  const s2 = states.subarray((i + 2) * S, (i + 3) * S);
  const t = (x[i] - x[i + 1]) / (x[i + 1] - x[i + 2]);
  if (!(t >= 0 && t <= 1) || relativeGap(s1, s2) > PREDICT_GAP) {
    out.set(s1);
    return;
  }
  for (let k = 0; k < S; k++) out[k] = s1[k] + t * (s1[k] - s2[k]);
}

/** Warm start of a panel's midpoint: the mean of the two ends' states, or the right end's across an edge. */
export function midpointStart(left: Float64Array, right: Float64Array, out: Float64Array): void {
  if (relativeGap(left, right) > PREDICT_GAP) out.set(right);
  else for (let k = 0; k < out.length; k++) out[k] = 0.5 * (left[k] + right[k]);
}
