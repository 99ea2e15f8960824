import { SpecError } from '@spec/core';
import { type LimitSpectrum, continuousCdfAt, continuousCumulative } from '../limit-spectrum.js';
import { sortedSample } from './check.js';

/** A law to compare with: a {@link LimitSpectrum} (atoms handled exactly) or a continuous CDF t ↦ F(t). */
export type CdfLaw = LimitSpectrum | ((t: number) => number);

interface CdfPair {
  /** F(t) and F(t−). */
  at(t: number): [number, number];
  readonly atoms: readonly number[];
}

function cdfPair(law: CdfLaw): CdfPair {
  if (typeof law === 'function') {
    return {
      at: (t) => {
        const f = law(t);
        if (!Number.isFinite(f)) throw new SpecError('E_INPUT', `ksDistance: the CDF returned ${f} at t = ${t}`);
        return [f, f];
      },
      atoms: [],
    };
  }
  const cum = continuousCumulative(law);
  return {
    at: (t) => {
      const c = continuousCdfAt(law, cum, t);
      let right = c;
      let left = c;
      for (const a of law.atoms) {
        if (a.x < t) {
          right += a.mass;
          left += a.mass;
        } else if (a.x === t) right += a.mass;
      }
      return [right, left];
    },
    atoms: law.atoms.map((a) => a.x),
  };
}

/**
 * Kolmogorov–Smirnov distance sup_t |F_n(t) − F(t)| between an empirical spectrum and a law
 * (apps/docs/theory/spectral-evolution.md#quantities), with atoms included: both sides of every jump (sample points and
 * atoms) are compared. `atomTolerance` snaps sample values within that distance of an atom onto it (numerically zero
 * eigenvalues of a rank-deficient Gram matrix, e.g. |λ| < 1e−9·λ_max, against the atom at 0).
 */
export function ksDistance(
  sample: ArrayLike<number>,
  law: CdfLaw,
  options: { readonly atomTolerance?: number } = {},
): number {
  const s = sortedSample(sample, 'ksDistance');
  const F = cdfPair(law);
  const tol = options.atomTolerance ?? 0;
  if (tol > 0) {
    for (let i = 0; i < s.length; i++) for (const a of F.atoms) if (Math.abs(s[i] - a) <= tol) s[i] = a;
    s.sort();
  }
  const n = s.length;
  let D = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && s[j] === s[i]) j++;
    const [fr, fl] = F.at(s[i]);
    D = Math.max(D, Math.abs(j / n - fr), Math.abs(i / n - fl));
    i = j;
  }
  for (const a of F.atoms) {
    // empirical CDF at a and a−
    let below = 0;
    let upTo = 0;
    for (let k = 0; k < n; k++) {
      if (s[k] < a) below++;
      if (s[k] <= a) upTo++;
    }
    const [fr, fl] = F.at(a);
    D = Math.max(D, Math.abs(upTo / n - fr), Math.abs(below / n - fl));
  }
  return D;
}

/**
 * Two-sample KS distance sup_t |F_a(t) − F_b(t)| (apps/docs/theory/spectral-evolution.md#quantities, spectra at two
 * training times).
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = sortedSample(a, 'ksTwoSample');
  const y = sortedSample(b, 'ksTwoSample');
  let i = 0;
  let j = 0;
  let D = 0;
  while (i < x.length || j < y.length) {
    const t = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
    while (i < x.length && x[i] === t) i++;
    while (j < y.length && y[j] === t) j++;
    D = Math.max(D, Math.abs(i / x.length - j / y.length));
  }
  return D;
}
