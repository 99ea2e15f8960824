import { SpecError } from '@spec/core';

/**
 * Generic solver for the complex fixed points δ = F(δ; z) behind every limit law in this package
 * (apps/docs/theory/toolkit.md#marchenko-pastur "Robust solving", fan-wang.md#ntk-fixed-point step 4): damped
 * iteration, an η-homotopy, Newton with a finite-difference Jacobian (and chord/Broyden steps along a
 * march), and a branch check.
 *
 * Why a branch check decides everything: δ = F(δ; z) has several roots. Far in C⁺ the damped iteration
 * contracts to the right one (the Stieltjes transform of the law), but close to the real axis other roots come
 * within reach of a warm start — at a support edge the right root meets another one (a square-root branch
 * point), and inside a support component of one layer there are real roots (Im m ∝ η) left over from the gaps
 * of the others. Newton started from the solution at a neighbouring point (a march along the axis) or from a
 * too distant η (an aggressive homotopy) converges to whichever root is nearest. Accepting any root with
 * Im m ≥ 0, as this solver did, let marches run on a real root through a whole component, whose density
 * then came out 0: the NTK for n/d = (1, 20) lost 95 % of its mass. Now a root is accepted only when it
 * satisfies the conditions of the true branch ({@link onBranch}), a homotopy step only when its corrector
 * stays near the prediction, and otherwise the point is solved again by the homotopy from far in C⁺.
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
  /**
   * Optional sign conditions that the unknowns of the true solution satisfy for z ∈ C⁺ (for the kernel
   * system: Im u_ℓ ≤ 0 at every level, see kernel-system.ts). A root of δ = F(δ) that violates them is a
   * spurious root.
   */
  admissible?(d: Float64Array): boolean;
}

/** Work buffers for one system (reuse across points to avoid allocation). */
export interface SolverWork {
  readonly f: Float64Array;
  readonly f2: Float64Array;
  readonly trial: Float64Array;
  readonly jac: Float64Array;
  readonly step: Float64Array;
  readonly m: Float64Array;
  /** m saved across a rejected chord step. */
  readonly m2: Float64Array;
  /** (J − I)⁻¹ of the last Jacobian, updated by Broyden steps: the chord steps' matrix. */
  readonly inv: Float64Array;
  /** Row swaps of the LU factors in `jac`. */
  readonly piv: Int32Array;
  /** [1] when `inv` holds a usable inverse. */
  readonly factored: Uint8Array;
  /** Vectors of the Broyden update. */
  readonly bs: Float64Array;
  readonly by: Float64Array;
  readonly bu: Float64Array;
  readonly bv: Float64Array;
}

/** Work buffers for a system of `size` complex unknowns. */
export function createWork(size: number): SolverWork {
  return {
    f: new Float64Array(2 * size),
    f2: new Float64Array(2 * size),
    trial: new Float64Array(2 * size),
    jac: new Float64Array(2 * size * size),
    step: new Float64Array(2 * size),
    m: new Float64Array(2),
    m2: new Float64Array(2),
    inv: new Float64Array(2 * size * size),
    bs: new Float64Array(2 * size),
    by: new Float64Array(2 * size),
    bu: new Float64Array(2 * size),
    bv: new Float64Array(2 * size),
    piv: new Int32Array(size),
    factored: new Uint8Array(1),
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
    // (sqrt rather than Math.hypot, which is several times slower; the values are far from overflow)
    const e = Math.sqrt(a * a + b * b) / (1 + Math.sqrt(d[2 * k] * d[2 * k] + d[2 * k + 1] * d[2 * k + 1]));
    if (!(e <= r)) r = Number.isNaN(e) ? Infinity : Math.max(r, e);
  }
  return r;
}

/**
 * LU factorisation with partial pivoting of the complex N × N matrix A (row-major, interleaved re/im), in
 * place: the multipliers below the diagonal, U on and above it; row swaps recorded in `piv`. Returns false
 * when A is singular.
 */
function complexLu(n: number, A: Float64Array, piv: Int32Array): boolean {
  for (let c = 0; c < n; c++) {
    let p = c;
    let best = -1;
    for (let r = c; r < n; r++) {
      const v = A[2 * (r * n + c)] ** 2 + A[2 * (r * n + c) + 1] ** 2; // |A_rc|²
      if (v > best) {
        best = v;
        p = r;
      }
    }
    if (!(best > 1e-280)) return false; // singular (|pivot| < 1e−140)
    piv[c] = p;
    if (p !== c) {
      for (let k = 0; k < 2 * n; k++) {
        const tmp = A[2 * c * n + k];
        A[2 * c * n + k] = A[2 * p * n + k];
        A[2 * p * n + k] = tmp;
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
      A[2 * (r * n + c)] = fr;
      A[2 * (r * n + c) + 1] = fi;
      for (let k = c + 1; k < n; k++) {
        const cr = A[2 * (c * n + k)];
        const ci = A[2 * (c * n + k) + 1];
        A[2 * (r * n + k)] -= fr * cr - fi * ci;
        A[2 * (r * n + k) + 1] -= fr * ci + fi * cr;
      }
    }
  }
  return true;
}

/** Solves LU x = b in place (b interleaved) with the factors of {@link complexLu}. */
function complexLuSolve(n: number, A: Float64Array, piv: Int32Array, b: Float64Array): void {
  // the factorisation swapped whole rows (multipliers included): apply every swap first, then L, then U
  for (let c = 0; c < n; c++) {
    const p = piv[c];
    if (p !== c) {
      for (let t = 0; t < 2; t++) {
        const tmp = b[2 * c + t];
        b[2 * c + t] = b[2 * p + t];
        b[2 * p + t] = tmp;
      }
    }
  }
  for (let c = 0; c < n; c++) {
    const br = b[2 * c];
    const bi = b[2 * c + 1];
    for (let r = c + 1; r < n; r++) {
      const fr = A[2 * (r * n + c)];
      const fi = A[2 * (r * n + c) + 1];
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
}

/** out = H·v for the complex N × N matrix H (row-major interleaved) and vector v (interleaved). */
function complexMatVec(n: number, H: Float64Array, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const hr = H[2 * (i * n + j)];
      const hi = H[2 * (i * n + j) + 1];
      sr += hr * v[2 * j] - hi * v[2 * j + 1];
      si += hr * v[2 * j + 1] + hi * v[2 * j];
    }
    out[2 * i] = sr;
    out[2 * i + 1] = si;
  }
}

/** Writes the inverse of the LU-factored matrix (`complexLu`) into `inv`, one unit vector at a time. */
function complexLuInverse(n: number, LU: Float64Array, piv: Int32Array, col: Float64Array, inv: Float64Array): void {
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[2 * j] = 1;
    complexLuSolve(n, LU, piv, col);
    for (let i = 0; i < n; i++) {
      inv[2 * (i * n + j)] = col[2 * i];
      inv[2 * (i * n + j) + 1] = col[2 * i + 1];
    }
  }
}

/**
 * Broyden's rank-one update, applied to the inverse H ≈ (J − I)⁻¹ by Sherman–Morrison so that no
 * refactorisation is needed: after the step s = trial − d, with the change y = R(trial) − R(d) of the
 * residual R = F − δ (R(d) from w.f2, R(trial) from w.f), H ← H + (s − H y)(sᴴ H)/(sᴴ H y). Keeps the chord
 * steps converging superlinearly at O(N²) a step.
 */
function broydenUpdate(n: number, w: SolverWork, d: Float64Array): void {
  const H = w.inv;
  const s = w.bs;
  const y = w.by;
  for (let k = 0; k < 2 * n; k++) {
    s[k] = w.trial[k] - d[k];
    y[k] = w.f[k] - w.trial[k] - (w.f2[k] - d[k]);
  }
  const Hy = w.bu;
  complexMatVec(n, H, y, Hy);
  // u = s − H y; v = sᴴ H; den = v·y
  const v = w.bv;
  let denR = 0;
  let denI = 0;
  for (let j = 0; j < n; j++) {
    let vr = 0;
    let vi = 0;
    for (let i = 0; i < n; i++) {
      const hr = H[2 * (i * n + j)];
      const hi = H[2 * (i * n + j) + 1];
      // conj(s_i)·H_ij
      vr += s[2 * i] * hr + s[2 * i + 1] * hi;
      vi += s[2 * i] * hi - s[2 * i + 1] * hr;
    }
    v[2 * j] = vr;
    v[2 * j + 1] = vi;
    denR += vr * y[2 * j] - vi * y[2 * j + 1];
    denI += vr * y[2 * j + 1] + vi * y[2 * j];
  }
  const den = denR * denR + denI * denI;
  if (!(den > 0) || !Number.isFinite(den)) {
    w.factored[0] = 0;
    return;
  }
  for (let i = 0; i < n; i++) {
    // c_i = u_i / den
    const ur = s[2 * i] - Hy[2 * i];
    const ui = s[2 * i + 1] - Hy[2 * i + 1];
    const cr = (ur * denR + ui * denI) / den;
    const ci = (ui * denR - ur * denI) / den;
    for (let j = 0; j < n; j++) {
      H[2 * (i * n + j)] += cr * v[2 * j] - ci * v[2 * j + 1];
      H[2 * (i * n + j) + 1] += cr * v[2 * j + 1] + ci * v[2 * j];
    }
  }
}

/** Most chord steps (Newton steps with the last factorised Jacobian) tried before a fresh Jacobian. */
const MAX_CHORD = 5;
/** A chord step must shrink the residual at least by this factor, else a fresh Jacobian is computed. */
const CHORD_RATE = 0.25;

/**
 * Newton's method on R(δ) = F(δ) − δ with a finite-difference Jacobian (F is holomorphic in δ, so one
 * real-direction difference per unknown gives the complex derivative) and backtracking (a damped step
 * δ + λ·Δ, λ = 1, ½, …, that must lower the residual). Along a march the Jacobian barely changes from
 * one point to the next, so the last factorised one is tried first (chord steps, one evaluation of F
 * each instead of size + 1) while they contract the residual fast.
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
  if (w.factored[0] === 1 && res >= TOL && Number.isFinite(res)) {
    for (let c = 0; c < MAX_CHORD && res >= TOL; c++) {
      // s = −(J − I)⁻¹ R(δ)
      for (let k = 0; k < 2 * n; k++) w.trial[k] = w.f[k] - d[k];
      complexMatVec(n, w.inv, w.trial, w.step);
      for (let k = 0; k < 2 * n; k++) w.trial[k] = d[k] - w.step[k];
      w.f2.set(w.f);
      w.m2.set(w.m);
      const r2 = residual(sys, zr, zi, w.trial, w);
      if (!(r2 < CHORD_RATE * res)) {
        w.f.set(w.f2);
        w.m.set(w.m2);
        break;
      }
      if (r2 >= TOL) broydenUpdate(n, w, d);
      d.set(w.trial);
      res = r2;
    }
  }
  for (let it = 0; it < maxIter; it++) {
    if (res < TOL) return true;
    if (!Number.isFinite(res)) return false;
    const J = w.jac;
    // rhs = −R
    for (let k = 0; k < 2 * n; k++) w.step[k] = -(w.f[k] - d[k]);
    const base = w.f2;
    base.set(w.f);
    for (let j = 0; j < n; j++) {
      const h = 1e-7 * (1 + Math.sqrt(d[2 * j] * d[2 * j] + d[2 * j + 1] * d[2 * j + 1]));
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
    w.factored[0] = 0;
    if (!complexLu(n, J, w.piv)) return false;
    complexLuSolve(n, J, w.piv, w.step);
    complexLuInverse(n, J, w.piv, w.bu, w.inv);
    w.factored[0] = 1;
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

/** Damped iteration δ ← (1 − α)δ + αF(δ) (apps/docs/theory/fan-wang.md#ntk-fixed-point step 4); true on convergence. */
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

/** Relative slack of the branch conditions (the solves stop at a relative residual of 1e−12). */
const BRANCH_TOL = 1e-10;

/**
 * Branch check for a solution at z = zr + i·zi (apps/docs/theory/toolkit.md#marchenko-pastur "Branch
 * choice"). The fixed-point equations
 * have several roots; near the real axis some of them are real (Im m ∝ η) inside the true support, so
 * "Im m ≥ 0" alone accepts them and a whole support component then shows density 0. The Stieltjes
 * transform m of a probability law on [0, ∞) satisfies, for Im z > 0,
 * - Im m ≥ 0 and Im(z·m) = ∫ t·Im z/|t − z|² ν(dt) ≥ 0;
 * - |m|² ≤ Im m / Im z (Cauchy–Schwarz: |∫ν(dt)/(t − z)|² ≤ ∫ν(dt)/|t − z|² = Im m/Im z, total mass 1);
 * and for real z < 0, 0 < m ≤ 1/|z|. On top, `sys.admissible` checks the system's own unknowns
 * (Im u_ℓ ≤ 0 for the kernel system), which is what rejects the real roots inside a support component.
 */
export function onBranch(sys: FixedPointSystem, zr: number, zi: number, d: Float64Array, m: Float64Array): boolean {
  const re = m[0];
  const im = m[1];
  if (!Number.isFinite(re) || !Number.isFinite(im)) return false;
  const abs = Math.hypot(re, im);
  const tol = BRANCH_TOL * (abs + 1 / sys.scale);
  if (zi > 0) {
    if (im < -tol) return false;
    if (zr * im + zi * re < -tol * Math.hypot(zr, zi)) return false;
    // (Im m is known only to ~1e−16·|m|·condition: the slack tol makes the test vacuous, as it must be, once
    // Im z is that small)
    if (abs * abs * zi > im * (1 + BRANCH_TOL) + tol) return false;
  } else if (zi === 0 && zr < 0) {
    if (!(re > 0) || re * -zr > 1 + BRANCH_TOL) return false;
  }
  return sys.admissible === undefined || sys.admissible(d);
}

/**
 * Smallest ratio η_{k+1}/η_k of the η-homotopy. m(x + iη) is analytic in the disc of radius η around
 * x + iη (its singularities lie on the real axis), so a step to η_{k+1} = f·η_k stays inside the disc
 * where the previous solution is a good start; with f ≪ 1 (the old schedule went down to 1e−3) the
 * step reaches the rim, and Newton can land on another root of the equations that passes the branch
 * checks — e.g. for the CK with n/d = (2, 1, 2) a root with density 1.07 inside the gap [0, 0.012).
 */
const HOMOTOPY_MIN_FACTOR = 0.125;

/**
 * Largest accepted Newton correction, relative to 1 + |δ_k|, away from the predicted start of a
 * continuation step. A corrector that moves further has probably left the root it was following for
 * another one (path jumping); the step is then retried shorter.
 */
const MAX_CORRECTION = 0.25;

/** max_k |a_k − b_k| / (1 + |a_k|) over the complex unknowns. */
function displacement(a: Float64Array, b: Float64Array): number {
  let r = 0;
  for (let k = 0; k < a.length; k += 2) {
    r = Math.max(r, Math.hypot(a[k] - b[k], a[k + 1] - b[k + 1]) / (1 + Math.hypot(a[k], a[k + 1])));
  }
  return r;
}

/** What the solver could not do, in the user's terms (the cause is in the solver, not in the input). */
const NO_CONVERGENCE =
  'the fixed-point equations of the limit law could not be solved on the branch of a probability law (a failure of the solver, not of the input)';

/**
 * η-homotopy (apps/docs/theory/toolkit.md#marchenko-pastur): solve at zr + iη_k for η_k = H, H/2, H/8, … down to `zi`, starting from
 * δ = 0 at H = max(scale, 4·zi, |zr|) (damped iteration, which contracts that far from the real axis).
 * Each level starts from a secant predictor through the two previous ones and is solved by Newton; it
 * is accepted only on the branch of a probability law ({@link onBranch}) and when the corrector stayed
 * within {@link MAX_CORRECTION} of the prediction — otherwise the step is retried shorter. So the
 * solution at `zi` is the one continuously connected to far in C⁺, i.e. the Stieltjes transform.
 *
 * Where Newton cannot get below some η (near a hard edge, |m| ≫ 1/scale and the map's terms cancel to
 * below 1e-12), the solution at that η is returned when η ≤ `acceptEta` (a larger smoothing that the
 * caller accepts); otherwise, and when the start fails, it throws E_CONVERGENCE.
 * @returns the η of the solution left in `d` (`zi`, or at most `acceptEta`).
 */
export function homotopySolve(
  sys: FixedPointSystem,
  zr: number,
  zi: number,
  d: Float64Array,
  w: SolverWork,
  acceptEta = zi,
): number {
  d.fill(0);
  w.factored[0] = 0;
  let eta = Math.max(sys.scale, 4 * zi, Math.abs(zr));
  if (!dampedSolve(sys, zr, eta, d, w, 2000) || !onBranch(sys, zr, eta, d, w.m)) {
    throw new SpecError('E_CONVERGENCE', `${sys.label}: ${NO_CONVERGENCE} at z = ${zr} + ${eta}i`);
  }
  const n2 = 2 * sys.size;
  const save = new Float64Array(n2);
  const prev = new Float64Array(n2);
  const pred = new Float64Array(n2);
  let prevEta = NaN;
  let factor = 0.5;
  while (eta > zi) {
    let next = Math.max(zi, eta * factor);
    if (next < 1e-14 * sys.scale) next = zi;
    save.set(d);
    if (Number.isFinite(prevEta)) {
      // secant predictor in η (δ is smooth along the vertical line)
      const t = (next - eta) / (eta - prevEta);
      for (let k = 0; k < n2; k++) d[k] += t * (d[k] - prev[k]);
    }
    pred.set(d);
    if (
      newtonSolve(sys, zr, next, d, w) &&
      onBranch(sys, zr, next, d, w.m) &&
      displacement(d, pred) <= MAX_CORRECTION
    ) {
      prev.set(save);
      prevEta = eta;
      eta = next;
      factor = Math.max(factor * factor, HOMOTOPY_MIN_FACTOR);
    } else {
      d.set(save);
      w.factored[0] = 0; // the Jacobian of a rejected step must not steer the retry
      factor = Math.sqrt(factor);
      if (factor > 0.97) {
        if (eta <= acceptEta) {
          residual(sys, zr, eta, d, w);
          return eta;
        }
        throw new SpecError('E_CONVERGENCE', `${sys.label}: ${NO_CONVERGENCE} at z = ${zr} + ${next}i`);
      }
    }
  }
  return zi;
}

/**
 * Solves at z = zr + i·zi: Newton from the warm start `d` (the solution at a neighbouring point) when
 * `warm`; otherwise, or when that fails or lands on another branch, the η-homotopy. Leaves δ in `d`
 * and m in `w.m`.
 * @returns the η actually used: `zi`, or (near a hard edge) a larger one up to `acceptEta`.
 */
export function solvePoint(
  sys: FixedPointSystem,
  zr: number,
  zi: number,
  d: Float64Array,
  w: SolverWork,
  warm: boolean,
  acceptEta = zi,
): number {
  if (warm && newtonSolve(sys, zr, zi, d, w, 25) && onBranch(sys, zr, zi, d, w.m)) return zi;
  return homotopySolve(sys, zr, zi, d, w, acceptEta);
}
