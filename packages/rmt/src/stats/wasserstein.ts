import { type LimitSpectrum, continuousCdfAt, continuousCumulative } from '../limit-spectrum.js';
import { sortedSample } from './check.js';

/**
 * 1-Wasserstein distance ∫ |F_n(t) − F(t)| dt between an empirical spectrum and a limit law
 * (apps/docs/theory/spectral-evolution.md#quantities). Between consecutive breakpoints (sample points, grid points,
 * atoms) F_n is constant and F is a smooth monotone piece: the segment is split where F crosses F_n and each part
 * integrated by Simpson's rule (error ≪ 1e−6 of the result on 1000-point grids).
 */
export function wasserstein1(sample: ArrayLike<number>, law: LimitSpectrum): number {
  const s = sortedSample(sample, 'wasserstein1');
  const n = s.length;
  const cum = continuousCumulative(law);
  const Fc = (t: number): number => {
    let f = continuousCdfAt(law, cum, t);
    for (const a of law.atoms) if (a.x <= t) f += a.mass;
    return f;
  };
  const pts = Array.from(new Set([...s, ...law.x, ...law.atoms.map((a) => a.x)])).sort((p, q) => p - q);
  let total = 0;
  let k = 0; // sample values ≤ current left end
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i];
    const b = pts[i + 1];
    while (k < n && s[k] <= a) k++;
    const c = k / n;
    const g = (t: number): number => Fc(t) - c;
    const ga = g(a + 1e-15 * Math.max(1, Math.abs(a)));
    const gb = g(b - 1e-15 * Math.max(1, Math.abs(b)));
    const simpson = (l: number, r: number): number =>
      ((r - l) / 6) * (Math.abs(g(l)) + 4 * Math.abs(g(0.5 * (l + r))) + Math.abs(g(r)));
    if (ga * gb < 0) {
      let l = a;
      let r = b;
      for (let it = 0; it < 60; it++) {
        const m = 0.5 * (l + r);
        if (g(m) * ga > 0) l = m;
        else r = m;
      }
      const m = 0.5 * (l + r);
      total += simpson(a, m) + simpson(m, b);
    } else total += simpson(a, b);
  }
  return total;
}

/** Two-sample 1-Wasserstein distance ∫ |F_a(t) − F_b(t)| dt (exact: both CDFs are step functions). */
export function wasserstein1TwoSample(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = sortedSample(a, 'wasserstein1TwoSample');
  const y = sortedSample(b, 'wasserstein1TwoSample');
  let i = 0;
  let j = 0;
  let total = 0;
  let prev = Math.min(x[0], y[0]);
  while (i < x.length || j < y.length) {
    const t = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
    total += (t - prev) * Math.abs(i / x.length - j / y.length);
    while (i < x.length && x[i] === t) i++;
    while (j < y.length && y[j] === t) j++;
    prev = t;
  }
  return total;
}
