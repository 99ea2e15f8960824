import type { Matrix, Rng } from '@spec/core';
import { gaussianData } from './gaussian.js';

/** Options of {@link sphereData}. */
export interface SphereDataOptions {
  /** Number of samples (columns). */
  readonly n: number;
  /** Input dimension (rows); samples lie on the unit sphere S^{d0−1}. */
  readonly d0: number;
  /** Seeded source of the draws. */
  readonly rng: Rng;
}

/**
 * X ∈ R^{d0×n} with i.i.d. columns uniform on the unit sphere S^{d0−1} (Gaussian columns divided by their norm), the
 * setting of apps/docs/theory/power-series.md#sphere-eigenvalues; ‖x‖ = 1 exactly, so only the inner products deviate
 * from orthonormality (apps/docs/theory/fan-wang.md#assumptions).
 */
export function sphereData({ n, d0, rng }: SphereDataOptions): Matrix {
  const X = gaussianData({ n, d0, rng });
  const data = X.data;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < d0; p++) s += data[p * n + i] ** 2;
    if (s === 0) {
      // Probability 0 for Gaussian draws; map it to e_1 so the column is still on the sphere.
      data[i] = 1;
      continue;
    }
    const inv = 1 / Math.sqrt(s);
    for (let p = 0; p < d0; p++) data[p * n + i] *= inv;
  }
  return X;
}
