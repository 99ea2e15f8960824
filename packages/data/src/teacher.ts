import { type Matrix, type Rng, SpecError } from '@spec/core';
import { gaussianData } from './gaussian.js';
import { checkSizes } from './synthetic-check.js';

/** Options of {@link singleIndexTeacher}. */
export interface SingleIndexTeacherOptions {
  /** Number of samples. */
  readonly n: number;
  /** Input dimension. */
  readonly d0: number;
  /** The teacher's link σ*, applied to the standardised index √d0 βᵀx ~ N(0, 1). */
  readonly link: (t: number) => number;
  /** Standard deviation of the additive Gaussian label noise (default 0). */
  readonly noise?: number;
  /** Seeded source of the draws (X, β and the noise use independent child streams). */
  readonly rng: Rng;
}

/** Inputs, targets, and the hidden direction of a single-index teacher. */
export interface SingleIndexTeacherData {
  /** d0 × n inputs with N(0, 1/d0) entries. */
  readonly X: Matrix;
  /** Targets y_i = σ*(√d0 βᵀx_i) + noise · ε_i. */
  readonly y: Float64Array;
  /** The unit direction β (length d0). */
  readonly beta: Float64Array;
}

/** Options of {@link multiIndexTeacher}. */
export interface MultiIndexTeacherOptions {
  /** Number of samples. */
  readonly n: number;
  /** Input dimension. */
  readonly d0: number;
  /** Number of hidden directions k (at most d0). */
  readonly k: number;
  /** The teacher's link g, applied to the k standardised indices z_j = √d0 β_jᵀx. */
  readonly link: (z: Float64Array) => number;
  /** Standard deviation of the additive Gaussian label noise (default 0). */
  readonly noise?: number;
  /** Seeded source of the draws. */
  readonly rng: Rng;
}

/** Inputs, targets, and the hidden directions of a multi-index teacher. */
export interface MultiIndexTeacherData {
  /** d0 × n inputs with N(0, 1/d0) entries. */
  readonly X: Matrix;
  /** Targets y_i = g(√d0 Bᵀx_i) + noise · ε_i. */
  readonly y: Float64Array;
  /** d0 × k matrix B with orthonormal columns β_1..β_k. */
  readonly directions: Matrix;
}

function checkNoise(noise: number): void {
  if (!Number.isFinite(noise) || noise < 0)
    throw new SpecError('E_INPUT', `noise must be a finite non-negative number, got ${noise}`);
}

function checkTarget(v: number, i: number): number {
  if (!Number.isFinite(v))
    throw new SpecError('E_INPUT', `the teacher's link returned ${v} for sample ${i}; it must return finite numbers`);
  return v;
}

/**
 * Orthonormal d0 × k directions: k Gaussian vectors orthonormalised by modified Gram–Schmidt (twice, for
 * orthogonality to machine precision), i.e. a uniformly random k-frame.
 */
function randomFrame(d0: number, k: number, rng: Rng): Matrix {
  const cols: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(d0);
    rng.fillNormal(v);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of cols) {
        let dot = 0;
        for (let p = 0; p < d0; p++) dot += u[p] * v[p];
        for (let p = 0; p < d0; p++) v[p] -= dot * u[p];
      }
    }
    let s = 0;
    for (let p = 0; p < d0; p++) s += v[p] * v[p];
    const inv = 1 / Math.sqrt(s);
    for (let p = 0; p < d0; p++) v[p] *= inv;
    cols.push(v);
  }
  const data = new Float64Array(d0 * k);
  for (let j = 0; j < k; j++) for (let p = 0; p < d0; p++) data[p * k + j] = cols[j][p];
  return { rows: d0, cols: k, data };
}

/**
 * Single-index teacher (apps/docs/theory/spectral-evolution.md#training-setups): X with N(0, 1/d0) entries, a uniformly
 * random unit β, and y_i = σ*(√d0 βᵀx_i) + noise · ε_i with ε_i ~ N(0, 1). The index √d0 βᵀx_i is exactly N(0, 1).
 */
export function singleIndexTeacher({ n, d0, link, noise = 0, rng }: SingleIndexTeacherOptions): SingleIndexTeacherData {
  checkSizes({ n, d0 });
  checkNoise(noise);
  const { data: beta } = randomFrame(d0, 1, rng.split('beta'));
  const X = gaussianData({ n, d0, rng: rng.split('X') });
  const noiseRng = rng.split('noise');
  const y = new Float64Array(n);
  const s = Math.sqrt(d0);
  const t = new Float64Array(n);
  for (let p = 0; p < d0; p++) {
    const b = beta[p];
    for (let i = 0; i < n; i++) t[i] += b * X.data[p * n + i];
  }
  for (let i = 0; i < n; i++) y[i] = checkTarget(link(s * t[i]), i) + (noise > 0 ? noise * noiseRng.normal() : 0);
  return { X, y, beta: Float64Array.from(beta) };
}

/**
 * Multi-index teacher: X with N(0, 1/d0) entries, k orthonormal directions B = [β_1..β_k] (a uniformly
 * random k-frame), and y_i = g(z_i) + noise · ε_i with z_i = √d0 Bᵀx_i ~ N(0, I_k).
 */
export function multiIndexTeacher({ n, d0, k, link, noise = 0, rng }: MultiIndexTeacherOptions): MultiIndexTeacherData {
  checkSizes({ n, d0, k });
  checkNoise(noise);
  if (k > d0) throw new SpecError('E_INPUT', `k = ${k} orthonormal directions need k ≤ d0 = ${d0}`);
  const B = randomFrame(d0, k, rng.split('beta'));
  const X = gaussianData({ n, d0, rng: rng.split('X') });
  const noiseRng = rng.split('noise');
  const Z = new Float64Array(k * n); // k × n: Z = √d0 Bᵀ X
  const s = Math.sqrt(d0);
  for (let p = 0; p < d0; p++) {
    for (let j = 0; j < k; j++) {
      const b = B.data[p * k + j] * s;
      if (b === 0) continue;
      for (let i = 0; i < n; i++) Z[j * n + i] += b * X.data[p * n + i];
    }
  }
  const y = new Float64Array(n);
  const z = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) z[j] = Z[j * n + i];
    y[i] = checkTarget(link(z), i) + (noise > 0 ? noise * noiseRng.normal() : 0);
  }
  return { X, y, directions: B };
}
