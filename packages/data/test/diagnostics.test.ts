import { createRng, fromRows } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { orthonormalityDiagnostics } from '../src/diagnostics.js';
import { gaussianData } from '../src/gaussian.js';
import { jacobiEigen } from '../src/jacobi-eigen.js';
import { multiIndexTeacher } from '../src/teacher.js';

describe('orthonormalityDiagnostics', () => {
  it('orthonormal columns: zero deviations and ‖X‖_op = 1', () => {
    const { directions } = multiIndexTeacher({ n: 1, d0: 9, k: 4, link: () => 0, rng: createRng(1) });
    const r = orthonormalityDiagnostics(directions);
    expect(r.maxNormDeviation).toBeLessThan(1e-14);
    expect(r.maxInnerProduct).toBeLessThan(1e-14);
    expect(r.normDeviationL2).toBeLessThan(1e-14);
    expect(r.operatorNorm).toBeCloseTo(1, 12);
  });

  it('known answers: scaled axes and repeated samples', () => {
    const axes = orthonormalityDiagnostics(
      fromRows([
        [2, 0],
        [0, 0.5],
        [0, 0],
      ]),
    );
    expect(axes.maxNormDeviation).toBeCloseTo(1, 15);
    expect(axes.normDeviationL2).toBeCloseTo(Math.sqrt(1.25), 15);
    expect(axes.maxInnerProduct).toBe(0);
    expect(axes.operatorNorm).toBeCloseTo(2, 9);
    // n copies of one unit vector: XᵀX = 11ᵀ, so ‖X‖_op = √n and every inner product is 1.
    const u = [0.6, 0.8];
    const n = 5;
    const same = orthonormalityDiagnostics(fromRows([Array(n).fill(u[0]), Array(n).fill(u[1])]));
    expect(same.operatorNorm).toBeCloseTo(Math.sqrt(n), 9);
    expect(same.maxInnerProduct).toBeCloseTo(1, 14);
  });

  it.each([
    [30, 12],
    [12, 30],
  ])('‖X‖_op matches √λ_max of the Gram matrix from Jacobi (d0 = %i, n = %i)', (d0, n) => {
    const X = gaussianData({ n, d0, rng: createRng(d0) });
    const G = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) for (let p = 0; p < d0; p++) G[a * n + b] += X.data[p * n + a] * X.data[p * n + b];
    const { values } = jacobiEigen({ rows: n, cols: n, data: G });
    // Power iteration stops at 1e-10 relative change of the Rayleigh quotient; with a spectral gap of a few
    // percent the remaining error is of the same order, far below 1e-6.
    expect(orthonormalityDiagnostics(X).operatorNorm).toBeCloseTo(Math.sqrt(values[n - 1]), 6);
  });
});
