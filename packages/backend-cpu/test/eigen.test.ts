import { createRng, jacobiEigenvalues, SpecError } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { createCpuBackend, dgram, eigh, eigvalsh } from '../src/index.js';

const EPS = Number.EPSILON;

/** Random orthogonal Q (n × n row-major) as a product of n random Householder reflectors. */
function randomOrthogonal(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  const v = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    rng.fillNormal(v);
    let nn = 0;
    for (let i = 0; i < n; i++) nn += v[i] * v[i];
    // Q ← Q (I − 2 v vᵀ / vᵀv)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += Q[i * n + j] * v[j];
      s *= 2 / nn;
      for (let j = 0; j < n; j++) Q[i * n + j] -= s * v[j];
    }
  }
  return Q;
}

/** Q diag(λ) Qᵀ, symmetrised exactly. */
function withSpectrum(lambda: ArrayLike<number>, Q: Float64Array): Float64Array {
  const n = lambda.length;
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += Q[i * n + t] * lambda[t] * Q[j * n + t];
      S[i * n + j] = s;
      S[j * n + i] = s;
    }
  }
  return S;
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const S = new Float64Array(n * n);
  createRng(seed).fillNormal(S);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) S[j * n + i] = S[i * n + j];
  return S;
}

function normMax(n: number, S: Float64Array): number {
  // Frobenius norm bounds the spectral norm from above.
  let s = 0;
  for (let i = 0; i < n * n; i++) s += S[i] * S[i];
  return Math.sqrt(s);
}

/** max_j ‖S v_j − λ_j v_j‖ and ‖VᵀV − I‖_max for an n × k column-eigenvector matrix. */
function residuals(
  n: number,
  S: ArrayLike<number>,
  values: Float64Array,
  V: Float64Array,
): { res: number; orth: number } {
  const k = values.length;
  let res = 0;
  let orth = 0;
  for (let j = 0; j < k; j++) {
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += S[i * n + t] * V[t * k + j];
      r2 += (s - values[j] * V[i * k + j]) ** 2;
    }
    res = Math.max(res, Math.sqrt(r2));
    for (let l = 0; l <= j; l++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += V[i * k + j] * V[i * k + l];
      orth = Math.max(orth, Math.abs(dot - (j === l ? 1 : 0)));
    }
  }
  return { res, orth };
}

describe('eigvalsh / eigh', () => {
  it('recovers a prescribed spectrum Q diag(λ) Qᵀ (random orthogonal Q), including repeated values', () => {
    const n = 40;
    const lambda = Float64Array.from({ length: n }, (_, i) => (i < 5 ? 3 : i - 17.5)); // a 5-fold value 3
    const S = withSpectrum(lambda, randomOrthogonal(n, 7));
    const got = eigvalsh(n, S);
    const want = Float64Array.from(lambda).sort();
    // Backward stable: |λ̂ − λ| ≤ c·n·ε·‖S‖ (Weyl); ‖S‖₂ = 22.5. The construction itself adds ~n·ε·‖S‖,
    // so 1e-12·‖S‖ ≈ 20·n·ε·‖S‖ is generous yet 1000× below any real error.
    for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-12 * 22.5);
    const full = eigh(n, S);
    for (let i = 0; i < n; i++) expect(Math.abs(full.values[i] - want[i])).toBeLessThan(1e-12 * 22.5);
    const { res, orth } = residuals(n, S, full.values, full.vectors);
    // Residual and orthogonality of a backward-stable solver: O(n·ε·‖S‖) and O(n·ε).
    expect(res).toBeLessThan(1e-12 * 22.5);
    expect(orth).toBeLessThan(1e-12);
  });

  it('matches the closed form 2 − 2cos(kπ/(n+1)) for the dense (−1, 2, −1) Toeplitz matrix', () => {
    const n = 50;
    const S = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      S[i * n + i] = 2;
      if (i + 1 < n) S[i * n + i + 1] = S[(i + 1) * n + i] = -1;
    }
    const got = eigvalsh(n, S);
    // ‖S‖ ≤ 4; backward error O(n·ε·‖S‖) ≈ 4e-14.
    for (let k = 1; k <= n; k++)
      expect(Math.abs(got[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-13);
  });

  it('keeps trace and Frobenius norm of a Wishart matrix: Σλ = tr W, Σλ² = ‖W‖²_F, all λ ≥ 0', () => {
    const d = 30;
    const n = 60; // rank 30: half the eigenvalues are exactly zero in exact arithmetic
    const X = new Float64Array(d * n);
    createRng(5).fillNormal(X);
    const W = new Float64Array(n * n);
    dgram(d, n, X, n, 0, W);
    const values = eigvalsh(n, W);
    let tr = 0;
    let fro = 0;
    for (let i = 0; i < n; i++) tr += W[i * n + i];
    for (let i = 0; i < n * n; i++) fro += W[i] * W[i];
    const sum = values.reduce((a, b) => a + b, 0);
    const sum2 = values.reduce((a, b) => a + b * b, 0);
    const norm = Math.sqrt(fro);
    // Each λ is within ~n·ε·‖W‖ of exact, so the sums are within n²·ε·‖W‖ (and 2‖W‖ times that for Σλ²).
    expect(Math.abs(sum - tr)).toBeLessThan(n * n * EPS * norm);
    expect(Math.abs(sum2 - fro)).toBeLessThan(2 * n * n * EPS * norm * norm);
    for (const v of values) expect(v).toBeGreaterThan(-n * EPS * norm);
    // The rank deficiency shows: the n − d smallest are zero up to rounding.
    for (let i = 0; i < n - d; i++) expect(Math.abs(values[i])).toBeLessThan(n * EPS * norm);
  });

  it('agrees with an independent cyclic Jacobi solver on random symmetric matrices to 1e-10 relative', () => {
    for (const [n, seed] of [
      [1, 1],
      [2, 2],
      [3, 3],
      [17, 4],
      [64, 5],
    ] as const) {
      const S = randomSymmetric(n, seed);
      const ours = eigvalsh(n, S);
      const ref = jacobiEigenvalues({ rows: n, cols: n, data: S }); // cyclic Jacobi: an independent route
      const scale = Math.max(...ref.map(Math.abs));
      // Both are backward stable (error ≲ n·ε·‖S‖ ≈ 1e-14·‖S‖ at n = 64); 1e-10 relative to ‖S‖ is the
      // eigensolver's accuracy target and leaves a wide margin.
      for (let i = 0; i < n; i++) expect(Math.abs(ours[i] - ref[i])).toBeLessThan(1e-10 * scale);
      const { values, vectors } = eigh(n, S);
      for (let i = 0; i < n; i++) expect(Math.abs(values[i] - ref[i])).toBeLessThan(1e-10 * scale);
      const { res, orth } = residuals(n, S, values, vectors);
      expect(res).toBeLessThan(1e-12 * normMax(n, S));
      expect(orth).toBeLessThan(1e-12);
    }
  });

  it('eigh with k returns the k largest values (ascending) and their vectors, equal to the full solve', () => {
    const n = 45;
    const S = randomSymmetric(n, 9);
    const full = eigh(n, S);
    const top = eigh(n, S, 6);
    expect(top.values.length).toBe(6);
    expect(top.vectors.length).toBe(n * 6);
    for (let j = 0; j < 6; j++) {
      // Same algorithm on the same data up to the back-transform: values agree to rounding.
      expect(Math.abs(top.values[j] - full.values[n - 6 + j])).toBeLessThan(1e-12 * normMax(n, S));
      // Vectors agree up to sign: |⟨v_top, v_full⟩| = 1.
      let dot = 0;
      for (let i = 0; i < n; i++) dot += top.vectors[i * 6 + j] * full.vectors[i * n + n - 6 + j];
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-10);
    }
    const { res, orth } = residuals(n, S, top.values, top.vectors);
    expect(res).toBeLessThan(1e-12 * normMax(n, S));
    expect(orth).toBeLessThan(1e-12);
  });

  it('eigh with allValues also returns every eigenvalue, equal to cyclic Jacobi, on every route (k = 0, 1, n)', () => {
    const cpu = createCpuBackend();
    const n = 40; // k = 1 ≤ n/8 takes inverse iteration, k = n the QL with rotations, k = 0 neither
    const S = randomSymmetric(n, 31);
    const ref = jacobiEigenvalues({ rows: n, cols: n, data: S }); // an independent route
    const scale = normMax(n, S);
    for (const k of [0, 1, n]) {
      const r = cpu.eigh({ rows: n, cols: n, data: S }, { k, allValues: true });
      expect(r.allValues!.length).toBe(n);
      // Backward stable solvers on the same matrix: ≲ n·ε·‖S‖; 1e-12 leaves a margin.
      for (let i = 0; i < n; i++) expect(Math.abs(r.allValues![i] - ref[i])).toBeLessThan(1e-12 * scale);
      // The same tridiagonal form and root-free QL as eigvalsh: the same bits (so monitors can mix the two).
      expect(Array.from(r.allValues!)).toEqual(Array.from(eigvalsh(n, S)));
      // The k selected values (implicit QL) agree with the top of the list to rounding.
      for (let j = 0; j < k; j++) expect(Math.abs(r.values[j] - r.allValues![n - k + j])).toBeLessThan(1e-12 * scale);
    }
    expect(cpu.eigh({ rows: n, cols: n, data: S }, { k: 1 }).allValues).toBeUndefined(); // only when asked
  });

  it('accepts float32 input through the backend and returns float64', () => {
    const cpu = createCpuBackend();
    const n = 20;
    const S64 = randomSymmetric(n, 21);
    const S32 = Float32Array.from(S64);
    const a = cpu.eigvalsh({ rows: n, cols: n, data: S32 });
    const b = eigvalsh(n, Float64Array.from(S32));
    expect(a).toBeInstanceOf(Float64Array);
    // Same float64 values after conversion: identical computation.
    expect([...a]).toEqual([...b]);
    const e = cpu.eigh({ rows: n, cols: n, data: S32 }, { k: 3 });
    expect([e.vectors.rows, e.vectors.cols]).toEqual([n, 3]);
    expect(e.vectors.data).toBeInstanceOf(Float64Array);
  });

  it('rejects non-square (E_SHAPE), non-finite and asymmetric input (E_INPUT naming the pair), bad k', () => {
    const cpu = createCpuBackend();
    const err = (f: () => unknown): SpecError => {
      try {
        f();
      } catch (e) {
        if (e instanceof SpecError) return e;
        throw e;
      }
      throw new Error('expected a SpecError');
    };
    expect(err(() => cpu.eigvalsh({ rows: 2, cols: 3, data: new Float64Array(6) })).code).toBe('E_SHAPE');
    const nan = Float64Array.from([1, 0, 0, NaN]);
    expect(err(() => cpu.eigh({ rows: 2, cols: 2, data: nan })).code).toBe('E_INPUT');
    const asym = Float64Array.from([1, 2, 0, 2.1, 1, 0, 0, 0, 1]);
    const e = err(() => cpu.eigvalsh({ rows: 3, cols: 3, data: asym }));
    expect(e.code).toBe('E_INPUT');
    expect(e.message).toMatch(/\(1, 0\).*\(0, 1\)/);
    // Asymmetry at the 1e-12 relative level (rounding noise) is accepted.
    const nearly = Float64Array.from([1, 2, 2 * (1 + 1e-12), 1]);
    expect(cpu.eigvalsh({ rows: 2, cols: 2, data: nearly }).length).toBe(2);
    expect(err(() => cpu.eigh({ rows: 2, cols: 2, data: nearly }, { k: 3 })).code).toBe('E_INPUT');
    expect(err(() => cpu.eigh({ rows: 2, cols: 2, data: nearly }, { k: 1.5 })).code).toBe('E_INPUT');
  });

  it('handles n = 0 and n = 1', () => {
    expect(eigvalsh(0, new Float64Array(0)).length).toBe(0);
    const one = eigh(1, new Float64Array([-4]));
    expect([...one.values]).toEqual([-4]);
    expect(Math.abs(one.vectors[0])).toBe(1);
  });
});
