import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Matrix } from '@spec/core';
import { empiricalKernels, erf, gaussianExpectation2, initNetwork, mlp, networkKernels, tanh } from '../src/index.js';
import { unitColumns } from '@spec/testing';

const backend = createCpuBackend();
afterAll(() => backend.dispose());

describe('finite and infinite width agree: empirical NTK of a wide 1-hidden-layer net vs its kernel map (apps/docs/theory/infinite-width.md#mlp-recursions)', () => {
  for (const act of [erf, tanh]) {
    it(`${act.name}: NTK parametrisation with biases, width 3000, every entry within 4 Monte Carlo sd`, () => {
      const [d0, n, d, sw2, sb2] = [3, 3, 3000, 1.5, 0.2];
      const X = unitColumns(d0, n, createRng(21).normal);
      const net = mlp({
        inputDim: d0,
        widths: [d],
        activation: act,
        parametrization: 'ntk',
        bias: true,
        sigmaW2: sw2,
        sigmaB2: sb2,
      });
      const { ntk } = empiricalKernels(net, initNetwork(net, createRng(22)), X, backend);
      const dot = (a: number, b: number): number => {
        let s = 0;
        for (let k = 0; k < d0; k++) s += X.data[k * n + a] * X.data[k * n + b];
        return s;
      };
      const gram = Float64Array.from({ length: n * n }, (_, i) => dot(Math.floor(i / n), i % n) / d0);
      const kernels = networkKernels(net, gram, n);
      for (let a = 0; a < n; a++) {
        for (let b = a; b < n; b++) {
          const theory = { ntk: kernels.ntk[a * n + b] };
          // With one hidden layer and d0-dimensional inputs, h_i(x) = σ_w w_iᵀx/√d0 + σ_b b_i are exactly Gaussian and
          // i.i.d. over units i, and (readout weights ±1) Θ(x,y) − σ_b² = (1/d) Σ_i T_i with
          // T_i = σ_w² φ(u_i)φ(v_i) + σ_w² Θ_h φ′(u_i)φ′(v_i), (u_i, v_i) ~ N(0, Σ_h): mean = the kernel map exactly,
          // variance Var(T)/d computed here by 2-D quadrature (independent of the network code).
          const qx = (sw2 * dot(a, a)) / d0 + sb2;
          const qy = (sw2 * dot(b, b)) / d0 + sb2;
          const c = (sw2 * dot(a, b)) / d0 + sb2;
          const T = (u: number, v: number): number =>
            sw2 * act.fn(u) * act.fn(v) + sw2 * c * act.deriv(u) * act.deriv(v);
          const m1 = gaussianExpectation2(T, qx, qy, c);
          const m2 = gaussianExpectation2((u, v) => T(u, v) ** 2, qx, qy, c);
          expect(m1 + sb2).toBeCloseTo(theory.ntk, 8); // the mean is the kernel map (quadrature vs closed form / quadrature)
          const sd = Math.sqrt((m2 - m1 * m1) / d);
          const got = (ntk as Matrix).data[a * n + b];
          expect(Math.abs(got - theory.ntk), `(${a},${b}) sd ${sd}`).toBeLessThan(4 * sd);
        }
      }
    });
  }
});
