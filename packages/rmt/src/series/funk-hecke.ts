import { SpecError } from '@spec/core';
import { logGamma } from './log-gamma.js';

const ORDER = 20;
const MAX_PANELS = 1 << 13;
const REL_TOL = 1e-13;

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n from the Chebyshev guess). */
function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let j = 2; j <= n; j++) {
        const p2 = ((2 * j - 1) * z * p1 - (j - 1) * p0) / j;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

const GL = gaussLegendre(ORDER);

/** Normalised Gegenbauer polynomial P_k^{(d)}(t) with P_k^{(d)}(1) = 1 (Legendre for d = 3, Chebyshev for d = 2). */
export function gegenbauerNormalized(d: number, k: number, t: number): number {
  if (k === 0) return 1;
  let p0 = 1;
  let p1 = t;
  for (let j = 1; j < k; j++) {
    const p2 = ((2 * j + d - 2) * t * p1 - j * p0) / (j + d - 2);
    p0 = p1;
    p1 = p2;
  }
  return p1;
}

/**
 * Degree-k eigenvalue of the dot-product kernel `K(x,y) = kernel(⟨x,y⟩)` on S^{d−1} w.r.t. the uniform probability
 * measure, by the Funk–Hecke formula (apps/docs/theory/power-series.md#sphere-eigenvalues):
 * `λ_k = Γ(d/2)/(√π Γ((d−1)/2)) ∫_{−1}^{1} K(t) P_k^{(d)}(t) (1−t²)^{(d−3)/2} dt`.
 *
 * Integrated in θ = arccos t, where the weight becomes sin^{d−2}θ and kernels with square-root
 * behaviour at t = ±1 (arc-cosine kernels: arcsin t = π/2 − θ) are smooth, by composite 20-point
 * Gauss–Legendre on 4, 8, 16, … equal panels until two successive sums agree to 1e−13 relative to
 * ∫|integrand|. Independent of the series route {@link sphereEigenvalues}; used to check it.
 * Throws `E_CONVERGENCE` if 8192 panels do not reach that tolerance.
 */
export function funkHeckeEigenvalue(kernel: (t: number) => number, d: number, k: number): number {
  if (!Number.isInteger(d) || d < 2) {
    throw new SpecError('E_INPUT', `funkHeckeEigenvalue: dim d must be an integer ≥ 2, got ${d}`);
  }
  if (!Number.isInteger(k) || k < 0) {
    throw new SpecError('E_INPUT', `funkHeckeEigenvalue: degree k must be a non-negative integer, got ${k}`);
  }
  const constant = Math.exp(logGamma(d / 2) - 0.5 * Math.log(Math.PI) - logGamma((d - 1) / 2));
  const integrand = (theta: number): number => {
    const t = Math.cos(theta);
    const v = kernel(t);
    if (!Number.isFinite(v)) {
      throw new SpecError('E_INPUT', `funkHeckeEigenvalue: kernel(${t}) is not finite (${v})`);
    }
    return v * gegenbauerNormalized(d, k, t) * Math.sin(theta) ** (d - 2);
  };
  const composite = (panels: number): { value: number; abs: number } => {
    const h = Math.PI / panels;
    let value = 0;
    let abs = 0;
    for (let j = 0; j < panels; j++) {
      const mid = (j + 0.5) * h;
      for (let i = 0; i < ORDER; i++) {
        const f = integrand(mid + 0.5 * h * GL.x[i]) * GL.w[i] * 0.5 * h;
        value += f;
        abs += Math.abs(f);
      }
    }
    return { value, abs };
  };
  let prev = composite(4);
  for (let panels = 8; panels <= MAX_PANELS; panels *= 2) {
    const cur = composite(panels);
    if (Math.abs(cur.value - prev.value) <= REL_TOL * Math.max(cur.abs, Number.MIN_VALUE)) {
      return constant * cur.value;
    }
    prev = cur;
  }
  throw new SpecError(
    'E_CONVERGENCE',
    `funkHeckeEigenvalue: quadrature did not reach 1e-13 relative accuracy with ${MAX_PANELS} panels (d = ${d}, k = ${k}); the kernel may be non-smooth in θ = arccos t`,
  );
}
