import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { axpy2, dot } from '../src/symmetric-rows.js';
import { dotKernel, instantiateTiles, relaxedSimd, tileModuleBytes, wasmDotKernel, wasmTiles } from '../src/index.js';

const EPS = Number.EPSILON;

function padded(rows: number, k: number, seed: number): Float64Array {
  const out = new Float64Array(((rows + 3) & ~3) * k);
  createRng(seed).fillNormal(out, 0, rows * k);
  return out;
}

describe('wasmDotKernel (WebAssembly SIMD tiles)', () => {
  it('is available in Node (so the products really run on it)', () => {
    expect(wasmTiles()).not.toBeNull();
  });

  it('matches the scalar kernel within the dot-product error bound, odd k (row padding), upper mode, row ranges', () => {
    const tiles = wasmTiles()!;
    let seed = 40;
    // Growing sizes also exercise memory growth; small ones after large ones reuse stale memory.
    for (const [m, n, k, upper] of [
      [5, 7, 17, false],
      [33, 33, 65, true],
      [70, 61, 301, false],
      [9, 9, 16, true],
      [64, 64, 1025, true],
    ] as const) {
      const P = padded(m, k, seed++);
      const Q = upper ? P : padded(n, k, seed++);
      const nn = upper ? m : n;
      const ref = new Float64Array(m * nn).fill(1);
      const got = new Float64Array(m * nn).fill(1);
      dotKernel(m, nn, k, -2, P, Q, ref, nn, 0, upper);
      const mp = (m + 3) & ~3;
      // Two row ranges, as two threads would split them.
      const split = 4 * Math.floor(mp / 8);
      expect(wasmDotKernel(tiles, m, nn, k, -2, P, Q, got, nn, 0, upper, 0, split)).toBe(true);
      expect(wasmDotKernel(tiles, m, nn, k, -2, P, Q, got, nn, 0, upper, split, mp)).toBe(true);
      let worst = 0;
      for (let i = 0; i < m; i++) {
        for (let j = upper ? i : 0; j < nn; j++) {
          let mag = 0;
          for (let t = 0; t < k; t++) mag += Math.abs(P[i * k + t] * Q[j * k + t]);
          // Two k-term sums in different orders (pairwise lanes vs sequential): ≤ 2(k + 1)ε·Σ|terms|,
          // times |alpha| = 2, plus the rounding of adding to the initial 1.
          worst = Math.max(worst, Math.abs(got[i * nn + j] - ref[i * nn + j]) / (4 * (k + 2) * EPS * mag + 2 * EPS));
        }
      }
      expect(worst, `${m}×${nn}×${k} upper=${upper}`).toBeLessThanOrEqual(1);
    }
  });

  it('blocked kernel (K slabs of 256, column blocks of 256, row chunks of 500) agrees with the scalar kernel with and without fused multiply-add', () => {
    const variants = [instantiateTiles(tileModuleBytes(false))!];
    if (relaxedSimd()) variants.push(instantiateTiles(tileModuleBytes(true))!);
    let seed = 90;
    for (const tiles of variants) {
      for (const [m, n, k, upper] of [
        [300, 300, 600, true],
        [261, 530, 513, false],
        [600, 600, 300, true],
        [530, 70, 40, false],
      ] as const) {
        const P = padded(m, k, seed++);
        const Q = upper ? P : padded(n, k, seed++);
        const nn = upper ? m : n;
        const ref = new Float64Array(m * nn);
        const got = new Float64Array(m * nn);
        dotKernel(m, nn, k, 0.5, P, Q, ref, nn, 0, upper);
        const mp = (m + 3) & ~3;
        const split = 4 * Math.floor(mp / 12); // unequal row ranges, not aligned to the 64-row chunks
        expect(wasmDotKernel(tiles, m, nn, k, 0.5, P, Q, got, nn, 0, upper, 0, split)).toBe(true);
        expect(wasmDotKernel(tiles, m, nn, k, 0.5, P, Q, got, nn, 0, upper, split, mp)).toBe(true);
        let worst = 0;
        for (let i = 0; i < m; i++) {
          for (let j = upper ? i : 0; j < nn; j++) {
            let mag = 0;
            for (let t = 0; t < k; t++) mag += Math.abs(P[i * k + t] * Q[j * k + t]);
            // Two k-term sums in different orders: ≤ 2(k + 1)ε·Σ|terms| (fused or not), times |alpha| = 0.5.
            worst = Math.max(worst, Math.abs(got[i * nn + j] - ref[i * nn + j]) / ((k + 2) * EPS * mag));
          }
        }
        expect(worst, `${m}×${nn}×${k} upper=${upper}`).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('dot, axpy2 (vector kernels of the panel LQ, in wasm)', () => {
  it('agree with the TypeScript forms within the summation-order bound, for every length remainder', () => {
    const variants = [instantiateTiles(tileModuleBytes(false))!];
    if (relaxedSimd()) variants.push(instantiateTiles(tileModuleBytes(true))!);
    const rng = createRng(12);
    for (const tiles of variants) {
      for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 37]) {
        const region = n * n + 2 * n;
        const need = region * 8;
        if (need > tiles.memory.buffer.byteLength) tiles.memory.grow(Math.ceil(need / 65536));
        const init = Float64Array.from({ length: region }, () => rng.normal());
        const [a, v, p] = [0, n * n, n * n + n];
        for (const len of [0, 1, 2, 3, n].filter((x) => x <= n)) {
          const mem = new Float64Array(tiles.memory.buffer, 0, region);
          mem.set(init);
          let mag = 0;
          for (let l = 0; l < len; l++) mag += Math.abs(init[a + l] * init[v + l]);
          expect(Math.abs(tiles.dot(8 * a, 8 * v, len) - dot(init, a, v, len))).toBeLessThanOrEqual(
            2 * (len + 1) * EPS * mag,
          );
          const ref = Float64Array.from(init);
          axpy2(ref, 0.5, a, -2, v, p, len);
          tiles.axpy2(0.5, 8 * a, -2, 8 * v, 8 * p, len);
          for (let l = 0; l < n; l++) {
            const bound = 2 * EPS * (Math.abs(init[p + l]) + Math.abs(0.5 * init[a + l]) + Math.abs(2 * init[v + l]));
            expect(Math.abs(mem[p + l] - ref[p + l])).toBeLessThanOrEqual(bound);
          }
        }
      }
    }
  });
});
