import { SpecError, assertFinite, isSpecError, type Activation, type Backend, type Matrix } from '@spec/core';
import { gaussianConstants } from '@spec/nets';
import { eigenbasisLimit, type EigenbasisCombination, type LimitSpectrum } from '@spec/rmt';
import { unitNormKernelTable } from './kernel-table.js';

/** Options of {@link exactKernelLimit}. */
export interface ExactKernelLimitOptions {
  /** Data, d₀ × n; only the cosines of the columns are used (the network's inputs are taken as unit norm). */
  readonly X: Matrix;
  /** Hidden widths d₁..d_L. */
  readonly widths: ReadonlyArray<number>;
  /** The normalised activation σ̃ of the network (apps/docs/theory/toolkit.md#normalised-activations). */
  readonly activation: Activation;
  /** Which limits (default both). */
  readonly kernel?: 'ck' | 'ntk' | 'both';
  readonly backend: Backend;
  /** Density grid points (default 1000). */
  readonly points?: number;
  /** Angles of the kernel table (default 256, see `unitNormKernelTable`). */
  readonly tableNodes?: number;
}

/** Result of {@link exactKernelLimit}. */
export interface ExactKernelLimitResult {
  readonly ck?: LimitSpectrum;
  readonly ntk?: LimitSpectrum;
  /** Eigenvalues of the exact first-layer kernel Φ₁ (ascending): the law the first MP map acts on. */
  readonly phi1Eigenvalues: Float64Array;
  /** b² of the activation: the weight of the previous layer's fluctuation in Φ_ℓ, ℓ ≥ 2. */
  readonly slope2: number;
}

/**
 * The law on a grid of `points`, doubled (twice at most) when the law's own check fails: with many spike components a
 * grid's ~38 points per component can leave the mass off by more than 1e−3 (seen for the relu NTK, L = 2, on centred
 * Fashion-MNIST at n = 1000, where 2000 points suffice).
 */
function refinedLimit(c: EigenbasisCombination, points: number): LimitSpectrum {
  for (let attempt = 0; ; attempt++) {
    try {
      return eigenbasisLimit(c, { points: points * 2 ** attempt });
    } catch (e) {
      if (attempt >= 2 || !isSpecError(e) || e.code !== 'E_CONVERGENCE') throw e;
    }
  }
}

/** Entrywise f(cosine) of the n × n cosine matrix. */
function kernelMatrix(cos: Float64Array, n: number, f: (rho: number) => number): Matrix {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = f(1);
    for (let j = i + 1; j < n; j++) out[i * n + j] = out[j * n + i] = f(cos[i * n + j]);
  }
  return { rows: n, cols: n, data: out };
}

/** diag(UᵀMU): the deterministic matrix M seen in the eigenbasis U of Φ₁ (the one approximation of the limit). */
function diagonalInBasis(M: Matrix, U: Matrix, backend: Backend, clip: boolean): Float64Array {
  const MU = backend.gemm(M, U);
  const n = U.rows;
  const k = U.cols;
  const d = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) d[j] += U.data[i * k + j] * MU.data[i * k + j];
  }
  if (clip) for (let j = 0; j < k; j++) d[j] = Math.max(0, d[j]);
  return d;
}

/**
 * The exact-kernel limit of the CK and NTK spectra of an MLP on given data (apps/docs/theory/fan-wang.md#exact-kernel-limit):
 *
 * 1. Φ_ℓ = the infinite-width CK of layer ℓ on the data (from the activation's dual, `@spec/nets` infiniteKernels,
 *    tabulated in the cosine) — exact: no (ε, B)-orthonormality is assumed.
 * 2. Layer 1: ESD(K₁) → ρ^MP_{n/d₁} ⊠ ESD(Φ₁) (rows of σ(W₁X) are i.i.d. with covariance Φ₁).
 * 3. Layer ℓ ≥ 2: Φ_ℓ given K_{ℓ−1} is linearised around the infinite-width kernel, Φ_ℓ ≈ (Φ_ℓ^∞ − b²Φ_{ℓ−1}^∞) +
 *    b²K_{ℓ−1}, and the deterministic part is replaced by its diagonal in the eigenbasis of Φ₁ — the approximation.
 * 4. NTK: A + Σ_ℓ b^{2(L−ℓ)} K_ℓ with A = Θ^∞ − Σ_ℓ b^{2(L−ℓ)} Φ_ℓ^∞ (so its mean is the infinite-width NTK), A again
 *    by its diagonal in that basis — an approximation already at L = 1.
 *
 * Reduces to the Fan–Wang limits (apps/docs/theory/fan-wang.md#ck-limit, #ntk-surrogate) when Φ₁ = (1 − b²)I + b²XᵀX.
 * Cost: L + 1 kernel tables, one n × n eigendecomposition and up to L + 1 n × n products.
 *
 * @throws SpecError `E_INPUT` for bad widths or a non-normalised activation, `E_DATA` for a zero sample
 */
export function exactKernelLimit(options: ExactKernelLimitOptions): ExactKernelLimitResult {
  const { X, widths, activation, backend } = options;
  const kernel = options.kernel ?? 'both';
  const n = X.cols;
  const L = widths.length;
  if (L === 0) throw new SpecError('E_INPUT', 'the exact-kernel limit needs at least one hidden layer');
  for (const d of widths)
    if (!Number.isInteger(d) || d < 1) throw new SpecError('E_INPUT', `widths must be positive integers, got ${d}`);
  const c = gaussianConstants(activation);
  if (Math.abs(c.mean) > 1e-6 || Math.abs(c.sd - 1) > 1e-6) {
    throw new SpecError(
      'E_INPUT',
      `the exact-kernel limit assumes a normalised activation (mean 0, variance 1 under N(0,1)); "${activation.name}" has mean ${c.mean.toPrecision(4)} and sd ${c.sd.toPrecision(4)}`,
    );
  }
  const b2 = Math.min(1, c.b * c.b);
  const G = backend.gram(X);
  const cos = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const gii = G.data[i * n + i];
    if (!(gii > 0)) throw new SpecError('E_DATA', `exact-kernel limit: sample ${i} is zero (its cosine is undefined)`);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      cos[i * n + j] = G.data[i * n + j] / Math.sqrt(G.data[i * n + i] * G.data[j * n + j]);
    }
  }
  const tables = Array.from({ length: L }, (_, l) => unitNormKernelTable(activation, l + 1, options.tableNodes));
  const phi = tables.map((t) => kernelMatrix(cos, n, t.ck));
  phi.forEach((p, l) => assertFinite(p, `exact kernel Φ_${l + 1}`));
  const eig = backend.eigh(phi[0]);
  const base = eig.values.map((v) => Math.max(0, v));
  const U = eig.vectors;
  const layers: { remainder: Float64Array; slope2: number }[] = [];
  for (let l = 1; l < L; l++) {
    // Φ_ℓ^∞ − b²Φ_{ℓ−1}^∞ = Σ_{k≥2} c_k² (Φ_{ℓ−1}^∞)^{⊙k} is PSD (Schur), so its diagonal in any basis is ≥ 0 up to round-off
    const R = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) R[i] = phi[l].data[i] - b2 * phi[l - 1].data[i];
    layers.push({ remainder: diagonalInBasis({ rows: n, cols: n, data: R }, U, backend, true), slope2: b2 });
  }
  const samplesPerNeuron = widths.map((d) => n / d);
  // At least 1000 points: data kernels have many narrow spike components, and coarser grids lose some of their mass.
  const points = Math.max(1000, options.points ?? 1000);
  let ck: LimitSpectrum | undefined;
  let ntk: LimitSpectrum | undefined;
  if (kernel !== 'ntk') {
    const q = new Array<number>(L).fill(0);
    q[L - 1] = 1;
    ck = refinedLimit({ base, samplesPerNeuron, layers, shift: 0, q }, points);
  }
  if (kernel !== 'ck') {
    const q = Array.from({ length: L }, (_, l) => b2 ** (L - 1 - l));
    const theta = kernelMatrix(cos, n, tables[L - 1].ntk);
    const A = theta.data;
    for (let l = 0; l < L; l++) for (let i = 0; i < n * n; i++) A[i] -= q[l] * phi[l].data[i];
    const shift = diagonalInBasis(theta, U, backend, false);
    ntk = refinedLimit({ base, samplesPerNeuron, layers, shift, q }, points);
  }
  return { ck, ntk, phi1Eigenvalues: base, slope2: b2 };
}
