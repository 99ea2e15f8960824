import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { createCpuBackend, dgemm, dgram, dgramRows } from '../src/index.js';

const EPS = Number.EPSILON;

describe('dgram', () => {
  it('equals gemm(Aᵀ, A) within the dot-product error bound and is exactly symmetric', () => {
    let seed = 100;
    // Odd sizes, n crossing the 256-row panel, d crossing the 256-deep K block, float32 input.
    for (const [d, n, f32] of [
      [1, 1, false],
      [7, 5, false],
      [33, 65, true],
      [65, 33, false],
      [300, 261, false],
      [20, 270, true],
    ] as const) {
      const A = f32 ? new Float32Array(d * n) : new Float64Array(d * n);
      createRng(seed++).fillNormal(A);
      const G = new Float64Array(n * n);
      dgram(d, n, A, n, 0, G);
      const ref = new Float64Array(n * n);
      dgemm(true, false, n, n, d, 1, A, n, 0, A, n, 0, 0, ref, n, 0);
      // |A|ᵀ|A| gives Σ_t |a_ti a_tj| for the error bound.
      const absA = Float64Array.from(A, Math.abs);
      const mag = new Float64Array(n * n);
      dgemm(true, false, n, n, d, 1, absA, n, 0, absA, n, 0, 0, mag, n, 0);
      let worst = 0;
      let asymmetric = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          // Two d-term sums of the same products: they differ by at most 2γ_d·Σ|terms| ≈ 2(d + 1)ε·Σ|terms|
          // (the computed Σ|terms| is itself within γ_d of exact, which the +1 absorbs).
          worst = Math.max(worst, Math.abs(G[i * n + j] - ref[i * n + j]) / (2 * (d + 1) * EPS * mag[i * n + j] || 1));
          if (G[i * n + j] !== G[j * n + i]) asymmetric++;
        }
      }
      expect(worst).toBeLessThanOrEqual(1);
      expect(asymmetric).toBe(0);
    }
  });

  it('backend.gram returns the cols × cols Gram matrix with diagonal = squared column norms', () => {
    const cpu = createCpuBackend();
    const X = cpu.randn(40, 9, createRng(3));
    const G = cpu.gram(X);
    expect([G.rows, G.cols]).toEqual([9, 9]);
    for (let j = 0; j < 9; j++) {
      let s = 0;
      for (let i = 0; i < 40; i++) s += X.data[i * 9 + j] ** 2;
      // 40-term sums of positive terms in different orders: relative error ≤ 2·40·ε.
      expect(Math.abs(G.data[j * 9 + j] - s)).toBeLessThanOrEqual(80 * EPS * s);
    }
  });

  it('the Gram of the rows (A Aᵀ, one row per sample) is the column Gram of Aᵀ bit for bit, on one thread or two', () => {
    // Both pack the same n rows of length d and run the same kernel, so they must agree exactly; a packing with the
    // wrong strides would give a different matrix, not a rounding difference.
    for (const threads of [1, 2]) {
      const cpu = createCpuBackend({ threads });
      for (const [n, d] of [
        [5, 7],
        [261, 300],
        [270, 20],
      ] as const) {
        const A = cpu.randn(n, d, createRng(n + d)); // n × d
        const At = new Float64Array(d * n);
        for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) At[k * n + i] = A.data[i * d + k];
        const rows = cpu.gram(A, { rows: true });
        const cols = cpu.gram({ rows: d, cols: n, data: At });
        expect([rows.rows, rows.cols]).toEqual([n, n]);
        expect(Array.from(rows.data)).toEqual(Array.from(cols.data));
        const G = new Float64Array(n * n);
        dgramRows(n, d, A.data, d, 0, G);
        expect(Array.from(G)).toEqual(Array.from(cols.data));
      }
      cpu.dispose();
    }
  });
});
