import { describe, expect, it } from 'vitest';
import { type Matrix, type SpecError, createRng, isSpecError, jacobiEigen, jacobiEigenvalues } from '../src/index.js';

/** The m × m matrix with `diag` on the diagonal and `off` on the first off-diagonals. */
function toeplitzTridiagonal(m: number, diag: number, off: number): Matrix {
  const data = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    data[i * m + i] = diag;
    if (i + 1 < m) data[i * m + i + 1] = data[(i + 1) * m + i] = off;
  }
  return { rows: m, cols: m, data };
}

/** Q diag(λ) Qᵀ with Q = I − 2 v vᵀ/‖v‖² (a Householder reflection from a seeded v): spectrum λ exactly. */
function withSpectrum(lambda: number[], seed: number): Matrix {
  const m = lambda.length;
  const v = new Float64Array(m);
  createRng(seed).fillNormal(v);
  const vv = v.reduce((s, x) => s + x * x, 0);
  const Q = (i: number, j: number): number => (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv;
  const data = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += Q(i, k) * lambda[k] * Q(j, k);
      data[i * m + j] = s;
    }
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) data[i * m + j] = data[j * m + i];
  return { rows: m, cols: m, data };
}

function expectCode(f: () => unknown, code: string, pattern: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(isSpecError(err), String(err)).toBe(true);
  expect((err as SpecError).code).toBe(code);
  expect((err as SpecError).message).toMatch(pattern);
}

describe('jacobiEigen', () => {
  it('matches the closed form 2 − 2cos(kπ/(m+1)) and the sine eigenvectors of the (−1, 2, −1) matrix', () => {
    for (const m of [1, 2, 7, 40]) {
      const { values, vectors: V } = jacobiEigen(toeplitzTridiagonal(m, 2, -1));
      for (let k = 1; k <= m; k++) {
        // Jacobi is backward stable: |Δλ| ≲ c·m·ε·‖A‖ with ‖A‖ ≤ 4; 1e-13 leaves room for c·m ≈ 100.
        expect(Math.abs(values[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (m + 1))))).toBeLessThan(1e-13);
        // Eigenvector k: sin(i k π/(m+1)) normalised; compare up to sign. Gaps ≥ π²/m² keep it well determined.
        const norm = Math.sqrt((m + 1) / 2);
        let dot = 0;
        for (let i = 0; i < m; i++)
          dot += V.data[i * m + (k - 1)] * (Math.sin(((i + 1) * k * Math.PI) / (m + 1)) / norm);
        expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-10);
      }
    }
  });

  it('recovers a prescribed spectrum (with a repeated and a negative value) with orthonormal vectors and S V = V Λ', () => {
    const lambda = [-3, 0.5, 0.5, 1, 2.25, 7, 10, 10, 11.5];
    const S = withSpectrum(lambda, 3);
    const m = lambda.length;
    const { values, vectors: V } = jacobiEigen(S);
    const sorted = [...lambda].sort((a, b) => a - b);
    // Entries of S are built with O(m) rounding each, so eigenvalues carry ≈ m·ε·‖S‖ ≈ 1e-14·11.5.
    sorted.forEach((l, j) => expect(Math.abs(values[j] - l)).toBeLessThan(1e-12));
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < m; b++) {
        let vtv = 0;
        let sv = 0;
        for (let k = 0; k < m; k++) {
          vtv += V.data[k * m + a] * V.data[k * m + b];
          sv += S.data[a * m + k] * V.data[k * m + b];
        }
        expect(Math.abs(vtv - (a === b ? 1 : 0))).toBeLessThan(1e-13);
        expect(Math.abs(sv - values[b] * V.data[a * m + b])).toBeLessThan(1e-12);
      }
    }
  });

  it('gives 1 (m − 1 times) and 1 + m·a for I + a·11ᵀ, and the same values from jacobiEigenvalues', () => {
    const m = 25;
    const a = 0.3;
    const data = new Float64Array(m * m).fill(a);
    for (let i = 0; i < m; i++) data[i * m + i] += 1;
    const S = { rows: m, cols: m, data };
    const { values } = jacobiEigen(S);
    const alone = jacobiEigenvalues(S);
    for (let j = 0; j < m - 1; j++) expect(Math.abs(values[j] - 1)).toBeLessThan(1e-13);
    expect(Math.abs(values[m - 1] - (1 + m * a))).toBeLessThan(1e-13);
    for (let j = 0; j < m; j++) expect(Math.abs(alone[j] - values[j])).toBeLessThan(1e-13);
  });

  it('works at the edges of the float64 range (entries of 1e300 and 1e−300) without overflow', () => {
    for (const scale of [1e300, 1e-300]) {
      const S = toeplitzTridiagonal(5, 2 * scale, -scale);
      const values = jacobiEigenvalues(S);
      for (let k = 1; k <= 5; k++) {
        const want = (2 - 2 * Math.cos((k * Math.PI) / 6)) * scale;
        expect(Math.abs(values[k - 1] - want)).toBeLessThan(1e-13 * scale);
      }
    }
    expect(Array.from(jacobiEigen({ rows: 2, cols: 2, data: new Float64Array(4) }).values)).toEqual([0, 0]);
  });

  it('rejects non-square, non-finite and asymmetric input, and reports non-convergence', () => {
    expectCode(() => jacobiEigen({ rows: 2, cols: 3, data: new Float64Array(6) }), 'E_SHAPE', /square/);
    expectCode(
      () => jacobiEigenvalues({ rows: 1, cols: 1, data: Float64Array.of(Number.NaN) }),
      'E_INPUT',
      /non-finite/,
    );
    expectCode(() => jacobiEigen({ rows: 2, cols: 2, data: Float64Array.of(1, 2, 3, 1) }), 'E_INPUT', /not symmetric/);
    // One sweep cannot diagonalise a dense 12 × 12 matrix to 1e-15.
    expectCode(
      () => jacobiEigen(withSpectrum([...Array(12).keys()], 5), { maxSweeps: 1 }),
      'E_CONVERGENCE',
      /1 sweeps/,
    );
    expectCode(() => jacobiEigen(toeplitzTridiagonal(2, 1, 0), { maxSweeps: 0 }), 'E_INPUT', /maxSweeps/);
  });
});
