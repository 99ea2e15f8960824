import { createRng, type SpatialKernel } from '@spec/core';
import { expect } from 'vitest';

/** Standard normal data of the given shape, from a fixed seed. */
export function randomData(shape: ReadonlyArray<number>, seed: number): Float64Array {
  const x = new Float64Array(shape.reduce((a, b) => a * b, 1));
  createRng(seed).fillNormal(x);
  return x;
}

/** Full-record entry K[a, p, b, q]. */
export function at(r: SpatialKernel, which: 'nngp' | 'ntk', a: number, p: number, b: number, q: number): number {
  const n = r.samples;
  const L = r.spatial.reduce((x, y) => x * y, 1);
  return r.form === 'full' ? r[which][((a * L + p) * n + b) * L + q] : r[which][(a * n + b) * L + p];
}

/** Every entry of `actual` within `rel` of `expected` relative to the largest |expected|. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number): void {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(rel * scale);
}
