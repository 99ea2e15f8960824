import { SpecError } from '@spec/core';

/** Mean-field phase of a deep ReLU MLP (apps/docs/theory/dispersion.md#setting). */
export type Phase = 'ordered' | 'edge-of-chaos' | 'chaotic';

/** Options of {@link classifyPhase}. */
export interface PhaseOptions {
  /** Weight variance σ_w² > 0 (standard parametrisation, W_ij ~ N(0, σ_w²/fan_in)). */
  sigmaW2: number;
  /** Bias variance σ_b² ≥ 0. Default 0. */
  sigmaB2?: number;
  /** |χ₁ − 1| ≤ tolerance counts as the edge of chaos. Default 1e-9. */
  tolerance?: number;
}

/** Phase, gain χ₁ and the variance fixed point q* of {@link classifyPhase}. */
export interface PhaseInfo {
  phase: Phase;
  /** χ₁ = σ_w² E[φ′(√q* z)²] = σ_w²/2 for ReLU, whatever σ_b and q*. */
  chi: number;
  /**
   * Fixed point of the variance map q ← σ_w² q/2 + σ_b²: σ_b²/(1 − χ₁) when χ₁ < 1; 0 for σ_b = 0 and
   * χ₁ < 1; `Infinity` when χ₁ ≥ 1 and σ_b > 0 (the variance grows without bound); at χ₁ = 1 with σ_b = 0
   * every q is fixed and q* is reported as 1 (unit-norm inputs keep E q = 1).
   */
  qStar: number;
}

function check(sigmaW2: number, sigmaB2: number, tolerance: number): void {
  if (!(sigmaW2 > 0) || !Number.isFinite(sigmaW2)) {
    throw new SpecError('E_INPUT', `classifyPhase: sigmaW2 must be finite and > 0, got ${sigmaW2}`);
  }
  if (!(sigmaB2 >= 0) || !Number.isFinite(sigmaB2)) {
    throw new SpecError('E_INPUT', `classifyPhase: sigmaB2 must be finite and ≥ 0, got ${sigmaB2}`);
  }
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) {
    throw new SpecError('E_INPUT', `classifyPhase: tolerance must be finite and ≥ 0, got ${tolerance}`);
  }
}

/**
 * Classifies the initialisation of a ReLU MLP as ordered (χ₁ < 1), edge of chaos (χ₁ = 1) or chaotic (χ₁ > 1),
 * apps/docs/theory/dispersion.md#setting. For ReLU the gain χ₁ = σ_w² E[φ′(√q* z)²] = σ_w²/2 does not depend on q*,
 * hence not on σ_b: the edge of chaos is the line σ_w² = 2 for every σ_b² (with σ_b > 0 and σ_w² ≥ 2 the variance fixed
 * point q* of q ← σ_w² q/2 + σ_b² is infinite).
 */
export function classifyPhase(options: PhaseOptions): PhaseInfo {
  const sigmaW2 = options.sigmaW2;
  const sigmaB2 = options.sigmaB2 ?? 0;
  const tolerance = options.tolerance ?? 1e-9;
  check(sigmaW2, sigmaB2, tolerance);
  const chi = sigmaW2 / 2;
  const phase: Phase = Math.abs(chi - 1) <= tolerance ? 'edge-of-chaos' : chi < 1 ? 'ordered' : 'chaotic';
  let qStar: number;
  if (chi < 1 && phase === 'ordered') qStar = sigmaB2 / (1 - chi);
  else if (sigmaB2 > 0) qStar = Infinity;
  else qStar = phase === 'edge-of-chaos' ? 1 : Infinity;
  return { phase, chi, qStar };
}

/** Options of {@link phaseDiagram}. */
export interface PhaseDiagramOptions {
  /** Grid of weight variances σ_w² (rows). */
  sigmaW2: ArrayLike<number>;
  /** Grid of bias variances σ_b² (columns). */
  sigmaB2: ArrayLike<number>;
  /** Edge-of-chaos tolerance on χ₁, as in {@link classifyPhase}. Default 1e-9. */
  tolerance?: number;
}

/** Row-major grid of {@link classifyPhase} results: entry [i][j] is (sigmaW2[i], sigmaB2[j]). */
export interface PhaseDiagram {
  sigmaW2: Float64Array;
  sigmaB2: Float64Array;
  phase: Phase[][];
  chi: Float64Array[];
  qStar: Float64Array[];
}

/** Phase diagram of a ReLU MLP over a (σ_w², σ_b²) grid (apps/docs/theory/dispersion.md#setting). */
export function phaseDiagram(options: PhaseDiagramOptions): PhaseDiagram {
  const w = Float64Array.from(options.sigmaW2);
  const b = Float64Array.from(options.sigmaB2);
  if (w.length === 0 || b.length === 0) throw new SpecError('E_INPUT', 'phaseDiagram: both grids must be non-empty');
  const phase: Phase[][] = [];
  const chi: Float64Array[] = [];
  const qStar: Float64Array[] = [];
  for (let i = 0; i < w.length; i++) {
    const rowP: Phase[] = [];
    const rowC = new Float64Array(b.length);
    const rowQ = new Float64Array(b.length);
    for (let j = 0; j < b.length; j++) {
      const info = classifyPhase({ sigmaW2: w[i], sigmaB2: b[j], tolerance: options.tolerance });
      rowP.push(info.phase);
      rowC[j] = info.chi;
      rowQ[j] = info.qStar;
    }
    phase.push(rowP);
    chi.push(rowC);
    qStar.push(rowQ);
  }
  return { sigmaW2: w, sigmaB2: b, phase, chi, qStar };
}
