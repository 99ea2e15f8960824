import { type Matrix, SpecError } from '@spec/core';

/** ITU-R BT.601 luma weights of the R, G and B planes (as PIL's `convert('L')`). */
export const LUMA_WEIGHTS: readonly [number, number, number] = [0.299, 0.587, 0.114];

/**
 * Converts RGB images stored as planes (rows 0..p−1 red, p..2p−1 green, 2p..3p−1 blue, the CIFAR-10
 * layout) to grayscale Y = 0.299 R + 0.587 G + 0.114 B: a 3p × n matrix becomes p × n.
 * `E_SHAPE` when the number of rows is not a multiple of 3.
 */
export function grayscale(X: Matrix): Matrix {
  const { rows, cols: n, data } = X;
  if (rows % 3 !== 0 || rows === 0)
    throw new SpecError('E_SHAPE', `grayscale needs 3 colour planes (rows a multiple of 3), got ${rows} rows`);
  const p = rows / 3;
  const [wr, wg, wb] = LUMA_WEIGHTS;
  const out = new Float64Array(p * n);
  for (let k = 0; k < p * n; k++) out[k] = wr * data[k] + wg * data[p * n + k] + wb * data[2 * p * n + k];
  return { rows: p, cols: n, data: out };
}
