import { SpecError } from '@spec/core';

/** A function of the correlation ρ ∈ [−1, 1] interpolated in the angle θ = arccos ρ, from {@link angleChebyshev}. */
export interface AngleChebyshev {
  /** The interpolant at ρ (clamped to [−1, 1]). */
  evaluate(rho: number): number;
  /** Chebyshev coefficients in t = 2θ/π − 1 (trailing ones below the tolerance dropped). */
  readonly coefficients: Float64Array;
}

/** Options of {@link angleChebyshev}. */
export interface AngleChebyshevOptions {
  /** Absolute accuracy wanted (the last kept coefficients fall below it). */
  readonly tolerance: number;
  /** Highest degree tried (default 128). */
  readonly maxDegree?: number;
}

/**
 * Chebyshev interpolation of `f(ρ)` in the angle θ = arccos ρ (apps/docs/theory/toolkit.md#gaussian-kernel-maps):
 * Gaussian duals of kinked activations behave like powers of √(1 ∓ ρ) at ρ = ±1 (the arc-cosine kernels), which are
 * analytic in θ, so the interpolant in θ converges geometrically where one in ρ would not. Chebyshev–Lobatto points in
 * t = 2θ/π − 1, degree 16, 32, 64, … (values reused) until the last three coefficients are below `tolerance`.
 *
 * @throws SpecError `E_CONVERGENCE` when `maxDegree` is not enough
 */
export function angleChebyshev(f: (rho: number) => number, options: AngleChebyshevOptions): AngleChebyshev {
  const maxDegree = options.maxDegree ?? 128;
  const values = new Map<number, number>();
  // Keyed by j/m, exact for the power-of-two degrees, so a point of degree m is found again at degree 2m.
  const at = (fraction: number): number => {
    let v = values.get(fraction);
    if (v === undefined) {
      v = f(Math.cos((Math.PI * (lobatto(fraction) + 1)) / 2));
      values.set(fraction, v);
    }
    return v;
  };
  for (let m = 16; m <= maxDegree; m *= 2) {
    // Lobatto points t_j = −cos(jπ/m): the points of degree m are among those of 2m.
    const fj = Float64Array.from({ length: m + 1 }, (_, j) => at(j / m));
    const coefficients = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      let s = 0;
      for (let j = 0; j <= m; j++) {
        const w = j === 0 || j === m ? 0.5 : 1;
        // T_k(−cos(jπ/m)) = (−1)^k cos(jkπ/m).
        s += w * fj[j] * Math.cos((Math.PI * j * k) / m);
      }
      coefficients[k] = ((k % 2 === 0 ? 1 : -1) * (k === 0 || k === m ? 1 : 2) * s) / m;
    }
    const tail = Math.max(Math.abs(coefficients[m]), Math.abs(coefficients[m - 1]), Math.abs(coefficients[m - 2]));
    if (tail <= options.tolerance) {
      let top = m;
      while (top > 0 && Math.abs(coefficients[top]) <= options.tolerance * 1e-3) top--;
      const kept = coefficients.slice(0, top + 1);
      return { coefficients: kept, evaluate: (rho) => clenshaw(kept, angleVariable(rho)) };
    }
  }
  throw new SpecError(
    'E_CONVERGENCE',
    `angleChebyshev: degree ${maxDegree} does not reach the absolute accuracy ${options.tolerance}`,
  );
}

/** The Lobatto point t = −cos(π·fraction), exact at the ends and the middle. */
function lobatto(fraction: number): number {
  if (fraction === 0) return -1;
  if (fraction === 1) return 1;
  if (fraction === 0.5) return 0;
  return -Math.cos(Math.PI * fraction);
}

/** t = 2 arccos(ρ)/π − 1 ∈ [−1, 1] (t = −1 at ρ = 1). */
function angleVariable(rho: number): number {
  const r = Math.max(-1, Math.min(1, rho));
  return (2 * Math.acos(r)) / Math.PI - 1;
}

function clenshaw(c: Float64Array, t: number): number {
  let b1 = 0;
  let b2 = 0;
  for (let k = c.length - 1; k >= 1; k--) {
    const b0 = 2 * t * b1 - b2 + c[k];
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + c[0];
}
