import { SpecError } from '@spec/core';
import { type FixedPointSystem } from './fixed-point.js';
import type { LimitSpectrum, Atom } from './limit-spectrum.js';
import { densityFromSystem, type GridOptions } from './stieltjes.js';

/**
 * A kernel combination A + Σ_{ℓ=1}^{L} q_ℓ K_ℓ whose deterministic parts are diagonal in one orthonormal basis
 * (apps/docs/theory/fan-wang.md#exact-kernel-limit). With U that basis (n vectors, each an atom of weight 1/n):
 *
 * - K_1 = Φ_1^{1/2} (G_1ᵀG_1/d_1) Φ_1^{1/2} with Φ_1 = U diag(`base`) Uᵀ and G_1 a d_1 × n white matrix;
 * - for ℓ ≥ 2, K_ℓ = Φ_ℓ^{1/2} (G_ℓᵀG_ℓ/d_ℓ) Φ_ℓ^{1/2} with Φ_ℓ = U diag(`layers[ℓ−2].remainder`) Uᵀ + slope2·K_{ℓ−1};
 * - A = U diag(`shift`) Uᵀ.
 *
 * The Fan–Wang combination (apps/docs/theory/fan-wang.md#ntk-fixed-point) is the case base = (1 − b²) + b²·x_i,
 * remainder = 1 − b², slope2 = b², shift = r + q_0·x_i with x_i the eigenvalues of XᵀX.
 */
export interface EigenbasisCombination {
  /** Eigenvalues t_i ≥ 0 of Φ_1, one per basis vector (n of them). */
  readonly base: Float64Array;
  /** γ_1..γ_L = n/d_ℓ (L ≥ 1). */
  readonly samplesPerNeuron: readonly number[];
  /**
   * Layers 2..L (L − 1 entries): the diagonal (length n, in the basis U) of the deterministic part of Φ_ℓ, and the
   * coefficient of K_{ℓ−1} in Φ_ℓ.
   */
  readonly layers: ReadonlyArray<{ readonly remainder: Float64Array; readonly slope2: number }>;
  /** Diagonal of A in the basis U (length n), or one number for A = r·I. */
  readonly shift: Float64Array | number;
  /** q_1..q_L ≥ 0 (length L). */
  readonly q: readonly number[];
}

function checkVector(v: Float64Array, n: number, what: string, nonNegative: boolean): void {
  if (v.length !== n)
    throw new SpecError('E_SHAPE', `eigenbasis combination: ${what} has ${v.length} entries, need ${n}`);
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (!Number.isFinite(x) || (nonNegative && x < 0)) {
      throw new SpecError(
        'E_INPUT',
        `eigenbasis combination: ${what}[${i}] = ${x}; entries must be finite${nonNegative ? ' and ≥ 0 (clip round-off negatives of a PSD matrix to 0)' : ''}`,
      );
    }
  }
}

/** Throws E_INPUT / E_SHAPE unless the combination is well formed. */
export function checkEigenbasisCombination(c: EigenbasisCombination): void {
  const n = c.base.length;
  const L = c.samplesPerNeuron.length;
  if (n === 0) throw new SpecError('E_INPUT', 'eigenbasis combination: base has no eigenvalues');
  if (L < 1) throw new SpecError('E_INPUT', 'eigenbasis combination: samplesPerNeuron needs at least one layer');
  checkVector(c.base, n, 'base', true);
  c.samplesPerNeuron.forEach((g, i) => {
    if (!Number.isFinite(g) || g <= 0)
      throw new SpecError('E_INPUT', `eigenbasis combination: samplesPerNeuron[${i}] must be finite and > 0, got ${g}`);
  });
  if (c.layers.length !== L - 1)
    throw new SpecError(
      'E_INPUT',
      `eigenbasis combination: ${L} layers need ${L - 1} layer remainders, got ${c.layers.length}`,
    );
  c.layers.forEach((l, i) => {
    checkVector(l.remainder, n, `layers[${i}].remainder`, true);
    if (!Number.isFinite(l.slope2) || l.slope2 < 0)
      throw new SpecError(
        'E_INPUT',
        `eigenbasis combination: layers[${i}].slope2 must be finite and ≥ 0, got ${l.slope2}`,
      );
  });
  if (typeof c.shift === 'number') {
    if (!Number.isFinite(c.shift)) throw new SpecError('E_INPUT', `eigenbasis combination: shift must be finite`);
  } else checkVector(c.shift, n, 'shift', false);
  if (c.q.length !== L)
    throw new SpecError('E_INPUT', `eigenbasis combination: q needs ${L} entries (q_1..q_L), got ${c.q.length}`);
  c.q.forEach((v, i) => {
    if (!Number.isFinite(v) || v < 0)
      throw new SpecError('E_INPUT', `eigenbasis combination: q[${i}] must be finite and ≥ 0, got ${v}`);
  });
  if (c.q.every((v) => v === 0)) throw new SpecError('E_INPUT', 'eigenbasis combination: all q_ℓ are 0');
}

const max = (v: Float64Array): number => v.reduce((m, x) => Math.max(m, x), -Infinity);
const mean = (v: Float64Array): number => v.reduce((s, x) => s + x, 0) / v.length;
const shiftVector = (c: EigenbasisCombination): Float64Array =>
  typeof c.shift === 'number' ? new Float64Array(c.base.length).fill(c.shift) : c.shift;

/** Mean of the limit law in closed form: mean(shift) + Σ q_ℓ·tr Φ_ℓ/n (E K_ℓ = Φ_ℓ), tr Φ_ℓ/n = mean(remainder) + slope2·tr Φ_{ℓ−1}/n. */
export function eigenbasisMean(c: EigenbasisCombination): number {
  let phi = mean(c.base);
  let m = mean(shiftVector(c)) + c.q[0] * phi;
  for (let l = 1; l < c.samplesPerNeuron.length; l++) {
    phi = mean(c.layers[l - 1].remainder) + c.layers[l - 1].slope2 * phi;
    m += c.q[l] * phi;
  }
  return m;
}

/** Upper bound of the support: ‖K_1‖ ≤ max t·(1 + √γ_1)², ‖K_ℓ‖ ≤ (max remainder + slope2‖K_{ℓ−1}‖)(1 + √γ_ℓ)². */
function upperBound(c: EigenbasisCombination): number {
  let T = max(c.base) * (1 + Math.sqrt(c.samplesPerNeuron[0])) ** 2;
  let U = max(shiftVector(c)) + c.q[0] * T;
  for (let l = 1; l < c.samplesPerNeuron.length; l++) {
    const layer = c.layers[l - 1];
    T = (max(layer.remainder) + layer.slope2 * T) * (1 + Math.sqrt(c.samplesPerNeuron[l])) ** 2;
    U += c.q[l] * T;
  }
  return U;
}

/**
 * Atoms of the limit law. Only the CK case (A = 0, q = q_L·e_L) has one: K_L has rank ≤ d_L, so an atom of mass
 * 1 − 1/γ_L at 0 when γ_L > 1; for L = 1 also the null space of Φ_1 (K_1 = Φ_1^{1/2}WΦ_1^{1/2} vanishes on it), so
 * max(1 − 1/γ_1, fraction of t_i = 0). For L ≥ 2, Φ_L contains a remainder that the callers build positive
 * definite (the higher Hermite terms of the activation), so no other null space survives.
 */
export function eigenbasisAtoms(c: EigenbasisCombination): Atom[] {
  const L = c.samplesPerNeuron.length;
  const shift = shiftVector(c);
  const ck = shift.every((v) => v === 0) && c.q.slice(0, L - 1).every((v) => v === 0);
  if (!ck) return [];
  let mass = Math.max(0, 1 - 1 / c.samplesPerNeuron[L - 1]);
  if (L === 1) mass = Math.max(mass, c.base.filter((t) => t === 0).length / c.base.length);
  return mass > 1e-15 ? [{ x: 0, mass }] : [];
}

/**
 * Geometric top-scan ratio for data kernels: spike components ~10 % wide far above the bulk are stepped over at 0.8 and
 * then found only by the slower search for missed mass; at 0.98 the scan lands on them.
 */
const TOP_SCAN_RATIO = 0.98;

/** Slack of the sign condition Im u_ℓ ≤ 0 (as in kernel-system.ts). */
const SIGN_TOL = 1e-10;

/**
 * The fixed point of an {@link EigenbasisCombination} (apps/docs/theory/fan-wang.md#exact-kernel-limit): the recursion
 * of apps/docs/theory/fan-wang.md#ntk-fixed-point with the isotropic remainder (1 − b²)I of each layer replaced by a
 * diagonal one. Unknowns δ_1..δ_L; u_ℓ = θ_ℓ/(1 + δ_ℓ).
 * 1. Top-down: θ_L = q_L; θ_{ℓ−1} = q_{ℓ−1} + slope2_ℓ·u_ℓ; the diagonal shift grows by u_ℓ·remainder_ℓ (ℓ ≥ 2).
 * 2. Bottom: den_i = shift_i + Σ_{ℓ≥2} u_ℓ·remainder_{ℓ,i} + u_1·t_i − z; m(z) = g = (1/n) Σ 1/den_i.
 * 3. Bottom-up: τ_1 = γ_1 (1/n) Σ t_i/den_i; τ_ℓ = γ_ℓ [(1/n) Σ remainder_{ℓ,i}/den_i + slope2_ℓ·h_{ℓ−1}];
 *    δ_ℓ = θ_ℓ τ_ℓ; h_ℓ = τ_ℓ/(γ_ℓ(1 + δ_ℓ)) (= tr(K_ℓR)/n).
 */
export function eigenbasisSystem(c: EigenbasisCombination, label = 'eigenbasis limit'): FixedPointSystem {
  checkEigenbasisCombination(c);
  const L = c.samplesPerNeuron.length;
  const n = c.base.length;
  const t = c.base;
  const shift = shiftVector(c);
  const rem = c.layers.map((l) => l.remainder);
  const slope2 = c.layers.map((l) => l.slope2);
  const gam = c.samplesPerNeuron;
  const q = c.q;
  const thR = new Float64Array(L + 1);
  const thI = new Float64Array(L + 1);
  const uR = new Float64Array(L + 1);
  const uI = new Float64Array(L + 1);
  const sR = new Float64Array(L + 1); // Σ_i rem_{ℓ,i}/den_i (ℓ ≥ 2), Σ_i t_i/den_i (ℓ = 1)
  const sI = new Float64Array(L + 1);
  return {
    size: L,
    scale: Math.max(upperBound(c), 1e-300),
    label,
    admissible(d) {
      // Im u_ℓ ≤ 0 at every level on the true branch (same argument as kernel-system.ts).
      let tR = q[L - 1];
      let tI = 0;
      for (let l = L; l >= 1; l--) {
        const dr = 1 + d[2 * (l - 1)];
        const di = d[2 * (l - 1) + 1];
        const den = dr * dr + di * di;
        const ur = (tR * dr + tI * di) / den;
        const ui = (tI * dr - tR * di) / den;
        if (ui > 0 && ui * ui > SIGN_TOL * SIGN_TOL * (ur * ur + ui * ui)) return false;
        if (l >= 2) {
          tR = q[l - 2] + slope2[l - 2] * ur;
          tI = slope2[l - 2] * ui;
        }
      }
      return true;
    },
    map(zr, zi, d, out, m) {
      thR[L] = q[L - 1];
      thI[L] = 0;
      for (let l = L; l >= 1; l--) {
        const dr = 1 + d[2 * (l - 1)];
        const di = d[2 * (l - 1) + 1];
        const den = dr * dr + di * di;
        uR[l] = (thR[l] * dr + thI[l] * di) / den;
        uI[l] = (thI[l] * dr - thR[l] * di) / den;
        if (l >= 2) {
          thR[l - 1] = q[l - 2] + slope2[l - 2] * uR[l];
          thI[l - 1] = slope2[l - 2] * uI[l];
        }
      }
      sR.fill(0);
      sI.fill(0);
      let gR = 0;
      let gI = 0;
      for (let i = 0; i < n; i++) {
        let aR = shift[i] + uR[1] * t[i] - zr;
        let aI = uI[1] * t[i] - zi;
        for (let l = 2; l <= L; l++) {
          aR += uR[l] * rem[l - 2][i];
          aI += uI[l] * rem[l - 2][i];
        }
        const den = aR * aR + aI * aI;
        const vR = aR / den / n;
        const vI = -aI / den / n;
        gR += vR;
        gI += vI;
        sR[1] += t[i] * vR;
        sI[1] += t[i] * vI;
        for (let l = 2; l <= L; l++) {
          sR[l] += rem[l - 2][i] * vR;
          sI[l] += rem[l - 2][i] * vI;
        }
      }
      let hR = 0;
      let hI = 0;
      for (let l = 1; l <= L; l++) {
        const G = gam[l - 1];
        const k2 = l >= 2 ? slope2[l - 2] : 0;
        const tauR = G * (sR[l] + k2 * hR);
        const tauI = G * (sI[l] + k2 * hI);
        const nR = thR[l] * tauR - thI[l] * tauI;
        const nI = thR[l] * tauI + thI[l] * tauR;
        out[2 * (l - 1)] = nR;
        out[2 * (l - 1) + 1] = nI;
        const eR = G * (1 + nR);
        const eI = G * nI;
        const den = eR * eR + eI * eI;
        hR = (tauR * eR + tauI * eI) / den;
        hI = (tauI * eR - tauR * eI) / den;
      }
      m[0] = gR;
      m[1] = gI;
    },
  };
}

/**
 * Limit spectral law of an {@link EigenbasisCombination} (apps/docs/theory/fan-wang.md#exact-kernel-limit) on the
 * adaptive density grid of apps/docs/theory/toolkit.md#marchenko-pastur. With L = 1, A = 0, q = (1) this is the free
 * multiplicative convolution ρ^MP_{γ_1} ⊠ ESD(Φ_1) (see also {@link mpFreeProduct}).
 *
 * @throws SpecError `E_INPUT` / `E_SHAPE` for a malformed combination, `E_CONVERGENCE` when the law cannot be resolved
 */
export function eigenbasisLimit(c: EigenbasisCombination, grid?: GridOptions): LimitSpectrum {
  const sys = eigenbasisSystem(c, 'eigenbasisLimit');
  const shift = shiftVector(c);
  let lower = Infinity;
  for (const v of shift) lower = Math.min(lower, v);
  // Data kernels have spikes: isolated components far above the bulk, found only by a fine scan from the top.
  const g: GridOptions = { topScanRatio: TOP_SCAN_RATIO, ...grid };
  return densityFromSystem(sys, eigenbasisAtoms(c), Math.min(0, lower), g, eigenbasisMean(c));
}

/**
 * The free multiplicative convolution ρ^MP_γ ⊠ ν of the Marchenko–Pastur law of ratio γ = n/d with a discrete law ν
 * = (1/n) Σ δ_{t_i} (apps/docs/theory/fan-wang.md#exact-kernel-limit): the limit ESD of Φ^{1/2}(GᵀG/d)Φ^{1/2} when
 * ESD(Φ) = ν, G a d × n matrix of i.i.d. N(0, 1) entries (apps/docs/theory/toolkit.md#marchenko-pastur "MP map").
 *
 * @throws SpecError `E_INPUT` for a negative or non-finite t_i or γ ≤ 0
 */
export function mpFreeProduct(eigenvalues: Float64Array, samplesPerDim: number, grid?: GridOptions): LimitSpectrum {
  return eigenbasisLimit({ base: eigenvalues, samplesPerNeuron: [samplesPerDim], layers: [], shift: 0, q: [1] }, grid);
}
