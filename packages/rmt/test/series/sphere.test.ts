import { describe, expect, it } from 'vitest';
import { expectSpecError } from '@spec/testing';
import {
  decayExponent,
  funkHeckeEigenvalue,
  powerSeriesCoefficients,
  sphereEigenvalues,
  sphereMultiplicity,
} from '../../src/series/index.js';
import { logGamma } from '../../src/series/log-gamma.js';
import { kappa0, kappa1, reluNtk, reluNtkCoefficientsClosedForm } from './relu-kernels.js';

const reluNtk1 = (t: number) => kappa1(t) + t * kappa0(t);

// apps/docs/theory/reference-values.md#sphere-eigenvalues (k = 0..6).
const REF: Record<number, number[]> = {
  3: [1 / 2, 1 / 3, 5 / 64, 0, 1 / 192, 0, 23 / 16384],
  5: [27 / 64, 1 / 5, 1 / 32, 0, 17 / 16384, 0, 27 / 163840],
};

/**
 * Weight of κ_p in λ_k (apps/docs/theory/power-series.md#sphere-eigenvalues) by exact ratios, independent of log-gamma:
 * w_k(k) = k! Γ(d/2)/(2^k Γ(k + d/2)) = Π_{i=1}^{k} i/(2(i − 1 + d/2)), w_{p+2}/w_p = (p+1)(p+2)/((p−k+2)(p+k+d)).
 */
function weight(p: number, k: number, d: number): number {
  let w = 1;
  for (let i = 1; i <= k; i++) w *= i / (2 * (i - 1 + d / 2));
  for (let q = k; q < p; q += 2) w *= ((q + 1) * (q + 2)) / ((q - k + 2) * (q + k + d));
  return w;
}

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π to 1e-13', () => {
    let f = 1;
    for (let n = 1; n <= 30; n++) {
      f *= n;
      // log n! up to ~75: 1e-13 relative to the value is the Lanczos accuracy.
      expect(Math.abs(logGamma(n + 1) - Math.log(f))).toBeLessThan(1e-13 * Math.max(1, Math.log(f)));
    }
    expect(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(Math.abs(logGamma(0.1) - Math.log(9.513507698668732))).toBeLessThan(1e-13);
  });
});

describe('sphereMultiplicity', () => {
  it('is 2k+1 on S², (k+1)² on S³, 2 on the circle, and sums to binom(k+d−1, d−1)+binom(k+d−2, d−1)', () => {
    for (let k = 0; k < 10; k++) {
      expect(sphereMultiplicity(3, k)).toBe(2 * k + 1);
      expect(sphereMultiplicity(4, k)).toBe((k + 1) ** 2);
      expect(sphereMultiplicity(2, k)).toBe(k === 0 ? 1 : 2);
    }
    // Harmonics of degree ≤ k and ≡ k (2) span the homogeneous polynomials of degree k: dim binom(k+d−1, d−1).
    const d = 6;
    const k = 7;
    let s = 0;
    for (let j = k; j >= 0; j -= 2) s += sphereMultiplicity(d, j);
    expect(s).toBe(792); // binom(12, 5)
  });
});

describe('funkHeckeEigenvalue', () => {
  it('reproduces the ReLU NTK sphere eigenvalues of apps/docs/theory/reference-values.md#sphere-eigenvalues to 1e-9 (d = 3 and 5)', () => {
    for (const d of [3, 5]) {
      for (let k = 0; k <= 6; k++) {
        // The θ-substituted integrand is smooth; the quadrature stops at 1e-13 relative.
        expect(Math.abs(funkHeckeEigenvalue(reluNtk1, d, k) - REF[d][k])).toBeLessThan(1e-9);
      }
    }
  });

  it('throws E_INPUT for a kernel returning NaN or a bad dimension', () => {
    for (const f of [() => funkHeckeEigenvalue(() => Number.NaN, 3, 0), () => funkHeckeEigenvalue(reluNtk1, 1, 0)]) {
      expectSpecError(f, 'E_INPUT');
    }
  });
});

describe('sphereEigenvalues', () => {
  it('the series route reproduces apps/docs/theory/reference-values.md#sphere-eigenvalues within its derived truncation bound (P = 20000)', () => {
    const P = 20000;
    const kappa = reluNtkCoefficientsClosedForm(P);
    let partial = 0;
    for (const v of kappa) partial += v;
    const tail = 2 - partial; // Θ(1) = κ1(1) + κ0(1) = 2 (apps/docs/theory/toolkit.md#gaussian-kernel-maps)
    for (const d of [3, 5]) {
      const eig = sphereEigenvalues({ coefficients: kappa, dim: d, maxDegree: 6 });
      for (let k = 0; k <= 6; k++) {
        // Dropped part ≤ tail mass × weight of the first omitted same-parity degree (weights decrease in p
        // once p(d−1) ≥ k² + kd, true here), plus rounding of ~10^4 positive terms.
        const firstOmitted = (P + 1) % 2 === k % 2 ? P + 1 : P + 2;
        const bound = tail * weight(firstOmitted, k, d) + 1e-12;
        expect(bound).toBeLessThan(1e-6); // the bound is informative: ~1e-7 (d = 3), ~1e-9 (d = 5)
        expect(Math.abs(eig[k] - REF[d][k])).toBeLessThan(bound);
      }
    }
  });

  it('agrees with Funk–Hecke for a smooth two-layer NTK with biases on S³ (d = 4) to 1e-10', () => {
    // Normalised exponential φ(x) = e^{s x − s²}, s² = 0.6; σ_w² = 0.7, σ_b² = 0.3 (unit diagonal,
    // apps/docs/theory/power-series.md#power-series).
    const s2 = 0.6;
    const K = 60;
    const mu = new Float64Array(K + 1);
    mu[0] = Math.exp(-s2 / 2);
    for (let k = 1; k <= K; k++) mu[k] = (mu[k - 1] * Math.sqrt(s2)) / Math.sqrt(k);
    const ps = powerSeriesCoefficients({ hermite: mu, depth: 2, sigmaW2: 0.7, sigmaB2: 0.3, degree: 60 });
    const kernel = (t: number) => {
      let sigma = 0.7 * t + 0.3;
      let theta = sigma;
      for (let l = 0; l < 2; l++) {
        const e = Math.exp(s2 * (sigma - 1));
        sigma = 0.7 * e + 0.3;
        theta = sigma + theta * 0.7 * s2 * e;
      }
      return theta;
    };
    const eig = sphereEigenvalues({ coefficients: ps.ntk, dim: 4, maxDegree: 8 });
    // Series truncation ≤ tailMass (weights ≤ 1), and tailMass is ~1e-30 here; quadrature ~1e-13.
    expect(ps.tailMass.ntk).toBeLessThan(1e-12);
    for (let k = 0; k <= 8; k++) expect(Math.abs(eig[k] - funkHeckeEigenvalue(kernel, 4, k))).toBeLessThan(1e-10);
    // Addition theorem: Σ_k N(d,k) λ_k = K(1) for the uniform probability measure (tail ~1e-12 beyond k = 40).
    const all = sphereEigenvalues({ coefficients: ps.ntk, dim: 4, maxDegree: 60 });
    let trace = 0;
    for (let k = 0; k <= 60; k++) trace += sphereMultiplicity(4, k) * all[k];
    expect(Math.abs(trace - kernel(1))).toBeLessThan(1e-10);
  });

  it('two hidden ReLU layers: series and Funk–Hecke agree within the series tail bound (d = 3)', () => {
    const P = 400;
    const mu = new Float64Array(801);
    // √2·relu Hermite coefficients, via the apps/docs/theory/toolkit.md#normalised-activations ratio (independent of
    // reluHermite's code path is not needed here).
    mu[0] = Math.SQRT2 / Math.sqrt(2 * Math.PI);
    mu[1] = Math.SQRT2 / 2;
    mu[2] = 1 / Math.sqrt(2 * Math.PI);
    for (let k = 4; k <= 800; k += 2) mu[k] = (-mu[k - 2] * (k - 3)) / Math.sqrt(k * (k - 1));
    const ps = powerSeriesCoefficients({ hermite: mu, depth: 2, degree: P });
    const eig = sphereEigenvalues({ coefficients: ps.ntk, dim: 3, maxDegree: 4 });
    for (let k = 0; k <= 4; k++) {
      // Truncation ≤ (tail mass at P, plus the mass lost by the Hermite cut at K = 800, 3 − diagonal) × weight at P.
      const lost = ps.tailMass.ntk + (3 - ps.diagonal.ntk);
      const bound = lost * weight(P + 1 + ((P + 1 + k) % 2), k, 3) + 1e-12;
      expect(Math.abs(eig[k] - funkHeckeEigenvalue((t) => reluNtk(t, 2), 3, k))).toBeLessThan(bound);
    }
  });

  it('decayExponent: exact on a pure power law, ≈ −d for the ReLU NTK (apps/docs/theory/power-series.md#sphere-eigenvalues)', () => {
    const pure = new Float64Array(41);
    for (let k = 1; k <= 40; k++) pure[k] = k % 2 === 0 ? 3 * k ** -4 : 0;
    const ks = Array.from({ length: 40 }, (_, i) => i + 1);
    expect(Math.abs(decayExponent(pure, ks) + 4)).toBeLessThan(1e-12);
    const eig = new Float64Array(41);
    for (let k = 0; k <= 40; k++) eig[k] = funkHeckeEigenvalue(reluNtk1, 3, k);
    // λ_k ≍ k^{−3} asymptotically; over k = 10..40 the pre-asymptotic correction is O(1/k): a 0.15 window.
    const slope = decayExponent(eig, ks.slice(9));
    expect(slope).toBeGreaterThan(-3.15);
    expect(slope).toBeLessThan(-2.85);
  });
});
