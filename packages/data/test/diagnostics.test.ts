import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, fromRows } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { orthonormalityDiagnostics } from '../src/diagnostics.js';
import { gaussianData } from '../src/gaussian.js';
import { normalizeSamples } from '../src/normalize.js';

const s = Math.SQRT1_2;

describe('orthonormalityDiagnostics', () => {
  it('three unit vectors, two at 60°: max 1/2, median 0, d_eff = 12, spectrum {1/2, 1, 3/2}', () => {
    const r = orthonormalityDiagnostics(
      fromRows([
        [1, 0.5, 0],
        [0, Math.sqrt(3) / 2, 0],
        [0, 0, 1],
      ]),
    );
    expect(r.maxNormDeviation).toBeLessThan(1e-15);
    expect(r.maxInnerProduct).toBeCloseTo(0.5, 15);
    expect(r.medianInnerProduct).toBe(0);
    // Pairs (1/2, 0, 0): mean square 1/12.
    expect(r.meanSquaredInnerProduct).toBeCloseTo(1 / 12, 15);
    expect(r.effectiveDimension).toBeCloseTo(12, 13);
    expect(r.orthogonalityRatio).toBeCloseTo(Math.sqrt(3) / 12, 14);
    // XᵀX = [[1, ½, 0], [½, 1, 0], [0, 0, 1]] has eigenvalues ½, 1, 3/2.
    expect(r.operatorNorm).toBeCloseTo(Math.sqrt(1.5), 13);
    expect(r.meanEigenvalue).toBeCloseTo(1, 15);
    expect(r.bulkEdge).toBeCloseTo(4, 14); // (1 + √(3/3))²
    expect(r.spikes).toBe(0);
    expect(r.fanWangExpected).toBe(false); // √3/12 ≈ 0.144 > 0.1
    expect(r.warning).toMatch(/not expected to hold; try whiten:K/);
  });

  it('n > d (spectrum from XXᵀ): four unit vectors in the plane at 45° steps', () => {
    const r = orthonormalityDiagnostics(
      fromRows([
        [1, 0, s, s],
        [0, 1, s, -s],
      ]),
    );
    // |x_iᵀx_j| over the six pairs: 0, 0 and four times 1/√2.
    expect(r.maxInnerProduct).toBeCloseTo(s, 15);
    expect(r.medianInnerProduct).toBeCloseTo(s, 15);
    expect(r.effectiveDimension).toBeCloseTo(3, 14); // 1 / (4 · ½ / 6)
    expect(r.orthogonalityRatio).toBeCloseTo(2 / 3, 14);
    // XXᵀ = 2I, so XᵀX has eigenvalues 2, 2, 0, 0.
    expect(r.operatorNorm).toBeCloseTo(Math.SQRT2, 14);
    expect(r.bulkEdge).toBeCloseTo((1 + Math.SQRT2) ** 2, 13);
    expect(r.spikes).toBe(0);
  });

  it('five copies of one vector in d = 50: every overlap 1, one spike 5 above the edge (1 + √(1/10))²', () => {
    const d = 50;
    const n = 5;
    const X = { rows: d, cols: n, data: new Float64Array(d * n) };
    for (let i = 0; i < n; i++) {
      X.data[0 * n + i] = 0.6;
      X.data[1 * n + i] = 0.8;
    }
    const r = orthonormalityDiagnostics(X);
    expect(r.maxInnerProduct).toBeCloseTo(1, 15);
    expect(r.medianInnerProduct).toBeCloseTo(1, 15);
    expect(r.effectiveDimension).toBeCloseTo(1, 14);
    expect(r.bulkEdge).toBeCloseTo((1 + Math.sqrt(n / d)) ** 2, 14);
    expect(r.spikes).toBe(1);
    expect(r.spikeValues[0]).toBeCloseTo(5, 12); // XᵀX = 11ᵀ
    expect(r.operatorNorm).toBeCloseTo(Math.sqrt(5), 13);
  });

  it('orthogonal scaled axes: norm deviations, d_eff = ∞, no warning; n = 1 has no pairs', () => {
    const r = orthonormalityDiagnostics(
      fromRows([
        [2, 0],
        [0, 0.5],
        [0, 0],
      ]),
    );
    expect(r.maxNormDeviation).toBeCloseTo(1, 15);
    expect(r.normDeviationL2).toBeCloseTo(Math.sqrt(1.25), 15);
    expect(r.maxInnerProduct).toBe(0);
    expect(r.effectiveDimension).toBe(Infinity);
    expect(r.orthogonalityRatio).toBe(0);
    expect(r.fanWangExpected).toBe(true);
    expect(r.warning).toBeUndefined();
    expect(r.operatorNorm).toBeCloseTo(2, 14);
    const one = orthonormalityDiagnostics(fromRows([[1], [0]]));
    expect([one.maxInnerProduct, one.medianInnerProduct, one.orthogonalityRatio]).toEqual([0, 0, 0]);
  });

  it.each([
    [60, 25],
    [25, 60],
  ])('agrees with a backend (Householder + QL, blocked Gram) on Gaussian data (d0 = %i, n = %i)', (d0, n) => {
    const X = normalizeSamples(gaussianData({ n, d0, rng: createRng(d0) }));
    const ours = orthonormalityDiagnostics(X);
    const theirs = orthonormalityDiagnostics(X, { linalg: createCpuBackend() });
    // Two eigensolvers and two Gram loops, each backward stable: agreement to ≈ 1e-13 relative.
    expect(ours.operatorNorm).toBeCloseTo(theirs.operatorNorm, 12);
    expect(ours.spikes).toBe(theirs.spikes);
    expect(ours.effectiveDimension / theirs.effectiveDimension).toBeCloseTo(1, 12);
    expect(ours.medianInnerProduct).toBeCloseTo(theirs.medianInnerProduct, 14);
    // Independent unit vectors: E (x_iᵀx_j)² = 1/d0, so d_eff ≈ d0 within a few Monte Carlo percent
    // (n(n−1)/2 ≥ 300 weakly dependent pairs, each of relative variance 2: s.e. ≲ √(2/300) ≈ 8%; allow 30%).
    expect(ours.effectiveDimension / d0).toBeGreaterThan(0.7);
    expect(ours.effectiveDimension / d0).toBeLessThan(1.3);
  });
});
