import { SpecError } from '@spec/core';
import { decayExponent, funkHeckeEigenvalue, powerSeriesCoefficients, reluHermite, sphereEigenvalues } from '@spec/rmt';
import { relu } from '../activations/relu.js';
import { gaussianConstants } from '../gaussian-constants.js';
import { isNormalized } from '../normalize.js';
import { infiniteKernels, type InfiniteKernelValue } from './kernels.js';
import { resolveInfiniteOptions, type InfiniteKernelOptions, type ResolvedInfiniteOptions } from './architecture.js';

/**
 * Largest sphere dimension {@link kernelSeries} accepts: rmt's `funkHeckeEigenvalue` reached its 1e−13 tolerance for
 * tanh, gelu, relu, erf and sigmoid (depth 1 and 3, degree 8 and 100) at d ≤ 20000 and failed for some at 25000, where
 * the rounding of sin^{d−2}θ (≈ d·1e−16 relative) exceeds it.
 */
export const MAX_SPHERE_DIM = 20_000;

/** Options of {@link kernelSeries}. */
export interface KernelSeriesOptions extends Omit<InfiniteKernelOptions, 'architecture'> {
  /** Truncation degree P: coefficients of ⟨x, y⟩^0..⟨x, y⟩^P. */
  readonly degree: number;
  /**
   * Dimension d of the sphere S^{d−1} for the eigenvalues (apps/docs/theory/power-series.md#sphere-eigenvalues);
   * default 3, at most {@link MAX_SPHERE_DIM}.
   */
  readonly sphereDim?: number;
  /** Hermite coefficients used from quadrature, ≤ 60 (default 60); relu uses its closed form with 20000 terms. */
  readonly hermiteDegree?: number;
}

/** Result of {@link kernelSeries} (apps/docs/theory/power-series.md). */
export interface KernelSeries {
  readonly options: ResolvedInfiniteOptions;
  /** NNGP coefficients α_p: Σ(x, y) = Σ_p α_p ⟨x, y⟩^p (p = 0..P). */
  readonly nngp: Float64Array;
  /** NTK coefficients κ_p: Θ(x, y) = Σ_p κ_p ⟨x, y⟩^p. */
  readonly ntk: Float64Array;
  /** Diagonal Σ(x, x), Θ(x, x): the exact kernel at ⟨x, y⟩ = 1 with unit diagonal, else the scalar recursion of the (Hermite-truncated) series. */
  readonly diagonal: { readonly nngp: number; readonly ntk: number };
  /** Mass beyond degree P (bounds the truncation error on |⟨x, y⟩| ≤ 1). */
  readonly tailMass: { readonly nngp: number; readonly ntk: number };
  /** E φ² − Σ_{k≤K} μ_k²: the activation's Hermite mass left out (0 up to rounding for relu and polynomials). */
  readonly hermiteTailMass: number;
  /**
   * True when every layer keeps unit diagonal (σ²_w,in + σ_b² = 1 and σ_w² E φ² + σ_b² = 1): only then is the series
   * the network's kernel (apps/docs/theory/power-series.md#power-series).
   */
  readonly unitDiagonal: boolean;
  /**
   * Eigenvalues λ_k (k = 0..P) on S^{d−1} w.r.t. the uniform probability measure
   * (apps/docs/theory/power-series.md#sphere-eigenvalues), by Funk–Hecke quadrature of the exact infinite-width kernel
   * ({@link infiniteKernels}; ~1e−12, no series truncation).
   */
  readonly sphereEigenvalues: { readonly dim: number; readonly nngp: Float64Array; readonly ntk: Float64Array };
  /**
   * The same from the truncated series by the apps/docs/theory/power-series.md#sphere-eigenvalues sum: lower bounds
   * that miss at most tailMass × weight.
   */
  readonly seriesSphereEigenvalues: { readonly nngp: Float64Array; readonly ntk: Float64Array };
  /** Least-squares slope of log λ_k vs log k of the NTK sphere eigenvalues over k = 1..P (vanishing degrees skipped), null with fewer than two. */
  readonly decayExponent: number | null;
}

function hermiteOf(o: ResolvedInfiniteOptions, hermiteDegree: number): { mu: Float64Array; tail: number } {
  const act = o.activation;
  const raw = isNormalized(act) ? act.raw : act;
  if (raw === relu) {
    // Closed form (apps/docs/theory/toolkit.md#normalised-activations); the tail Σ_{k>K} μ_k² ≍ K^{−3/2} is ≈ 1e-7 at K
    // = 20000.
    const mu = reluHermite(20_000);
    if (isNormalized(act)) {
      mu[0] = 0;
      for (let k = 1; k < mu.length; k++) mu[k] /= act.scale;
    }
    return { mu, tail: tailOf(mu, isNormalized(act) ? 1 : 0.5) };
  }
  const g = gaussianConstants(act, { hermiteDegree });
  return { mu: g.rawHermite, tail: tailOf(g.rawHermite, g.secondMoment) };
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function tailOf(mu: Float64Array, second: number): number {
  let s = 0;
  for (let k = 0; k < mu.length; k++) s += mu[k] * mu[k];
  return Math.max(0, second - s);
}

/**
 * NNGP and NTK power series of an MLP in the conventions of {@link infiniteKernels}
 * (apps/docs/theory/power-series.md#power-series), through `powerSeriesCoefficients` of @spec/rmt: the activation's
 * Hermite coefficients μ_k (raw φ by default, φ̃ with `normalized`) are scaled by √(σ_w²/σ²_w,in) and the series is run
 * with σ_w² := σ²_w,in, so that the first layer is σ²_w,in ⟨x, y⟩ + σ_b² and every later layer σ_w² Σ μ_k² (·)^k + σ_b²
 * (relu with the default σ_w² = 2 gives κ = (1/π, 1, 3/(2π), 0, 5/(24π), …),
 * apps/docs/theory/reference-values.md#power-series). Then the sphere eigenvalues of both kernels on S^{d−1}
 * (apps/docs/theory/power-series.md#sphere-eigenvalues) and the decay exponent of the NTK's.
 *
 * @throws SpecError `E_INPUT` for bad options, σ²_w,in = 0, a degree outside [0, 100], a sphereDim outside
 *   [2, {@link MAX_SPHERE_DIM}], or a hermiteDegree outside [1, 60]
 */
export function kernelSeries(options: KernelSeriesOptions): KernelSeries {
  const o = resolveInfiniteOptions({ ...options, architecture: 'mlp' });
  const { degree } = options;
  if (!Number.isInteger(degree) || degree < 0 || degree > 100) {
    throw new SpecError('E_INPUT', `kernelSeries: degree must be an integer in [0, 100], got ${String(degree)}`);
  }
  const dim = options.sphereDim ?? 3;
  if (!Number.isInteger(dim) || dim < 2)
    throw new SpecError('E_INPUT', `kernelSeries: sphereDim must be an integer ≥ 2, got ${String(dim)}`);
  if (dim > MAX_SPHERE_DIM)
    throw new SpecError(
      'E_INPUT',
      `kernelSeries: sphereDim must be ≤ ${MAX_SPHERE_DIM}, got ${dim}: beyond it the Funk–Hecke quadrature of the sphere eigenvalues cannot reach its 1e−13 accuracy (the weight sin^{d−2}θ carries a rounding error of about d·1e−16); try a sphereDim ≤ ${MAX_SPHERE_DIM}`,
    );
  if (!(o.sigmaW2In > 0))
    throw new SpecError('E_INPUT', 'kernelSeries: sigmaW2In must be > 0 (the series is in powers of σ²_w,in ⟨x, y⟩)');
  const { mu, tail } = hermiteOf(o, options.hermiteDegree ?? 60);
  const scale = Math.sqrt(o.sigmaW2 / o.sigmaW2In);
  const hermite = Float64Array.from(mu, (v) => v * scale);
  const ps = powerSeriesCoefficients({ hermite, depth: o.depth, sigmaW2: o.sigmaW2In, sigmaB2: o.sigmaB2, degree });
  const second = gaussianConstants(o.activation).secondMoment;
  const unitDiagonal =
    Math.abs(o.sigmaW2In + o.sigmaB2 - 1) < 1e-9 && Math.abs(o.sigmaW2 * second + o.sigmaB2 - 1) < 1e-6;
  const eigs = (c: Float64Array): Float64Array => sphereEigenvalues({ coefficients: c, dim, maxDegree: degree });
  const kernels = infiniteKernels({ ...options, architecture: 'mlp' });
  // Every degree and both kernels integrate over the same nodes: evaluate the kernel once per node.
  const atCosine = new Map<number, InfiniteKernelValue>();
  const kernelAt = (t: number): InfiniteKernelValue => {
    let v = atCosine.get(t);
    if (v === undefined) {
      v = kernels.pair(Math.max(-1, Math.min(1, t)));
      atCosine.set(t, v);
    }
    return v;
  };
  const nngpEigs = new Float64Array(degree + 1);
  const ntkEigs = new Float64Array(degree + 1);
  for (let k = 0; k <= degree; k++) {
    nngpEigs[k] = funkHeckeEigenvalue((t) => kernelAt(t).nngp, dim, k);
    ntkEigs[k] = funkHeckeEigenvalue((t) => kernelAt(t).ntk, dim, k);
  }
  // With unit diagonal the series at ρ = 1 is the kernel's diagonal: take it exactly from the kernel map
  // (the scalar recursion on Hermite-truncated coefficients misses Σ_{k>K} k μ_k², ≍ K^{−1/2} for relu).
  const exact = kernels.pair(1);
  const diagonal = unitDiagonal ? { nngp: exact.nngp, ntk: exact.ntk } : ps.diagonal;
  let decay: number | null = null;
  const degrees = Array.from({ length: degree }, (_, i) => i + 1);
  const positive = degrees.filter((k) => ntkEigs[k] > 1e-12 * Math.max(...degrees.map((j) => ntkEigs[j])));
  if (positive.length >= 2) decay = decayExponent(ntkEigs, degrees);
  return {
    options: o,
    nngp: ps.nngp,
    ntk: ps.ntk,
    diagonal,
    tailMass: { nngp: Math.max(0, diagonal.nngp - sum(ps.nngp)), ntk: Math.max(0, diagonal.ntk - sum(ps.ntk)) },
    hermiteTailMass: tail * o.sigmaW2,
    unitDiagonal,
    sphereEigenvalues: { dim, nngp: nngpEigs, ntk: ntkEigs },
    seriesSphereEigenvalues: { nngp: eigs(ps.nngp), ntk: eigs(ps.ntk) },
    decayExponent: decay,
  };
}
