import { SpecError } from '@spec/core';
import type { Complex } from './complex.js';
import { type FixedPointSystem, createWork, solvePoint } from './fixed-point.js';
import {
  type InputMeasure,
  checkInputMeasure,
  discreteMeasure,
  inputAtomAtZero,
  inputUpperBound,
  lawStieltjes,
} from './input-measure.js';

/**
 * A linear combination r·I + Σ_{ℓ=0}^{L} q_ℓ K_ℓ of the per-layer CK matrices of a linear-width network
 * (apps/docs/theory/fan-wang.md#ntk-surrogate–2.5). The CK of layer L is r = 0, q = e_L; the NTK is r = r₊, q_ℓ = b^{2(L−ℓ)}.
 */
export interface KernelCombination {
  /** γ_1..γ_L = n/d_ℓ, one per hidden layer (L ≥ 1). */
  readonly samplesPerNeuron: readonly number[];
  /** b_σ = E σ̃′(ξ), the linear Hermite coefficient of the normalised activation (apps/docs/theory/toolkit.md#normalised-activations), |b| ≤ 1. */
  readonly b: number;
  /** Law μ_0 of K_0 = XᵀX. */
  readonly input: InputMeasure;
  /** Multiple r ≥ 0 of the identity. */
  readonly r: number;
  /** q_0..q_L ≥ 0 (length L + 1). */
  readonly q: readonly number[];
}

/** Throws E_INPUT unless the combination is well formed. */
export function checkCombination(c: KernelCombination, where: string): void {
  const L = c.samplesPerNeuron.length;
  if (L < 1) throw new SpecError('E_INPUT', `${where}: samplesPerNeuron needs at least one hidden layer`);
  c.samplesPerNeuron.forEach((g, i) => {
    if (!Number.isFinite(g) || g <= 0) {
      throw new SpecError(
        'E_INPUT',
        `${where}: samplesPerNeuron[${i}] (n/d_${i + 1}) must be finite and > 0, got ${g}`,
      );
    }
  });
  if (!Number.isFinite(c.b) || Math.abs(c.b) > 1) {
    throw new SpecError(
      'E_INPUT',
      `${where}: b must satisfy |b| ≤ 1 for a normalised activation (apps/docs/theory/toolkit.md#normalised-activations), got ${c.b}`,
    );
  }
  if (!Number.isFinite(c.r) || c.r < 0)
    throw new SpecError('E_INPUT', `${where}: r must be finite and ≥ 0, got ${c.r}`);
  if (c.q.length !== L + 1)
    throw new SpecError('E_INPUT', `${where}: q needs ${L + 1} entries (q_0..q_L), got ${c.q.length}`);
  c.q.forEach((v, i) => {
    if (!Number.isFinite(v) || v < 0)
      throw new SpecError('E_INPUT', `${where}: q[${i}] must be finite and ≥ 0, got ${v}`);
  });
  if (c.q.every((v) => v === 0))
    throw new SpecError('E_INPUT', `${where}: all q_ℓ are 0 (the law would be a point mass at r)`);
  checkInputMeasure(c.input, where);
}

/** |1 − b²| below which an activation is treated as linear (rounding of b computed by quadrature). */
const LINEAR_TOL = 1e-12;

/**
 * Atoms of the limit law of r·I + Σ q_ℓ K_ℓ (apps/docs/theory/fan-wang.md#ck-limit "Atoms",
 * #ntk-fixed-point "NTK"), ascending. rank K_ℓ/n → min(1, 1/γ_ℓ), i.e. K_ℓ has a null fraction
 * p_ℓ = max(0, 1 − 1/γ_ℓ) that is in generic position with respect to the layers below (null K_ℓ depends on
 * the fresh weights W_ℓ), so fractions of subspaces combine as D ← max(0, D + p_ℓ − 1).
 * - At r: the common null space of the K_ℓ with q_ℓ > 0; for |b| < 1 with p_0 the input's atom at 0; for
 *   b² = 1 the null spaces are nested (null K_{ℓ−1} ⊂ null K_ℓ), so the common one is that of the lowest
 *   layer used.
 * - At r + q_0·x for every other atom x of a discrete input (weight w), when q_0 > 0: on the intersection of
 *   the x-eigenspace of K_0 (fraction w, inside the row space of X, so generic for every activation) with
 *   the null spaces of the K_ℓ (ℓ ≥ 1, q_ℓ > 0) the combination is r + q_0·x, so D starts at w.
 */
export function combinationAtoms(c: KernelCombination): { x: number; mass: number }[] {
  const L = c.samplesPerNeuron.length;
  const p = new Array<number>(L + 1);
  p[0] = inputAtomAtZero(c.input);
  // b² = 1 up to rounding (a linear σ whose b came out of quadrature as 1 − 1e−16): the nested rule. For
  // b² = 1 − ε the null spaces are generic, but the part of the atom that then moves off 0 sits at O(ε)
  // — numerically an atom, and the b² → 1 limit of the law is the linear one.
  const linear = Math.abs(1 - c.b * c.b) <= LINEAR_TOL;
  const fresh = (l: number): number => Math.max(0, 1 - 1 / c.samplesPerNeuron[l - 1]);
  for (let l = 1; l <= L; l++) p[l] = linear ? Math.max(p[l - 1], fresh(l)) : fresh(l);
  let D = 1;
  let first = true;
  for (let l = 0; l <= L; l++) {
    if (c.q[l] === 0) continue;
    if (linear) {
      if (first) D = p[l];
    } else {
      D = Math.max(0, D + p[l] - 1);
    }
    first = false;
  }
  const atoms = D > 1e-15 ? [{ x: c.r, mass: D }] : [];
  if (c.q[0] > 0 && c.input.kind === 'atoms') {
    const d = discreteMeasure(c.input);
    const weights = new Map<number, number>();
    for (let i = 0; i < d.x.length; i++) if (d.x[i] > 0) weights.set(d.x[i], (weights.get(d.x[i]) ?? 0) + d.w[i]);
    for (const [x, w] of weights) {
      let Dx = w;
      for (let l = 1; l <= L; l++) if (c.q[l] > 0) Dx = Math.max(0, Dx + fresh(l) - 1);
      if (Dx > 1e-15) atoms.push({ x: c.r + c.q[0] * x, mass: Dx });
    }
  }
  return atoms.sort((u, v) => u.x - v.x);
}

/**
 * Mean ∫ x ν(dx) of the limit law of r·I + Σ q_ℓ K_ℓ in closed form: r + Σ q_ℓ·mean(μ_ℓ), where
 * mean(μ_ℓ) = (1 − b²) + b²·mean(μ_{ℓ−1}) (ρ^MP_γ ⊠ ν has the mean of ν, apps/docs/theory/fan-wang.md#ck-limit), so 1 for every layer
 * of an MP input and Σ_{k=0}^{L} a^k for the NTK (apps/docs/theory/fan-wang.md#ntk-surrogate). Undefined for a `'law'` input (its mean is not given).
 */
export function combinationMean(c: KernelCombination): number | undefined {
  const input = c.input;
  let mu: number;
  if (input.kind === 'mp') mu = 1;
  else if (input.kind === 'atoms') {
    const d = discreteMeasure(input);
    mu = 0;
    for (let i = 0; i < d.x.length; i++) mu += d.w[i] * d.x[i];
  } else return undefined;
  const b2 = c.b * c.b;
  let mean = c.r + c.q[0] * mu;
  c.samplesPerNeuron.forEach((_, i) => {
    mu = 1 - b2 + b2 * mu;
    mean += c.q[i + 1] * mu;
  });
  return mean;
}

/** An upper bound of the support: ‖K_ℓ‖ ≤ ((1 − b²) + b²‖K_{ℓ−1}‖)(1 + √γ_ℓ)², then r + Σ q_ℓ‖K_ℓ‖. */
export function combinationUpperBound(c: KernelCombination): number {
  const b2 = c.b * c.b;
  let T = inputUpperBound(c.input);
  let U = c.r + c.q[0] * T;
  c.samplesPerNeuron.forEach((g, i) => {
    T = (1 - b2 + b2 * T) * (1 + Math.sqrt(g)) ** 2;
    U += c.q[i + 1] * T;
  });
  return U;
}

/** Slack of the sign condition Im u_ℓ ≤ 0 relative to |u_ℓ| (the solves converge to ~1e−12 relative). */
const SIGN_TOL = 1e-10;

/**
 * The vector fixed point of apps/docs/theory/fan-wang.md#ntk-fixed-point (reference sketch apps/docs/theory/fan-wang.md#ntk-fixed-point) for a kernel combination, as a
 * {@link FixedPointSystem}: unknowns δ_1..δ_L (plus δ_0 when μ_0 is an MP law, treated as an extra
 * level with b = 0 over an identity bottom). Output m(z) = g. Linear in L per evaluation.
 */
export function kernelSystem(c: KernelCombination, label = 'kernel limit'): FixedPointSystem {
  checkCombination(c, label);
  const gam: number[] = [];
  const b2s: number[] = [];
  const q: number[] = [];
  let bottomX: Float64Array;
  let bottomW: Float64Array;
  let law: ((z: Complex) => Complex) | null = null;
  const input = c.input;
  if (input.kind === 'mp') {
    gam.push(input.samplesPerDim);
    b2s.push(0);
    q.push(0);
    bottomX = new Float64Array([1]);
    bottomW = new Float64Array([1]);
  } else if (input.kind === 'atoms') {
    const d = discreteMeasure(input);
    bottomX = d.x;
    bottomW = d.w;
  } else {
    law = input.stieltjes;
    bottomX = new Float64Array(0);
    bottomW = new Float64Array(0);
  }
  for (const g of c.samplesPerNeuron) {
    gam.push(g);
    b2s.push(c.b * c.b);
  }
  q.push(...c.q);
  const N = gam.length;
  const thR = new Float64Array(N + 1);
  const thI = new Float64Array(N + 1);
  const r = c.r;
  const nb = bottomX.length;
  const scale = Math.max(combinationUpperBound(c), 1e-300);
  return {
    size: N,
    scale,
    label,
    // Sign conditions of the true branch (see onBranch in fixed-point.ts). Level ℓ replaces θ_ℓ K_ℓ by its
    // deterministic equivalent u_ℓ Φ_ℓ with u_ℓ = θ_ℓ/(1 + δ_ℓ); on the true branch Im u_ℓ ≤ 0 at every level,
    // so that the effective matrices keep a negative-semidefinite imaginary part like B − z (at the top
    // level this is Im δ_L ≥ 0, δ_L being a Stieltjes transform; at the lower ones it held for every
    // solution reached from far in C⁺ — all ratios, depths, |b| ≤ 1, MP and discrete inputs, η down to
    // 1e−13·scale — while Im δ_ℓ itself can be negative there). The real roots that a continuation along
    // the real axis can land on inside a support component have Im u_ℓ > 0 at some level, while their
    // Im m ≈ 0⁺ passes the checks on m alone.
    admissible(d) {
      let tR = q[N];
      let tI = 0;
      for (let l = N; l >= 1; l--) {
        const dr = 1 + d[2 * (l - 1)];
        const di = d[2 * (l - 1) + 1];
        const den = dr * dr + di * di;
        const uR = (tR * dr + tI * di) / den;
        const uI = (tI * dr - tR * di) / den;
        if (uI > 0 && uI * uI > SIGN_TOL * SIGN_TOL * (uR * uR + uI * uI)) return false;
        tR = q[l - 1] + b2s[l - 1] * uR;
        tI = b2s[l - 1] * uI;
      }
      return true;
    },
    map(zr, zi, d, out, m) {
      // 1. top-down: θ_N = q_N, w_N = z
      thR[N] = q[N];
      thI[N] = 0;
      let wR = zr;
      let wI = zi;
      for (let l = N; l >= 1; l--) {
        const dr = 1 + d[2 * (l - 1)];
        const di = d[2 * (l - 1) + 1];
        const den = dr * dr + di * di;
        // u = θ_l / (1 + δ_l)
        const uR = (thR[l] * dr + thI[l] * di) / den;
        const uI = (thI[l] * dr - thR[l] * di) / den;
        const B2 = b2s[l - 1];
        thR[l - 1] = q[l - 1] + B2 * uR;
        thI[l - 1] = B2 * uI;
        wR -= (1 - B2) * uR;
        wI -= (1 - B2) * uI;
      }
      // 2. bottom: g = ∫ μ0/(r + θ0 x − w0), h = ∫ x μ0/(r + θ0 x − w0)
      let gR = 0;
      let gI = 0;
      let hR = 0;
      let hI = 0;
      const t0R = thR[0];
      const t0I = thI[0];
      if (law === null) {
        for (let i = 0; i < nb; i++) {
          const x = bottomX[i];
          const aR = r + t0R * x - wR;
          const aI = t0I * x - wI;
          const den = aR * aR + aI * aI;
          const vR = (bottomW[i] * aR) / den;
          const vI = (-bottomW[i] * aI) / den;
          gR += vR;
          gI += vI;
          hR += x * vR;
          hI += x * vI;
        }
      } else {
        // g = m0(ζ)/θ0 with ζ = (w0 − r)/θ0; h = (1 + (w0 − r) g)/θ0 (apps/docs/theory/fan-wang.md#ntk-fixed-point step 2 for a law).
        const cR = wR - r;
        const cI = wI;
        const tden = t0R * t0R + t0I * t0I;
        if (tden === 0) {
          const den = cR * cR + cI * cI;
          gR = -cR / den;
          gI = cI / den;
        } else {
          const zeR = (cR * t0R + cI * t0I) / tden;
          const zeI = (cI * t0R - cR * t0I) / tden;
          const mv = lawStieltjes(law, zeR, zeI);
          gR = (mv.re * t0R + mv.im * t0I) / tden;
          gI = (mv.im * t0R - mv.re * t0I) / tden;
          const nR = 1 + cR * gR - cI * gI;
          const nI = cR * gI + cI * gR;
          hR = (nR * t0R + nI * t0I) / tden;
          hI = (nI * t0R - nR * t0I) / tden;
        }
      }
      // 3. bottom-up
      for (let l = 1; l <= N; l++) {
        const B2 = b2s[l - 1];
        const G = gam[l - 1];
        const tR = G * ((1 - B2) * gR + B2 * hR);
        const tI = G * ((1 - B2) * gI + B2 * hI);
        const nR = thR[l] * tR - thI[l] * tI;
        const nI = thR[l] * tI + thI[l] * tR;
        out[2 * (l - 1)] = nR;
        out[2 * (l - 1) + 1] = nI;
        const eR = G * (1 + nR);
        const eI = G * nI;
        const den = eR * eR + eI * eI;
        hR = (tR * eR + tI * eI) / den;
        hI = (tI * eR - tR * eI) / den;
      }
      m[0] = gR;
      m[1] = gI;
    },
  };
}

/**
 * Stieltjes transform m(z) = ∫ ν(dx)/(x − z) of the limit law ν of r·I + Σ q_ℓ K_ℓ at a complex z
 * (apps/docs/theory/fan-wang.md#ntk-fixed-point): Newton / damped iteration along an η-homotopy from z + i·scale. Real z left of the
 * support (e.g. z = −1) is allowed. Throws E_CONVERGENCE rather than returning NaN.
 */
export function stieltjesLimit(z: Complex, combination: KernelCombination): Complex {
  if (!Number.isFinite(z.re) || !Number.isFinite(z.im))
    throw new SpecError('E_INPUT', `stieltjesLimit: z must be finite, got ${z.re} + ${z.im}i`);
  if (z.im < 0) {
    const v = stieltjesLimit({ re: z.re, im: -z.im }, combination);
    return { re: v.re, im: -v.im };
  }
  const sys = kernelSystem(combination, 'stieltjesLimit');
  const w = createWork(sys.size);
  const d = new Float64Array(2 * sys.size);
  solvePoint(sys, z.re, z.im, d, w, false);
  return { re: w.m[0], im: w.m[1] };
}
