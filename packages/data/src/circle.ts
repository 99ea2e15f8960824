import { SpecError, type Rng } from '@spec/core';

/** Options of {@link circleData}. */
export interface CircleDataOptions {
  /** The shape of one sample (spatial…, C), e.g. [8, 8, 1] for 8 × 8 one-channel images. */
  readonly sampleShape: ReadonlyArray<number>;
  /** Number of points, at angles spaced evenly from 0 to π (inclusive); at least 2. */
  readonly points: number;
  /** Seeded randomness for the two directions u, v. */
  readonly rng: Rng;
}

/** Inputs on a great circle, with their angles to the first one. */
export interface CircleData {
  /** x(θ_k) for k = 0..points − 1, row-major in `shape`. */
  readonly data: Float64Array;
  /** (points, …sampleShape). */
  readonly shape: number[];
  /** θ_k in radians, from 0 to π. */
  readonly angles: Float64Array;
}

/**
 * Inputs on a circle through a space of images (or sequences, or vectors): x(θ) = cos θ · u + sin θ · v, where u and
 * v are i.i.d. N(0, 1) arrays of `sampleShape`, made orthogonal (Gram–Schmidt) and scaled to norm √size. Every x(θ)
 * then has ‖x‖² = size (so the input record ⟨x(p), x(p)⟩ / C averages 1 over positions) and ⟨x(0), x(θ)⟩ / size =
 * cos θ: the angle between the first input and the k-th is θ_k. It is the architecture analogue of the pair of unit
 * inputs at angle θ of the MLP kernels (apps/docs/theory/infinite-width.md#mlp-recursions); unlike an MLP's, a CNN's
 * kernel also depends on which circle, through how x(0) and x(θ) agree position by position.
 *
 * @throws SpecError `E_INPUT` for a bad shape or fewer than 2 points
 */
export function circleData(options: CircleDataOptions): CircleData {
  const { sampleShape, points, rng } = options;
  if (sampleShape.length === 0 || !sampleShape.every((s) => Number.isSafeInteger(s) && s >= 1)) {
    throw new SpecError(
      'E_INPUT',
      `sample shape must be positive integers (spatial…, C), got [${sampleShape.join(', ')}]`,
    );
  }
  const size = sampleShape.reduce((a, b) => a * b, 1);
  if (size < 2)
    throw new SpecError('E_INPUT', 'a circle needs samples of at least 2 entries (two orthogonal directions)');
  if (!Number.isSafeInteger(points) || points < 2) {
    throw new SpecError('E_INPUT', `points on the circle must be an integer ≥ 2, got ${points}`);
  }
  const u = new Float64Array(size);
  const v = new Float64Array(size);
  rng.split('circle:u').fillNormal(u);
  rng.split('circle:v').fillNormal(v);
  const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, x, i) => s + x * b[i], 0);
  const uu = dot(u, u);
  const proj = dot(u, v) / uu;
  for (let i = 0; i < size; i++) v[i] -= proj * u[i];
  const su = Math.sqrt(size / uu);
  const sv = Math.sqrt(size / dot(v, v));
  const data = new Float64Array(points * size);
  const angles = new Float64Array(points);
  for (let k = 0; k < points; k++) {
    const theta = (Math.PI * k) / (points - 1);
    angles[k] = theta;
    const c = Math.cos(theta) * su;
    const s = Math.sin(theta) * sv;
    for (let i = 0; i < size; i++) data[k * size + i] = c * u[i] + s * v[i];
  }
  return { data, shape: [points, ...sampleShape], angles };
}
