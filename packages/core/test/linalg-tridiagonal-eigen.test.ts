import { describe, expect, it } from 'vitest';
import { SpecError, createRng, tridiagonalEigen, tridiagonalEigenvalues, tridiagonalQL } from '../src/index.js';

/** Apply the tridiagonal matrix T(diag, off) to x. */
function applyT(diag: Float64Array, off: Float64Array, x: Float64Array): Float64Array {
  const n = diag.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = diag[i] * x[i];
    if (i > 0) s += off[i - 1] * x[i - 1];
    if (i < n - 1) s += off[i] * x[i + 1];
    y[i] = s;
  }
  return y;
}

function column(v: Float64Array, n: number, j: number): Float64Array {
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = v[i * n + j];
  return c;
}

/** Probabilists' Hermite Jacobi matrix: x He_k = He_{k+1} + k He_{k−1} → diag 0, off √k. */
function hermiteJacobi(n: number): { diag: Float64Array; off: Float64Array } {
  const off = new Float64Array(n - 1);
  for (let k = 1; k < n; k++) off[k - 1] = Math.sqrt(k);
  return { diag: new Float64Array(n), off };
}

describe('tridiagonalEigen', () => {
  it('matches the closed form 2 − 2cos(kπ/(n+1)) of the (−1, 2, −1) Toeplitz matrix', () => {
    for (const n of [1, 2, 3, 10, 57]) {
      const diag = new Float64Array(n).fill(2);
      const off = new Float64Array(Math.max(n - 1, 0)).fill(-1);
      const { values } = tridiagonalEigen(diag, off);
      for (let k = 1; k <= n; k++) {
        // Backward-stable QL: absolute error ≲ c·n·ε·‖T‖ with ‖T‖ ≤ 4; 1e-13 leaves room for c·n ≈ 200.
        expect(Math.abs(values[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThan(1e-13);
      }
    }
  });

  it('gives the Gauss–Hermite nodes ±1 for n = 2 and 0, ±√3 with weights 1/6, 2/3, 1/6 for n = 3', () => {
    const two = tridiagonalEigen(new Float64Array(2), new Float64Array([1]), { vectors: true });
    expect(two.values[0]).toBeCloseTo(-1, 14);
    expect(two.values[1]).toBeCloseTo(1, 14);
    const { diag, off } = hermiteJacobi(3);
    const three = tridiagonalEigen(diag, off, { vectors: true });
    const v = three.vectors!;
    expect(three.values[0]).toBeCloseTo(-Math.sqrt(3), 14);
    expect(three.values[1]).toBeCloseTo(0, 14);
    expect(three.values[2]).toBeCloseTo(Math.sqrt(3), 14);
    // Golub–Welsch: weight_j = (first component of vector j)² for the normalised Gaussian measure.
    expect(v[0] ** 2).toBeCloseTo(1 / 6, 14);
    expect(v[1] ** 2).toBeCloseTo(2 / 3, 14);
    expect(v[2] ** 2).toBeCloseTo(1 / 6, 14);
  });

  it('n-point Golub–Welsch rule integrates x^(2k) exactly to (2k − 1)!! up to degree 2n − 1 (n = 12)', () => {
    const n = 12;
    const { diag, off } = hermiteJacobi(n);
    const { values, vectors } = tridiagonalEigen(diag, off, { vectors: true });
    let weightSum = 0;
    for (let j = 0; j < n; j++) weightSum += vectors![j] ** 2;
    expect(Math.abs(weightSum - 1)).toBeLessThan(1e-14 * n);
    let doubleFactorial = 1;
    for (let k = 1; 2 * k <= 2 * n - 1; k++) {
      doubleFactorial *= 2 * k - 1;
      let moment = 0;
      for (let j = 0; j < n; j++) moment += vectors![j] ** 2 * values[j] ** (2 * k);
      // Nodes are ~n·ε accurate relative to max|x| ≈ 6.6; the moment amplifies that by 2k ≤ 22,
      // so a relative 1e-11 bound is conservative but well above rounding.
      expect(Math.abs(moment / doubleFactorial - 1)).toBeLessThan(1e-11);
      // Odd moments vanish by symmetry.
      let odd = 0;
      for (let j = 0; j < n; j++) odd += vectors![j] ** 2 * values[j] ** (2 * k - 1);
      expect(Math.abs(odd)).toBeLessThan(1e-11 * doubleFactorial);
    }
  });

  it('has small residuals ‖T v − λ v‖ and orthonormal vectors on a random tridiagonal matrix', () => {
    const n = 80;
    let s = 12345;
    const rand = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32 - 0.5;
    };
    const diag = Float64Array.from({ length: n }, rand);
    const off = Float64Array.from({ length: n - 1 }, rand);
    const { values, vectors } = tridiagonalEigen(diag, off, { vectors: true });
    for (let j = 1; j < n; j++) expect(values[j]).toBeGreaterThanOrEqual(values[j - 1]);
    let maxRes = 0;
    let maxOrth = 0;
    for (let j = 0; j < n; j++) {
      const v = column(vectors!, n, j);
      const tv = applyT(diag, off, v);
      for (let i = 0; i < n; i++) maxRes = Math.max(maxRes, Math.abs(tv[i] - values[j] * v[i]));
      for (let k = 0; k <= j; k++) {
        const w = column(vectors!, n, k);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i] * w[i];
        maxOrth = Math.max(maxOrth, Math.abs(dot - (j === k ? 1 : 0)));
      }
    }
    // ‖T‖ ≤ 1.5; backward stability gives O(n ε ‖T‖) ≈ 3e-14; allow 1e-12.
    expect(maxRes).toBeLessThan(1e-12);
    expect(maxOrth).toBeLessThan(1e-12);
    // Trace is preserved.
    const tr = diag.reduce((a, b) => a + b, 0);
    expect(Math.abs(values.reduce((a, b) => a + b, 0) - tr)).toBeLessThan(1e-12);
  });

  it('handles the empty and already-diagonal cases', () => {
    expect(tridiagonalEigen(new Float64Array(0), new Float64Array(0)).values.length).toBe(0);
    const r = tridiagonalEigen(new Float64Array([3, -1, 2]), new Float64Array(2), { vectors: true });
    expect([...r.values]).toEqual([-1, 2, 3]);
    // Column 0 is e_1 (value −1), column 1 e_2 (value 2), column 2 e_0 (value 3).
    expect([...r.vectors!]).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });

  it('rejects mismatched lengths (E_SHAPE) and non-finite entries (E_INPUT)', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (err) {
        return err instanceof SpecError ? err.code : 'other';
      }
      return undefined;
    };
    expect(code(() => tridiagonalEigen(new Float64Array(3), new Float64Array(3)))).toBe('E_SHAPE');
    expect(code(() => tridiagonalEigen(new Float64Array([1, NaN]), new Float64Array(1)))).toBe('E_INPUT');
    expect(code(() => tridiagonalEigen(new Float64Array(2), new Float64Array([Infinity])))).toBe('E_INPUT');
  });
});

describe('tridiagonalEigen firstComponents', () => {
  it('equals the first row of the full eigenvectors (random tridiagonal, n = 1, 2, 7, 60) to rounding', () => {
    const rng = createRng(7);
    for (const n of [1, 2, 7, 60]) {
      const diag = Float64Array.from({ length: n }, () => rng.normal());
      const off = Float64Array.from({ length: Math.max(0, n - 1) }, () => rng.normal());
      const full = tridiagonalEigen(diag, off, { vectors: true });
      const first = tridiagonalEigen(diag, off, { firstComponents: true });
      // Same rotations in the same order on one column: identical up to the last bits of each product.
      for (let j = 0; j < n; j++) {
        expect(first.values[j]).toBe(full.values[j]);
        expect(Math.abs(first.firstComponents![j] - full.vectors![j])).toBeLessThan(1e-14);
      }
    }
  });
});

describe('tridiagonalEigenvalues (root-free QL/QR, LAPACK dsterf)', () => {
  const EPS = Number.EPSILON;
  const run = (d: ArrayLike<number>, e: ArrayLike<number>): Float64Array => {
    const dd = Float64Array.from(d);
    const ee = new Float64Array(dd.length);
    ee.set(Array.from(e).slice(0, Math.max(dd.length - 1, 0)));
    tridiagonalEigenvalues(dd, ee);
    return dd;
  };

  it('matches the closed form 2 − 2cos(kπ/(n+1)) of the (−1, 2, −1) Toeplitz matrix, and [[a, b], [b, c]]', () => {
    for (const n of [0, 1, 2, 3, 10, 57, 300]) {
      const values = run(new Float64Array(n).fill(2), new Float64Array(n).fill(-1));
      // Backward stable: absolute error ≲ c·n·ε·‖T‖ with ‖T‖ ≤ 4; c = 10.
      for (let k = 1; k <= n; k++) {
        const exact = 2 - 2 * Math.cos((k * Math.PI) / (n + 1));
        expect(Math.abs(values[k - 1] - exact)).toBeLessThanOrEqual(10 * Math.max(n, 2) * EPS * 4);
      }
    }
    // 2 × 2 (the dlae2 branch): (a + c)/2 ∓ √(((a − c)/2)² + b²).
    for (const [a, b, c] of [
      [1, 2, 3],
      [-5, 1e-3, -5],
      [0, 7, 0],
    ]) {
      const r = Math.hypot((a - c) / 2, b);
      const got = run([a, c], [b]);
      expect(Math.abs(got[0] - ((a + c) / 2 - r))).toBeLessThanOrEqual(
        4 * EPS * (Math.abs(a) + Math.abs(b) + Math.abs(c)),
      );
      expect(Math.abs(got[1] - ((a + c) / 2 + r))).toBeLessThanOrEqual(
        4 * EPS * (Math.abs(a) + Math.abs(b) + Math.abs(c)),
      );
    }
  });

  it('agrees with QL with Wilkinson shifts (tridiagonalQL) on random, split and graded matrices', () => {
    const rng = createRng(4);
    const cases: Array<[Float64Array, Float64Array]> = [];
    for (const n of [5, 40, 200]) {
      const d = new Float64Array(n);
      const e = new Float64Array(n);
      rng.fillNormal(d);
      rng.fillNormal(e);
      cases.push([d, e]);
      // Split into blocks by exact zeros, and graded (entries spanning 40 orders of magnitude).
      const split = Float64Array.from(e);
      for (let i = 3; i < n; i += 7) split[i] = 0;
      cases.push([d, split]);
      const gd = d.map((x, i) => x * 10 ** (-i % 40));
      const ge = e.map((x, i) => x * 10 ** (-(i % 40) - 0.5));
      cases.push([gd, ge]);
    }
    for (const [d, e] of cases) {
      const n = d.length;
      const ref = Float64Array.from(d);
      const refE = Float64Array.from(e);
      tridiagonalQL(ref, refE, null);
      const got = run(d, e);
      let norm = 0;
      for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + 2 * Math.abs(e[i]));
      // Both backward stable: each within c·n·ε·‖T‖ of exact (Weyl), so within 2c·n·ε·‖T‖ of each other; c = 10.
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(20 * n * EPS * norm);
    }
  });

  it('scales blocks near overflow and underflow instead of squaring them out of range', () => {
    for (const scale of [1e200, 1e-200]) {
      const n = 30;
      const values = run(new Float64Array(n).fill(2 * scale), new Float64Array(n).fill(-scale));
      for (let k = 1; k <= n; k++) {
        const exact = scale * (2 - 2 * Math.cos((k * Math.PI) / (n + 1)));
        expect(Number.isFinite(values[k - 1])).toBe(true);
        expect(Math.abs(values[k - 1] - exact)).toBeLessThanOrEqual(10 * n * EPS * 4 * scale);
      }
    }
  });
});
