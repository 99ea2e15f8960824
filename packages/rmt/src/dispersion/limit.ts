import { SpecError } from '@spec/core';
import { type Phase, classifyPhase } from './phase.js';

// Below this λ the closed forms are summed as Taylor series: their numerators cancel to O(λ²), which
// costs ~1e−16/λ² relative accuracy; 16 series terms leave (5λ)^{18}/18! < 1e−40 at λ = 1e−2.
const SERIES_BELOW = 1e-2;
const SERIES_TERMS = 16;

/** Σ_{j=2}^{2+SERIES_TERMS} n_j λ^{j−2} / scale for a numerator with Taylor coefficients n_j. */
function series(lambda: number, coefficient: (j: number) => number, scale: number): number {
  let s = 0;
  for (let j = 2 + SERIES_TERMS; j >= 2; j--) s = s * lambda + coefficient(j);
  return s / scale;
}

/** x^j/j! for j ≥ 0 (0 for j < 0). */
function term(x: number, j: number): number {
  if (j < 0) return 0;
  let t = 1;
  for (let i = 1; i <= j; i++) t *= x / i;
  return t;
}

function checkLambda(where: string, lambda: number): void {
  if (!(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new SpecError('E_INPUT', `${where}: lambda = depth/width must be finite and ≥ 0, got ${lambda}`);
  }
}

/**
 * Limiting dispersion of the weight part, `D_ww(λ) = [(9λ² + 6λ − 1) e^{5λ} + e^{−λ}]/(27 λ²)` = 1 + 11λ/3 + 47λ²/6 +
 * O(λ³), `D_ww ~ e^{5λ}/3` (apps/docs/theory/dispersion.md#depth-width-limits). Taylor series below λ = 1e−2;
 * `Infinity` once e^{5λ} overflows (λ ≳ 141).
 */
export function dispersionWeights(lambda: number): number {
  checkLambda('dispersionWeights', lambda);
  if (lambda < SERIES_BELOW) {
    return series(lambda, (j) => 9 * term(5, j - 2) + 6 * term(5, j - 1) - term(5, j) + term(-1, j), 27);
  }
  return ((9 * lambda * lambda + 6 * lambda - 1) * Math.exp(5 * lambda) + Math.exp(-lambda)) / (27 * lambda * lambda);
}

/**
 * Limiting dispersion of the bias part, `D_bb(λ) = 2 (e^{5λ} − 1 − 5λ)/(25 λ²)` = 1 + 5λ/3 + 25λ²/12 + O(λ³)
 * (apps/docs/theory/dispersion.md#depth-width-limits). Taylor series below λ = 1e−2.
 */
export function dispersionBiases(lambda: number): number {
  checkLambda('dispersionBiases', lambda);
  if (lambda < SERIES_BELOW) return series(lambda, (j) => 2 * term(5, j), 25);
  return (2 * (Math.expm1(5 * lambda) - 5 * lambda)) / (25 * lambda * lambda);
}

/**
 * Limiting cross moment `D_wb(λ) = E[Θ_w Θ_b]/(E Θ_w E Θ_b) = [(15λ + 11) e^{5λ} − 45λ − 36 + 25 e^{−λ}]/(225 λ²)` = 1
 * + 11λ/6 + 8λ²/3 + O(λ³) (apps/docs/theory/dispersion.md#depth-width-limits). Taylor series below λ = 1e−2.
 */
export function dispersionCross(lambda: number): number {
  checkLambda('dispersionCross', lambda);
  if (lambda < SERIES_BELOW) {
    return series(lambda, (j) => 15 * term(5, j - 1) + 11 * term(5, j) + 25 * term(-1, j), 225);
  }
  return (
    ((15 * lambda + 11) * Math.exp(5 * lambda) - 45 * lambda - 36 + 25 * Math.exp(-lambda)) / (225 * lambda * lambda)
  );
}

/** Options of {@link dispersionLimit}. */
export interface DispersionLimitOptions {
  /** Depth-to-width ratio λ = L/M ≥ 0. */
  lambda: number;
  /** Phase; when omitted it is classified from `sigmaW2` (apps/docs/theory/dispersion.md#setting). */
  phase?: Phase;
  /** Weight variance σ_w²; needed when `phase` is omitted and for the ordered finite-width correction. */
  sigmaW2?: number;
  /** r0 = lim M/n0 (EOC only). Default `Infinity` (n0 fixed), which gives D_ww; the authors' code has r0 = 1. */
  r0?: number;
  /** Width M, for the ordered-phase correction 5χ²/((1−χ²)M). Default: none (the M → ∞ limit, D = 1). */
  width?: number;
}

/** Result of {@link dispersionLimit}. */
export interface DispersionLimit {
  /** The limiting dispersion D of Θ(x,x) in this phase. */
  dispersion: number;
  phase: Phase;
  /** D_ww(λ), D_bb(λ), D_wb(λ) (apps/docs/theory/dispersion.md#depth-width-limits), whatever the phase. */
  weights: number;
  biases: number;
  cross: number;
}

/**
 * Limiting NTK dispersion `D = E[Θ²]/E[Θ]²` of a deep ReLU MLP as M → ∞ with L/M → λ
 * (apps/docs/theory/dispersion.md#depth-width-limits): ordered (σ_w² < 2): `D = 1`, or `1 + 5χ²/((1−χ²)M)` when `width`
 * is given (χ = σ_w²/2); edge of chaos: `(r0² D_ww + 2 r0 D_wb + D_bb)/(1 + r0)²` (D_ww when r0 = ∞); chaotic (σ_w² >
 * 2): `D_ww` (the bias share vanishes).
 */
export function dispersionLimit(options: DispersionLimitOptions): DispersionLimit {
  const { lambda, sigmaW2, width } = options;
  const r0 = options.r0 ?? Infinity;
  checkLambda('dispersionLimit', lambda);
  if (!(r0 >= 0)) throw new SpecError('E_INPUT', `dispersionLimit: r0 = M/n0 must be ≥ 0 (or Infinity), got ${r0}`);
  let phase = options.phase;
  if (phase === undefined) {
    if (sigmaW2 === undefined) throw new SpecError('E_INPUT', 'dispersionLimit: give either phase or sigmaW2');
    phase = classifyPhase({ sigmaW2 }).phase;
  }
  const weights = dispersionWeights(lambda);
  const biases = dispersionBiases(lambda);
  const cross = dispersionCross(lambda);
  let dispersion: number;
  if (phase === 'ordered') {
    if (width === undefined) dispersion = 1;
    else {
      if (!Number.isInteger(width) || width < 1) {
        throw new SpecError('E_INPUT', `dispersionLimit: width must be an integer ≥ 1, got ${width}`);
      }
      if (sigmaW2 === undefined || !(sigmaW2 > 0 && sigmaW2 < 2)) {
        throw new SpecError(
          'E_INPUT',
          `dispersionLimit: the ordered-phase width correction needs 0 < sigmaW2 < 2, got ${sigmaW2}`,
        );
      }
      const chi = sigmaW2 / 2;
      dispersion = 1 + (5 * chi * chi) / ((1 - chi * chi) * width);
    }
  } else if (phase === 'edge-of-chaos') {
    dispersion = r0 === Infinity ? weights : (r0 * r0 * weights + 2 * r0 * cross + biases) / ((1 + r0) * (1 + r0));
  } else if (phase === 'chaotic') {
    dispersion = weights;
  } else {
    throw new SpecError('E_INPUT', `dispersionLimit: unknown phase '${String(phase)}'`);
  }
  return { dispersion, phase, weights, biases, cross };
}
