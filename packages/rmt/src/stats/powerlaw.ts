import { SpecError } from '@spec/core';
import { sortedSample } from './check.js';

/** A power-law tail fit p(x) ∝ x^{−α} for x ≥ xmin. */
export interface PowerLawFit {
  /** MLE exponent α̂ = 1 + k / Σ log(x_i/xmin). */
  readonly alpha: number;
  /** Its asymptotic standard error (α̂ − 1)/√k. */
  readonly alphaStdErr: number;
  /** Chosen lower cutoff. */
  readonly xmin: number;
  /** KS distance between the fitted and empirical tail CDFs at xmin. */
  readonly ks: number;
  /** Number of values ≥ xmin. */
  readonly nTail: number;
}

/**
 * Clauset–Shalizi–Newman continuous power-law fit (apps/docs/theory/spectral-evolution.md#quantities "Heavy tails"):
 * for each candidate xmin (default: the sample values leaving at least `minTail` points in the tail, at most
 * `maxCandidates` of them, evenly spaced in rank) α̂ = 1 + k / Σ_{x_i ≥ xmin} log(x_i/xmin), and xmin minimises the KS
 * distance between the tail's empirical CDF and 1 − (x/xmin)^{1−α̂}.
 */
export function powerLawFit(
  values: ArrayLike<number>,
  options: {
    readonly xminCandidates?: ArrayLike<number>;
    readonly minTail?: number;
    readonly maxCandidates?: number;
  } = {},
): PowerLawFit {
  const s = sortedSample(values, 'powerLawFit');
  const n = s.length;
  const minTail = options.minTail ?? 50;
  const maxC = options.maxCandidates ?? 500;
  if (!Number.isInteger(minTail) || minTail < 2)
    throw new SpecError('E_INPUT', `powerLawFit: minTail must be an integer ≥ 2, got ${minTail}`);
  let cands: number[];
  if (options.xminCandidates !== undefined) {
    cands = Array.from(options.xminCandidates);
    for (const c of cands)
      if (!(Number.isFinite(c) && c > 0))
        throw new SpecError('E_INPUT', `powerLawFit: xmin candidates must be finite and > 0, got ${c}`);
  } else {
    const idx: number[] = [];
    for (let i = 0; i <= n - minTail; i++) if (s[i] > 0 && (i === 0 || s[i] !== s[i - 1])) idx.push(i);
    const step = Math.max(1, Math.ceil(idx.length / maxC));
    cands = idx.filter((_, k) => k % step === 0).map((i) => s[i]);
  }
  let best: PowerLawFit | null = null;
  for (const xmin of cands) {
    let start = 0;
    while (start < n && s[start] < xmin) start++;
    const k = n - start;
    if (k < minTail) continue;
    let sumLog = 0;
    for (let i = start; i < n; i++) sumLog += Math.log(s[i] / xmin);
    if (!(sumLog > 0)) continue;
    const alpha = 1 + k / sumLog;
    let D = 0;
    for (let j = 0; j < k; j++) {
      const F = 1 - Math.pow(s[start + j] / xmin, 1 - alpha);
      D = Math.max(D, Math.abs((j + 1) / k - F), Math.abs(j / k - F));
    }
    if (best === null || D < best.ks) best = { alpha, alphaStdErr: (alpha - 1) / Math.sqrt(k), xmin, ks: D, nTail: k };
  }
  if (best === null) {
    throw new SpecError(
      'E_INPUT',
      `powerLawFit: no xmin candidate leaves ≥ ${minTail} distinct positive values in the tail (n = ${n}); lower minTail`,
    );
  }
  return best;
}
