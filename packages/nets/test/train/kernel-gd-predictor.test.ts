import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Matrix } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import { KERNEL_GD_EIGEN_COST, kernelGdPredictor, kernelGdRoute, type KernelGdRoute } from '../../src/index.js';

const backend = createCpuBackend();
const ROUTES: KernelGdRoute[] = ['eigen', 'recursion'];

function matrix(rows: number, cols: number, f: (i: number, j: number) => number): Matrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f(i, j);
  return { rows, cols, data };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('kernelGdPredictor (apps/docs/theory/infinite-width.md#kernel-gradient-descent)', () => {
  it('both routes equal the closed form on a diagonal Θ (a null direction included) and its extra points', () => {
    // Θ = diag(λ): f_t,i − y_i = (1 − η′λ_i)^t (f_0,i − y_i); f_t(x) = f_0(x) + Θ_x diag(φ_t(λ)) (Y − f_0) with
    // φ_t(λ) = (1 − (1 − η′λ)^t)/λ, and φ_t(0) = η′t.
    const lambda = [0, 0.5, 1.3, 2, 3.1];
    const n = lambda.length;
    const theta = matrix(n, n, (i, j) => (i === j ? lambda[i] : 0));
    const cross = matrix(3, n, (a, j) => Math.cos(1 + a + 2 * j));
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 0.3));
    const f0 = Float64Array.from({ length: n }, (_, i) => 0.2 * i - 0.5);
    const f0Cross = Float64Array.of(0.1, -0.4, 0.7);
    const rate = 0.55; // η′λ_max = 1.7 < 2: stable, with the largest mode oscillating (1 − η′λ < 0)
    for (const route of ROUTES) {
      const p = kernelGdPredictor({ theta, cross, y, f0, f0Cross, rate, backend, steps: 40, route });
      expect(p.route).toBe(route);
      for (const t of [0, 1, 7, 40]) {
        const got = p.predict(t);
        const phi = lambda.map((l) => (l === 0 ? rate * t : (1 - (1 - rate * l) ** t) / l));
        const train = lambda.map((l, i) => y[i] + (1 - rate * l) ** t * (f0[i] - y[i]));
        const extra = [0, 1, 2].map((a) => {
          let s = f0Cross[a];
          for (let j = 0; j < n; j++) s += cross.data[a * n + j] * phi[j] * (y[j] - f0[j]);
          return s;
        });
        // O(1) values after ≤ 40 steps of O(1) updates: rounding ≲ 40·10·ε ≈ 1e-13.
        expect(maxDiff(got.train, train), `${route} t=${t}`).toBeLessThan(1e-12);
        expect(maxDiff(got.cross!, extra), `${route} t=${t}`).toBeLessThan(1e-12);
      }
    }
  });

  it('both routes equal the closed form on Θ = [[a, b], [b, a]] (eigenvectors (1, ±1)/√2)', () => {
    const [a, b] = [1.5, 0.7];
    const theta = matrix(2, 2, (i, j) => (i === j ? a : b));
    const y = Float64Array.of(1, -2);
    const f0 = Float64Array.of(0.3, 0.1);
    const rate = 0.4;
    // f_t − y = Σ_± (1 − η′λ_±)^t u_± u_±ᵀ (f_0 − y), λ_± = a ± b.
    const r0 = [f0[0] - y[0], f0[1] - y[1]];
    const plus = (r0[0] + r0[1]) / 2;
    const minus = (r0[0] - r0[1]) / 2;
    for (const route of ROUTES) {
      const p = kernelGdPredictor({ theta, y, f0, rate, backend, steps: 25, route });
      for (const t of [0, 3, 25]) {
        const gp = (1 - rate * (a + b)) ** t * plus;
        const gm = (1 - rate * (a - b)) ** t * minus;
        // O(1) values, ≤ 25 steps: rounding ≲ 1e-14.
        expect(maxDiff(p.predict(t).train, [y[0] + gp + gm, y[1] + gp - gm]), `${route} t=${t}`).toBeLessThan(1e-13);
      }
    }
  });

  it('the recursion agrees with the eigen route on a random PSD kernel, in any order of steps', () => {
    const rng = createRng(11);
    const n = 30;
    const m = 7;
    const full = backend.gram(backend.randn(n + m, n + m, rng)); // PSD Gram of n + m points
    const theta = matrix(n, n, (i, j) => full.data[i * (n + m) + j]);
    const cross = matrix(m, n, (a, j) => full.data[(n + a) * (n + m) + j]);
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const f0 = Float64Array.from({ length: n }, () => rng.normal());
    const f0Cross = Float64Array.from({ length: m }, () => rng.normal());
    const lmax = backend.eigvalsh(theta)[n - 1];
    const rate = 1.8 / lmax;
    const common = { theta, cross, y, f0, f0Cross, rate, backend, steps: 60 };
    const eigen = kernelGdPredictor({ ...common, route: 'eigen' });
    const rec = kernelGdPredictor({ ...common, route: 'recursion' });
    // λ_max from eigvalsh (recursion) and from eigh (eigen route) agree to rounding.
    expect(Math.abs(rec.lambdaMax - eigen.lambdaMax)).toBeLessThan(1e-12 * lmax);
    const scale = Math.max(...y.map(Math.abs), ...f0.map(Math.abs)); // |f_t − y| ≤ |f_0 − y| in the stable range
    for (const t of [0, 1, 5, 17, 60, 3, 60]) {
      const e = eigen.predict(t);
      const r = rec.predict(t);
      // Same algebra in different orders: round-off ≈ t·n·ε·‖Θ‖‖f‖/λ_max ≈ 60·30·2e-16·(‖Θ‖/λ_max ≤ √n)·scale ≪ 1e-9.
      expect(maxDiff(r.train, e.train), `t=${t}`).toBeLessThan(1e-9 * scale);
      expect(maxDiff(r.cross!, e.cross!), `t=${t}`).toBeLessThan(1e-9 * scale);
    }
  });

  it('chooses the route by the cost model, refuses diverging steps on both routes and bad options', () => {
    expect(kernelGdRoute(800, 400, 1)).toBe('recursion');
    expect(kernelGdRoute(800, 400, 100_000)).toBe('eigen');
    // The break-even: steps·n(n + m) = cost·n³.
    expect(kernelGdRoute(100, 0, KERNEL_GD_EIGEN_COST * 100)).toBe('recursion');
    expect(kernelGdRoute(100, 0, KERNEL_GD_EIGEN_COST * 100 + 1)).toBe('eigen');
    const theta = matrix(3, 3, (i, j) => (i === j ? i + 1 : 0));
    const y = Float64Array.of(1, 2, 3);
    const f0 = new Float64Array(3);
    const base = { theta, y, f0, backend };
    expect(kernelGdPredictor({ ...base, rate: 0.1, steps: 5 }).route).toBe('recursion');
    expect(kernelGdPredictor({ ...base, rate: 0.1, steps: 1e6 }).route).toBe('eigen');
    for (const route of ROUTES) {
      // η′λ_max = 0.7·3 = 2.1 ≥ 2: every step t > 0 diverges; t = 0 is f_0.
      const p = kernelGdPredictor({ ...base, rate: 0.7, steps: 5, route });
      expect(Array.from(p.predict(0).train)).toEqual([0, 0, 0]);
      expectSpecError(() => p.predict(2), 'E_INPUT', /diverges/, /smaller learning rate/);
      expectSpecError(() => p.predict(1.5), 'E_INPUT', /non-negative integer/);
    }
    expectSpecError(() => kernelGdPredictor({ ...base, rate: 0.1, steps: -1 }), 'E_INPUT', /steps/);
    expectSpecError(() => kernelGdPredictor({ ...base, rate: 0, steps: 1 }), 'E_INPUT', /rate/);
    expectSpecError(() => kernelGdPredictor({ ...base, y: y.subarray(1), rate: 0.1, steps: 1 }), 'E_SHAPE', /Y has 2/);
    expectSpecError(
      () => kernelGdPredictor({ ...base, rate: 0.1, steps: 1, route: 'recursion', lambdaMax: Number.NaN }),
      'E_INPUT',
      /lambdaMax/,
    );
    // A given λ_max is what the recursion checks against.
    const told = kernelGdPredictor({ ...base, rate: 0.1, steps: 1, route: 'recursion', lambdaMax: 25 });
    expectSpecError(() => told.predict(1), 'E_INPUT', /η′λ_max = 2\.500/);
  });
});
