import { describe, expect, it } from 'vitest';
import type { Padding } from '../../src/architecture/spec.js';
import { windowIndexMap } from '../../src/kernel-maps/index-map.js';
import { windowSumBlock } from '../../src/kernel-maps/window-sum-block.js';

/*
 * The axis-by-axis window sum against its definition S[p, q] = Σ_δ B[ι(p, δ), ι(q, δ)] with the full index map. The
 * blocks hold small integers, so every order of summation gives the same floating-point result: the comparison is
 * exact, and a wrong offset, run or stride anywhere changes some entry.
 */
function direct(
  spatial: number[],
  window: number[],
  strides: number[],
  padding: Padding,
  B: Float64Array,
): Float64Array {
  const { outputSpatial, taps, index } = windowIndexMap(spatial, window, strides, padding, 'test');
  const L = spatial.reduce((a, b) => a * b, 1);
  const Lo = outputSpatial.reduce((a, b) => a * b, 1);
  const S = new Float64Array(Lo * Lo);
  for (let p = 0; p < Lo; p++)
    for (let q = 0; q < Lo; q++)
      for (let d = 0; d < taps; d++) {
        const i = index[p * taps + d];
        const j = index[q * taps + d];
        if (i >= 0 && j >= 0) S[p * Lo + q] += B[i * L + j];
      }
  return S;
}

describe('window sum on a record block, axis by axis', () => {
  const cases: Array<[number[], number[], number[], Padding]> = [
    [[7], [3], [1], 'SAME'],
    [[7], [3], [2], 'VALID'],
    [[5, 4], [3, 3], [1, 1], 'SAME'],
    [[5, 4], [3, 2], [1, 2], 'SAME'],
    [[6, 5], [2, 3], [2, 1], 'VALID'],
    [[4, 5], [3, 3], [1, 1], 'CIRCULAR'],
    [[3, 4, 3], [2, 3, 2], [1, 2, 1], 'SAME'],
  ];
  for (const [spatial, window, strides, padding] of cases) {
    it(`${padding} window [${window}] stride [${strides}] on [${spatial}]`, () => {
      const L = spatial.reduce((a, b) => a * b, 1);
      const K = Float64Array.from({ length: L * L }, (_, i) => ((i * 7919) % 23) - 11);
      const T = Float64Array.from({ length: L * L }, (_, i) => ((i * 104729) % 17) - 8);
      const plan = windowSumBlock(spatial, window, strides, padding, 'test');
      const Lo = plan.outputSize;
      const out = { nngp: new Float64Array(Lo * Lo), ntk: new Float64Array(Lo * Lo) };
      plan.sum({ nngp: K, ntk: T }, out);
      expect(Array.from(out.nngp)).toEqual(Array.from(direct(spatial, window, strides, padding, K)));
      expect(Array.from(out.ntk)).toEqual(Array.from(direct(spatial, window, strides, padding, T)));
      // Used twice (scratch reused), the same result.
      plan.sum({ nngp: K, ntk: T }, out);
      expect(Array.from(out.nngp)).toEqual(Array.from(direct(spatial, window, strides, padding, K)));
    });
  }
});
