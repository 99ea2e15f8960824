import { SpecError } from '@spec/core';

/**
 * Generic solver for the complex fixed points δ = F(δ; z) behind every limit law in this package
 * (apps/docs/theory/toolkit.md#marchenko-pastur "Robust solving", apps/docs/theory/fan-wang.md#ntk-fixed-point step 4):
 * damped iteration, η-homotopy, Newton with a finite-difference Jacobian, and a branch check (Im m ≥ 0 on C⁺).
 *
 * Unknowns are stored interleaved: d[2k] = Re δ_k, d[2k+1] = Im δ_k.
 */
export interface FixedPointSystem {
  /** Number of complex unknowns. */
  readonly size: number;
  /** Spectral scale (an upper bound of the support): sets the homotopy's starting η and tolerances. */
  readonly scale: number;
  /** What is being solved, for error messages. */
  readonly label: string;
  /** Writes F(δ) into `out` (2·size) and the Stieltjes value m for this δ into `m` (2 entries). */
  map(zr: number, zi: number, d: Float64Array, out: Float64Array, m: Float64Array): void;
}

/** Work buffers for one system (reuse across points to avoid allocation). */
export interface SolverWork {
  readonly f: Float64Array;
  readonly f2: Float64Array;
  readonly trial: Float64Array;
  readonly jac: Float64Array;
  readonly step: Float64Array;
  readonly m: Float64Array;
}

export function createWork(size: number): SolverWork {
  return {
    f: new Float64Array(2 * size),
    f2: new Float64Array(2 * size),
    trial: new Float64Array(2 * size),
    jac: new Float64Array(8 * size * size + 4 * size),
    step: new Float64Array(2 * size),
    m: new Float64Array(2),
  };
}

const TOL = 1e-12;

/** max_k |F(δ)_k − δ_k| / (1 + |δ_k|); also leaves F(δ) in w.f and m in w.m. */
function residual(sys: FixedPointSystem, zr: number, zi: number, d: Float64Array, w: SolverWork): number {
  sys.map(zr, zi, d, w.f, w.m);
  let r = 0;
  for (let k = 0; k < sys.size; k++) {
    const a = w.f[2 * k] - d[2 * k];
    const b = w.f[2 * k + 1] - d[2 * k + 1];
    const e = Math.hypot(a, b) / (1 + Math.hypot(d[2 * k], d[2 * k + 1]));
    if (!(e <= r)) r = Number.isNaN(e) ? Infinity : Math.max(r, e);
  }
  return r;
}

/**
 * Solves the complex N × N system A x = b in place by Gaussian elimination with partial pivoting.
 * A is row-major interleaved (re, im), b interleaved; returns false when singular.
 */
function complexSolve(n: number, A: Float64Array, b: Float64Array): boolean {
  for (let c = 0; c < n; c++) {
    let piv = c;
    let best = -1;
    for (let r = c; r < n; r++) {
      const v = Math.hypot(A[2 * (r * n + c)], A[2 * (r * n + c) + 1]);
      if (v > best) {
        best = v;
        piv = r;
      }
    }
    if (!(best > 1e-300)) return false;
    if (piv !== c) {
      for (let k = 0; k < n; k++) {
        for (let t = 0; t < 2; t++) {
          const i1 = 2 * (c * n + k) + t;
          const i2 = 2 * (piv * n + k) + t;
          const tmp = A[i1];
          A[i1] = A[i2];
          A[i2] = tmp;
        }
      }
      for (let t = 0; t < 2; t++) {
        const tmp = b[2 * c + t];
        b[2 * c + t] = b[2 * piv + t];
        b[2 * piv + t] = tmp;
      }
    }
    const pr = A[2 * (c * n + c)];
    const pi = A[2 * (c * n + c) + 1];
    const den = pr * pr + pi * pi;
    for (let r = c + 1; r < n; r++) {
      const ar = A[2 * (r * n + c)];
      const ai = A[2 * (r * n + c) + 1];
      const fr = (ar * pr + ai * pi) / den;
      const fi = (ai * pr - ar * pi) / den;
      for (let k = c; k < n; k++) {
        const cr = A[2 * (c * n + k)];
        const ci = A[2 * (c * n + k) + 1];
        A[2 * (r * n + k)] -= fr * cr - fi * ci;
        A[2 * (r * n + k) + 1] -= fr * ci + fi * cr;
      }
      const br = b[2 * c];
      const bi = b[2 * c + 1];
      b[2 * r] -= fr * br - fi * bi;
      b[2 * r + 1] -= fr * bi + fi * br;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let sr = b[2 * r];
    let si = b[2 * r + 1];
    for (let k = r + 1; k < n; k++) {
      const ar = A[2 * (r * n + k)];
      const ai = A[2 * (r * n + k) + 1];
      sr -= ar * b[2 * k] - ai * b[2 * k + 1];
      si -= ar * b[2 * k + 1] + ai * b[2 * k];
    }
    const pr = A[2 * (r * n + r)];
    const pi = A[2 * (r * n + r) + 1];
    const den = pr * pr + pi * pi;
    b[2 * r] = (sr * pr + si * pi) / den;
    b[2 * r + 1] = (si * pr - sr * pi) / den;
  }
  return true;
}

/**
 * Newton's method on R(δ) = F(δ) − δ with a finite-difference Jacobian (F is holomorphic in δ, so one
 * real-direction difference per unknown gives the complex derivative) and backtracking.
 * Updates d in place; returns true when the relative residual drops below 1e−12.
 */
export function newtonSolve(
  sys: FixedPointSystem,
  zr: number,
  zi: number,
  d: Float64Array,
  w: SolverWork,
  maxIter = 40,
): boolean {
  const n = sys.size;
  let res = residual(sys, zr, zi, d, w);
  for (let it = 0; it < maxIter; it++) {
    if (res < TOL) return true;
    if (!Number.isFinite(res)) return false;
    const J = w.jac;
    // rhs = −R
    for (let k = 0; k < 2 * n; k++) w.step[k] = -(w.f[k] - d[k]);
    const base = w.f2;
    base.set(w.f);
    for (let j = 0; j < n; j++) {
      const h = 1e-7 * (1 + Math.hypot(d[2 * j], d[2 * j + 1]));
      const saved = d[2 * j];
      d[2 * j] = saved + h;
      sys.map(zr, zi, d, w.trial, w.m);
      d[2 * j] = saved;
      for (let i = 0; i < n; i++) {
        // (J − I)_{ij}
        J[2 * (i * n + j)] = (w.trial[2 * i] - base[2 * i]) / h - (i === j ? 1 : 0);
        J[2 * (i * n + j) + 1] = (w.trial[2 * i + 1] - base[2 * i + 1]) / h;
      }
    }
    if (!complexSolve(n, J, w.step)) return false;
    let lambda = 1;
    let accepted = false;
    const old = w.trial;
    for (let ls = 0; ls < 12; ls++) {
      for (let k = 0; k < 2 * n; k++) old[k] = d[k] + lambda * w.step[k];
      const r2 = residual(sys, zr, zi, old, w);
      if (r2 < res || r2 < TOL) {
        d.set(old);
        res = r2;
        accepted = true;
        break;
      }
      lambda *= 0.5;
    }
    if (!accepted) {
      residual(sys, zr, zi, d, w);
      return res < TOL;
    }
  }
  res = residual(sys, zr, zi, d, w);
  return res < TOL;
}

/**
 * Damped iteration δ ← (1 − α)δ + αF(δ) (apps/docs/theory/fan-wang.md#ntk-fixed-point step 4); returns true on
 * convergence.
 */
export function dampedSolve(
  sys: FixedPointSystem,
  zr: number,
  zi: number,
  d: Float64Array,
  w: SolverWork,
  maxIter = 20000,
  alpha = 0.5,
): boolean {
  for (let it = 0; it < maxIter; it++) {
    const res = residual(sys, zr, zi, d, w);
    if (res < TOL) return true;
    if (!Number.isFinite(res)) return false;
    for (let k = 0; k < 2 * sys.size; k++) d[k] = (1 - alpha) * d[k] + alpha * w.f[k];
  }
  return residual(sys, zr, zi, d, w) < TOL;
}

/**
 * Branch check for a solution at z = zr + i·zi (apps/docs/theory/toolkit.md#marchenko-pastur): m finite, Im m ≥ 0 when
 * Im z ≥ 0 (up to rounding), and for real z < 0 (left of a spectrum on [0, ∞)) m > 0.
 */
export function onBranch(zr: number, zi: number, m: Float64Array, scale: number): boolean {
  const re = m[0];
  const im = m[1];
  if (!Number.isFinite(re) || !Number.isFinite(im)) return false;
  const tol = 1e-9 * (Math.hypot(re, im) + 1 / scale);
  if (zi >= 0 && im < -tol) return false;
  if (zi === 0 && zr < 0 && re <= 0) return false;
  return true;
}

/** Solve with Newton, falling back to damped iteration; true on convergence on the right branch. */
function solveOnce(sys: FixedPointSystem, zr: number, zi: number, d: Float64Array, w: SolverWork): boolean {
  const save = Float64Array.from(d);
  if (newtonSolve(sys, zr, zi, d, w) && onBranch(zr, zi, w.m, sys.scale)) return true;
  d.set(save);
  if (dampedSolve(sys, zr, zi, d, w) && onBranch(zr, zi, w.m, sys.scale)) return true;
  return false;
}

/**
 * η-homotopy (apps/docs/theory/toolkit.md#marchenko-pastur): solve at z + iη_k for η_k = scale, scale/3, … down to Im
 * z, starting from δ = 0, each level warm-started by the previous one. Throws E_CONVERGENCE on failure.
 */
export function homotopySolve(sys: FixedPointSystem, zr: number, zi: number, d: Float64Array, w: SolverWork): void {
  d.fill(0);
  let eta = Math.max(sys.scale, 4 * zi, Math.abs(zr));
  if (!dampedSolve(sys, zr, eta, d, w, 2000) || !onBranch(zr, eta, w.m, sys.scale)) {
    throw new SpecError(
      'E_CONVERGENCE',
      `${sys.label}: fixed point did not converge at z = ${zr} + ${eta}i (start of the η-homotopy); check the ratios`,
    );
  }
  let factor = 1 / 3;
  while (eta > zi) {
    let next = Math.max(zi, eta * factor);
    if (next < 1e-14 * sys.scale) next = zi;
    const save = Float64Array.from(d);
    if (solveOnce(sys, zr, next, d, w)) {
      eta = next;
      factor = Math.max(factor * factor, 1e-3);
    } else {
      d.set(save);
      factor = Math.sqrt(factor);
      if (factor > 0.97) {
        throw new SpecError(
          'E_CONVERGENCE',
          `${sys.label}: fixed point did not converge at z = ${zr} + ${next}i on the η-homotopy (residual above 1e-12); try a larger η`,
        );
      }
    }
  }
}

/**
 * Solves at z = zr + i·zi: Newton from the warm start `d` when `warm`, otherwise (or when that fails
 * or lands on the wrong branch) the η-homotopy. Leaves δ in `d` and m(z) in `w.m`.
 */
export function solvePoint(
  sys: FixedPointSystem,
  zr: number,
  zi: number,
  d: Float64Array,
  w: SolverWork,
  warm: boolean,
): void {
  if (warm && solveOnceFast(sys, zr, zi, d, w)) return;
  homotopySolve(sys, zr, zi, d, w);
  residual(sys, zr, zi, d, w);
  if (!onBranch(zr, zi, w.m, sys.scale)) {
    throw new SpecError(
      'E_CONVERGENCE',
      `${sys.label}: solution at z = ${zr} + ${zi}i is on the wrong branch (Im m < 0)`,
    );
  }
}

function solveOnceFast(sys: FixedPointSystem, zr: number, zi: number, d: Float64Array, w: SolverWork): boolean {
  const save = Float64Array.from(d);
  if (newtonSolve(sys, zr, zi, d, w, 25) && onBranch(zr, zi, w.m, sys.scale)) return true;
  d.set(save);
  return false;
}
