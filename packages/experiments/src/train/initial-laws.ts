import { SpecError, type Activation } from '@spec/core';
import { mpDensity, mpEdges, ntkSurrogateCoefficients, type LimitSpectrum } from '@spec/rmt';
import { limitJob, type LimitInput } from '../limit-job.js';

/** MP law of a weight matrix's ESD on a grid, as {@link weightMpLaw} returns it. */
export interface WeightMpLaw {
  /** h × d. */
  readonly shape: readonly [number, number];
  /** The ratio γ = d/h of the d × d Gram WᵀW/h (apps/docs/theory/spectral-evolution.md#quantities). */
  readonly ratio: number;
  /** Support [(1 − √γ)², (1 + √γ)²] of the continuous part. */
  readonly edges: readonly [number, number];
  /** Grid on the support (ascending) and the density there, normalised over the min(h, d) nonzero eigenvalues. */
  readonly x: Float64Array;
  readonly density: Float64Array;
}

/**
 * The Marchenko–Pastur law (apps/docs/theory/toolkit.md#marchenko-pastur, ratio γ = d/h) of the eigenvalues of WᵀW/h
 * for an h × d matrix W with i.i.d. N(0, 1) entries, normalised like {@link weightSpectrum}'s ESD: over the min(h, d)
 * nonzero eigenvalues. For d > h the zero atom 1 − h/d of WᵀW/h is left out and the continuous part rescaled by d/h (so
 * the curve integrates to 1 in both cases). `points` grid points (default 200), Chebyshev-clustered at the edges where
 * the density has its square-root behaviour.
 *
 * @throws SpecError `E_INPUT` for sides < 2 or fewer than 10 points
 */
export function weightMpLaw(h: number, d: number, points = 200): WeightMpLaw {
  if (!Number.isInteger(h) || !Number.isInteger(d) || h < 2 || d < 2)
    throw new SpecError('E_INPUT', `weightMpLaw: W must be at least 2 × 2, got ${h} × ${d}`);
  if (!Number.isInteger(points) || points < 10)
    throw new SpecError('E_INPUT', `weightMpLaw: points must be an integer ≥ 10, got ${points}`);
  const ratio = d / h;
  const [lo, hi] = mpEdges(ratio);
  const scale = d > h ? ratio : 1;
  const x = new Float64Array(points);
  const density = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    const t = (1 - Math.cos((Math.PI * i) / (points - 1))) / 2;
    x[i] = lo + (hi - lo) * t;
    density[i] = scale * mpDensity(x[i], ratio);
  }
  return { shape: [h, d], ratio, edges: [lo, hi], x, density };
}

/** Options of {@link initialKernelLaws}. */
export interface InitialKernelLawsOptions {
  /**
   * Samples n, input dimension d₀ and hidden widths d₁..d_L of a fan-wang MLP
   * (apps/docs/theory/fan-wang.md#network-and-kernels).
   */
  readonly n: number;
  readonly d0: number;
  readonly widths: ReadonlyArray<number>;
  /** The activation as the network uses it; must be normalised (mean 0, variance 1 under N(0, 1)). */
  readonly activation: Activation;
  /** Input law (default MP with γ₀ = n/d₀, i.i.d. N(0, 1/d₀) inputs). */
  readonly input?: LimitInput;
  /**
   * Whether the readout is trained (default false). When it is frozen the monitored NTK is that of the hidden weights
   * only, NTK − K_L, whose law is that of r₊I + Σ_{ℓ<L} q_ℓ K_ℓ (apps/docs/theory/fan-wang.md#ntk-surrogate with q_L =
   * 0).
   */
  readonly trainReadout?: boolean;
  /** Density grid points of the CK law (default 400). */
  readonly points?: number;
}

/** Limit laws of the kernels at initialisation, as {@link initialKernelLaws} returns them. */
export interface InitialKernelLaws {
  /** Fan–Wang CK law of the last hidden layer (apps/docs/theory/fan-wang.md#ck-limit). */
  readonly ck: LimitSpectrum;
  /** Right edge of the CK law's support. */
  readonly ckEdge: number;
  /** Right edge of the law of the monitored NTK (full NTK, or NTK − K_L with a frozen readout). */
  readonly ntkEdge: number;
}

/** Right end of a limit law's support (continuous part, else the largest atom). */
function rightEdge(law: LimitSpectrum): number {
  const s = law.support;
  return s.length > 0 ? s[s.length - 1][1] : Math.max(0, ...law.atoms.map((a) => a.x));
}

/** Right edge of the input law μ₀ of XᵀX. */
function inputEdge(input: LimitInput, n: number, d0: number): number {
  if (input.kind === 'mp') return mpEdges(n / d0)[1];
  let m = 0;
  for (const v of input.values) m = Math.max(m, v);
  return m;
}

/**
 * The step-0 limit laws that the training monitors compare with (apps/docs/theory/spectral-evolution.md#quantities "ESD
 * histograms against the limits at initialisation"): the CK law and the right edges of the CK and NTK laws, through
 * {@link limitJob}. With a frozen readout the monitored NTK drops the readout's term K_L, so by
 * apps/docs/theory/fan-wang.md#ntk-surrogate its law is that of r₊(L)I + b²·Y with Y = Σ_{ℓ=0}^{L−1} b^{2(L−1−ℓ)} K_ℓ,
 * the non-identity part of the depth-(L−1) NTK surrogate: its right edge is r₊(L) + b²·(E_{L−1} − r₊(L−1)), E_{L−1} the
 * right edge of the depth-(L−1) NTK law (for L = 1, Y = K_0 and E_0 − r₊(0) is the right edge of μ₀).
 *
 * @throws SpecError `E_INPUT` for a non-normalised activation or bad sizes (from {@link limitJob})
 */
export function initialKernelLaws(options: InitialKernelLawsOptions): InitialKernelLaws {
  const { n, d0, widths, activation } = options;
  const input = options.input ?? { kind: 'mp' as const };
  const points = options.points ?? 400;
  const full = limitJob({ n, d0, widths, activation, input, points, kernel: options.trainReadout ? 'both' : 'ck' });
  const ck = full.ck!;
  let ntkEdge: number;
  if (options.trainReadout) ntkEdge = rightEdge(full.ntk!);
  else {
    const L = widths.length;
    const b = Math.max(-1, Math.min(1, full.b));
    const a = Math.max(full.a, b * b);
    const rL = ntkSurrogateCoefficients(a, b, L).r;
    let below: number;
    if (L === 1) below = inputEdge(input, n, d0);
    else {
      const lower = limitJob({ n, d0, widths: widths.slice(0, L - 1), activation, input, points, kernel: 'ntk' });
      below = rightEdge(lower.ntk!) - ntkSurrogateCoefficients(a, b, L - 1).r;
    }
    ntkEdge = rL + b * b * below;
  }
  return { ck, ckEdge: rightEdge(ck), ntkEdge };
}
