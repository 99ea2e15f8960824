import { SpecError } from '@spec/core';

/** Dispersion estimate of {@link dispersionEstimate}. */
export interface DispersionEstimate {
  /** D̂ = mean(Θ²)/mean(Θ)² (apps/docs/theory/dispersion.md#setting). */
  dispersion: number;
  /** Delta-method standard error of D̂. */
  stderr: number;
  /** Sample mean of Θ. */
  mean: number;
  /** Standard error of the sample mean. */
  meanStderr: number;
  /** Number of samples. */
  count: number;
}

/**
 * Estimates the dispersion `D = E[Θ²]/E[Θ]²` (apps/docs/theory/dispersion.md#setting) from i.i.d. samples of Θ.
 *
 * Standard error by the delta method: with m1 = mean Θ, m2 = mean Θ², D̂ = g(m1, m2) = m2/m1², the
 * influence of sample i is ψ_i = (Θ_i² − m2)/m1² − 2 m2 (Θ_i − m1)/m1³, and
 * se(D̂) = sd(ψ)/√N (first order in 1/N; needs a finite fourth moment, which Θ has at finite width).
 */
export function dispersionEstimate(samples: ArrayLike<number>): DispersionEstimate {
  const n = samples.length;
  if (n < 2) throw new SpecError('E_INPUT', `dispersionEstimate: need at least 2 samples, got ${n}`);
  let top = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i];
    if (!Number.isFinite(v)) throw new SpecError('E_INPUT', `dispersionEstimate: sample ${i} is not finite (${v})`);
    top = Math.max(top, Math.abs(v));
  }
  // D and its error are scale-free; the moments are taken of Θ/top when Θ² could overflow or underflow.
  const scale = top > 1e150 || (top > 0 && top < 1e-150) ? top : 1;
  if (scale !== 1) {
    const est = dispersionEstimate(Array.from(samples, (v) => v / scale));
    return { ...est, mean: est.mean * scale, meanStderr: est.meanStderr * scale };
  }
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i];
    m1 += v;
    m2 += v * v;
  }
  m1 /= n;
  m2 /= n;
  if (m1 === 0)
    throw new SpecError('E_INPUT', 'dispersionEstimate: the sample mean is 0, so the dispersion is undefined');
  const g1 = (-2 * m2) / (m1 * m1 * m1);
  const g2 = 1 / (m1 * m1);
  let varPsi = 0;
  let varY = 0;
  for (let i = 0; i < n; i++) {
    const y = samples[i];
    const psi = g1 * (y - m1) + g2 * (y * y - m2);
    varPsi += psi * psi;
    varY += (y - m1) ** 2;
  }
  varPsi /= n - 1;
  varY /= n - 1;
  return {
    dispersion: m2 / (m1 * m1),
    stderr: Math.sqrt(varPsi / n),
    mean: m1,
    meanStderr: Math.sqrt(varY / n),
    count: n,
  };
}
