import { type Matrix, type Rng, SpecError } from '@spec/core';
import { checkSizes } from './synthetic-check.js';

/** Options of {@link gaussianMixture}. */
export interface GaussianMixtureOptions {
  /** Number of samples (columns). */
  readonly n: number;
  /** Input dimension (rows). */
  readonly d0: number;
  /** Number of classes k. */
  readonly classes: number;
  /** Norm ‖μ_c‖ of every class mean (default 1, the same scale as the noise, E‖z‖² = 1). */
  readonly separation?: number;
  /** Seeded source of the draws. */
  readonly rng: Rng;
}

/** A labelled Gaussian mixture. */
export interface GaussianMixtureData {
  /** d0 × n samples x_i = μ_{label_i} + z_i. */
  readonly X: Matrix;
  /** Class of each sample, uniform on 0..k−1. */
  readonly labels: Int32Array;
  /** d0 × k class means (column c is μ_c, of norm `separation`). */
  readonly means: Matrix;
}

/**
 * Gaussian mixture with k classes: labels uniform on {0..k−1}, means μ_c = separation · u_c with u_c independent
 * uniform unit vectors, samples x_i = μ_{label_i} + z_i with z_i ~ N(0, I/d0) (so the noise has the linear-width scale
 * of apps/docs/theory/fan-wang.md#assumptions). Class means make a rank-k spike in XᵀX.
 */
export function gaussianMixture({ n, d0, classes, separation = 1, rng }: GaussianMixtureOptions): GaussianMixtureData {
  checkSizes({ n, d0, classes });
  if (!Number.isFinite(separation) || separation < 0) {
    throw new SpecError('E_INPUT', `separation must be a finite non-negative number, got ${separation}`);
  }
  const meanRng = rng.split('means');
  const labelRng = rng.split('labels');
  const noiseRng = rng.split('noise');
  const means = new Float64Array(d0 * classes);
  for (let c = 0; c < classes; c++) {
    let s = 0;
    const u = new Float64Array(d0);
    meanRng.fillNormal(u);
    for (let p = 0; p < d0; p++) s += u[p] * u[p];
    const scale = separation / Math.sqrt(s);
    for (let p = 0; p < d0; p++) means[p * classes + c] = u[p] * scale;
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = labelRng.int(classes);
  const X = new Float64Array(d0 * n);
  noiseRng.fillNormal(X);
  const s = 1 / Math.sqrt(d0);
  for (let p = 0; p < d0; p++) {
    for (let i = 0; i < n; i++) X[p * n + i] = X[p * n + i] * s + means[p * classes + labels[i]];
  }
  return { X: { rows: d0, cols: n, data: X }, labels, means: { rows: d0, cols: classes, data: means } };
}
