import type { Matrix, Rng } from '@spec/core';
import { checkSizes } from './synthetic-check.js';

/** Options of {@link gaussianData}. */
export interface GaussianDataOptions {
  /** Number of samples (columns). */
  readonly n: number;
  /** Input dimension (rows). */
  readonly d0: number;
  /** Seeded source of the draws. */
  readonly rng: Rng;
}

/**
 * X ∈ R^{d0×n} with i.i.d. N(0, 1/d0) entries, the default input of the linear-width theory
 * (apps/docs/theory/fan-wang.md#assumptions): columns have E‖x‖² = 1, and X is (ε, B)-orthonormal with
 * ε ≍ √(log n / d0).
 */
export function gaussianData({ n, d0, rng }: GaussianDataOptions): Matrix {
  checkSizes({ n, d0 });
  const data = new Float64Array(d0 * n);
  rng.fillNormal(data);
  const s = 1 / Math.sqrt(d0);
  for (let k = 0; k < data.length; k++) data[k] *= s;
  return { rows: d0, cols: n, data };
}
