import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
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
    for (const [m, n, k, upper] of [[5, 7, 17, false], [33, 33, 65, true], [70, 61, 301, false], [9, 9, 16, true], [64, 64, 1025, true]] as const) {
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

  it('blocked kernel (K slabs of 256, column blocks of 256, row chunks of 512) agrees with the scalar kernel with and without fused multiply-add', () => {
    const variants = [instantiateTiles(tileModuleBytes(false))!];
    if (relaxedSimd()) variants.push(instantiateTiles(tileModuleBytes(true))!);
    let seed = 90;
    for (const tiles of variants) {
      for (const [m, n, k, upper] of [[300, 300, 600, true], [261, 530, 513, false], [600, 600, 300, true], [530, 70, 40, false]] as const) {
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

describe('fusedRows (the row loop of a tridiagonalisation step in wasm)', () => {
  it('equals the JavaScript loop around fusedRow bit for bit', () => {
    const n = 37;
    const rng = createRng(12);
    const tiles = instantiateTiles(tileModuleBytes())!;
    tiles.memory.grow(Math.ceil((2 * (n * n + 4 * n) * 8) / 65536));
    const region = n * n + 4 * n;
    const init = Float64Array.from({ length: region }, () => rng.normal());
    const run = (base: number, viaRows: boolean): Float64Array => {
      const mem = new Float64Array(tiles.memory.buffer, base * 8, region);
      mem.set(init);
      const [a, v, w, u, p] = [0, n * n, n * n + n, n * n + 2 * n, n * n + 3 * n].map((q) => (base + q) * 8);
      if (viaRows) tiles.fusedRows(a, v, w, u, p, n, 3, n - 1);
      else {
        for (let j = 3; j < n - 1; j++) {
          const vj = mem[n * n + j], wj = mem[n * n + n + j], uj = mem[n * n + 2 * n + j];
          const s = tiles.fusedRow(a + 8 * j * n, v, w, u, p, j, vj, wj, uj);
          const diag = mem[j * n + j] - 2 * vj * wj;
          mem[j * n + j] = diag;
          mem[n * n + 3 * n + j] += s + diag * uj;
        }
      }
      return Float64Array.from(mem);
    };
    const viaLoop = run(0, false);
    const viaWasm = run(region, true);
    let differ = 0;
    for (let i = 0; i < region; i++) if (!Object.is(viaLoop[i], viaWasm[i])) differ++;
    expect(differ).toBe(0);
  });
});
