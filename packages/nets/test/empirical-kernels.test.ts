import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, registry, use, type Backend, type Matrix } from '@spec/core';
import {
  activationLayer,
  dense,
  empiricalKernels,
  forward,
  initNetwork,
  inputGradient,
  linear,
  mlp,
  networkOutput,
  normalizeActivation,
  parameterGradient,
  residual,
  network,
  tanh,
  type Network,
  type Parametrization,
} from '../src/index.js';
import cosinePlugin from './fixtures/cosine-plugin.js';
import {
  finiteDifferenceGradient,
  finiteDifferenceJacobian,
  flatten,
  gramOfRows,
} from './fixtures/finite-difference.js';
import { unitColumns } from '@spec/testing';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend();
});
afterAll(() => backend.dispose());

const rows = (M: Matrix): number[][] =>
  Array.from({ length: M.rows }, (_, i) => Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)));

/**
 * Central differences with h = 1e-5: each Jacobian entry has truncation error h²|f‴|/6 ≲ 1e-10·|f‴| and
 * rounding error ≈ ε|f|/h ≈ 1e-11; with P ≤ 70 parameters and |J| ≲ 1 the entries of J Jᵀ are off by
 * ≲ 1e-8. Tolerance 1e-7 relative to the kernel scale leaves a 10× margin.
 */
function expectMatchesJJt(K: Matrix, J: number[][]): void {
  const ref = gramOfRows(J);
  const scale = Math.max(1, ...ref.map((r, i) => Math.abs(r[i])));
  const got = rows(K);
  ref.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(got[i][j] - v), `(${i},${j})`).toBeLessThan(1e-7 * scale)));
}

const X0 = unitColumns(3, 4, createRng(11).normal);

describe('empirical NTK equals J Jᵀ from finite-difference Jacobians (n = 4, d0 = 3, widths 5,4)', () => {
  const cases: Array<[Parametrization, boolean]> = [
    ['fan-wang', false],
    ['fan-wang', true],
    ['ntk', false],
    ['ntk', true],
    ['standard', false],
    ['standard', true],
  ];
  for (const [parametrization, bias] of cases) {
    it(`${parametrization}, bias ${bias}`, () => {
      const net = mlp({
        inputDim: 3,
        widths: [5, 4],
        activation: tanh,
        bias,
        parametrization,
        sigmaW2: 1.5,
        sigmaB2: 0.3,
      });
      const params = initNetwork(net, createRng(7));
      const { ntk, ck, perLayer } = empiricalKernels(net, params, X0, backend, { perLayer: true });
      expectMatchesJJt(ntk as Matrix, finiteDifferenceJacobian(net, params, X0, backend));
      // Per-layer contributions sum to the NTK; the CK is X_Lᵀ X_L (naive loop on the forward activations).
      const sum = new Float64Array(16);
      for (const c of perLayer ?? []) if (c !== null) c.data.forEach((v, k) => (sum[k] += v));
      sum.forEach((v, k) => expect(v).toBeCloseTo((ntk as Matrix).data[k], 12));
      const XL = forward(net, params, X0, backend).activations[2];
      const C = XL.channels;
      for (let a = 0; a < 4; a++) {
        for (let b = 0; b < 4; b++) {
          let s = 0;
          for (let i = 0; i < C; i++) s += XL.data[a * C + i] * XL.data[b * C + i];
          expect((ck as Matrix).data[a * 4 + b]).toBeCloseTo(s, 13);
        }
      }
    });
  }

  it('Gaussian output weights, normalised tanh', () => {
    const net = mlp({ inputDim: 3, widths: [5, 4], activation: normalizeActivation(tanh), outputWeights: 'gaussian' });
    const params = initNetwork(net, createRng(3));
    expectMatchesJJt(
      empiricalKernels(net, params, X0, backend).ntk as Matrix,
      finiteDifferenceJacobian(net, params, X0, backend),
    );
  });

  it('residual network (apps/docs/theory/infinite-width.md#residual-mlp): dense(linear) → residual → residual → φ → readout', () => {
    const net = network(3, [
      dense({ width: 5, activation: linear, parametrization: 'ntk', sigmaW2: 2 }),
      residual({ activation: tanh, sigmaW: 0.8 }),
      residual({ activation: 'erf' }),
      activationLayer({ activation: 'tanh' }),
      dense({ width: 1, activation: linear, parametrization: 'ntk', bias: true }),
    ]);
    const params = initNetwork(net, createRng(5));
    const { ntk, perLayer } = empiricalKernels(net, params, X0, backend, { perLayer: true });
    expectMatchesJJt(ntk as Matrix, finiteDifferenceJacobian(net, params, X0, backend));
    expect(perLayer?.[3]).toBeNull();
  });
});

describe('vjp against finite differences', () => {
  const nets: Array<[string, () => Network]> = [
    ['mlp fan-wang with bias', () => mlp({ inputDim: 3, widths: [5, 4], activation: tanh, bias: true })],
    [
      'residual',
      () =>
        network(3, [
          dense({ width: 4, activation: 'sin', parametrization: 'ntk' }),
          residual({ activation: tanh }),
          dense({ width: 1, activation: linear }),
        ]),
    ],
  ];
  for (const [name, make] of nets) {
    it(`parameter and input gradients of Σ f match central differences (${name})`, () => {
      const net = make();
      const params = initNetwork(net, createRng(9));
      const grads = parameterGradient(net, params, X0, backend);
      const got = flatten(grads);
      const ref = finiteDifferenceGradient(net, params, X0, backend);
      // Sum over 4 samples of entries with error ≲ 1e-10 each (see expectMatchesJJt): 1e-8 is a safe bound.
      expect(got.length).toBe(ref.length);
      got.forEach((v, k) => expect(Math.abs(v - ref[k]), `param ${k}`).toBeLessThan(1e-8));
      const gx = inputGradient(net, params, X0, backend);
      const h = 1e-5;
      for (let k = 0; k < X0.data.length; k++) {
        const col = k % X0.cols;
        const row = Math.floor(k / X0.cols);
        const plus = Float64Array.from(X0.data);
        const minus = Float64Array.from(X0.data);
        plus[k] += h;
        minus[k] -= h;
        const fp = networkOutput(net, params, { ...X0, data: plus }, backend);
        const fm = networkOutput(net, params, { ...X0, data: minus }, backend);
        // gx has one row of d_0 per sample: entry (col, row) is ∂f(x_col)/∂X0[row, col].
        expect(Math.abs(gx.data[col * X0.rows + row] - (fp[col] - fm[col]) / (2 * h))).toBeLessThan(1e-8);
      }
    });
  }
});

describe('a plugin written outside src/ gets the powers of the built-ins', () => {
  it('cos activation and gain layer registered with use(); NTK matches finite differences', () => {
    if (!registry.plugins().includes('cosine')) use(cosinePlugin);
    const gainLayer = registry.layer('gain').create({ layer: 'gain' }, { width: 5 });
    const net = network(3, [
      dense({ width: 5, activation: 'cos', bias: true }),
      gainLayer,
      dense({ width: 4, activation: 'tanh' }),
      dense({ width: 1, activation: 'linear' }),
    ]);
    const params = initNetwork(net, createRng(2));
    expectMatchesJJt(
      empiricalKernels(net, params, X0, backend).ntk as Matrix,
      finiteDifferenceJacobian(net, params, X0, backend),
    );
    // And the plugin activation is normalisable like a built-in.
    expect(normalizeActivation(registry.activation('cos')).name).toBe('cos~');
  });
});

describe('reproducibility and input checks', () => {
  it('same seed gives identical kernels; adding a layer leaves the earlier layers unchanged', () => {
    const net = mlp({ inputDim: 3, widths: [5, 4], activation: tanh });
    const a = empiricalKernels(net, initNetwork(net, createRng(42)), X0, backend);
    const b = empiricalKernels(net, initNetwork(net, createRng(42)), X0, backend);
    expect(Array.from((a.ntk as Matrix).data)).toEqual(Array.from((b.ntk as Matrix).data));
    expect(Array.from((a.ck as Matrix).data)).toEqual(Array.from((b.ck as Matrix).data));
    const c = empiricalKernels(net, initNetwork(net, createRng(43)), X0, backend);
    expect(Array.from((c.ntk as Matrix).data)).not.toEqual(Array.from((a.ntk as Matrix).data));
    const deeper = mlp({ inputDim: 3, widths: [5, 4, 6], activation: tanh });
    const p1 = initNetwork(net, createRng(42));
    const p2 = initNetwork(deeper, createRng(42));
    expect(Array.from(p2[0].W)).toEqual(Array.from(p1[0].W));
    expect(Array.from(p2[1].W)).toEqual(Array.from(p1[1].W));
  });

  it('rejects bad shapes and values with SpecError codes', () => {
    const net = mlp({ inputDim: 3, widths: [5], activation: tanh });
    const params = initNetwork(net, createRng(1));
    expect(() => empiricalKernels(net, params, { rows: 2, cols: 4, data: new Float64Array(8) }, backend)).toThrow(
      expect.objectContaining({ code: 'E_SHAPE' }),
    );
    const bad = Float64Array.from(X0.data);
    bad[5] = Number.NaN;
    expect(() => empiricalKernels(net, params, { ...X0, data: bad }, backend)).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => mlp({ inputDim: 3, widths: [], activation: tanh })).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => mlp({ inputDim: 3, widths: [0], activation: tanh })).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => dense({ width: 3, activation: 'no_such_activation' })).toThrow(/unknown activation/);
    expect(() => empiricalKernels(net, params, X0, backend, { kernel: 'xyz' as 'ck' })).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => network(3, [dense({ width: 4, activation: tanh })])).toThrow(/scalar output/);
    // Overflow (x² twice with σ_w² = 1e150 gives entries ~1e450) is reported, never returned as Inf/NaN.
    const wild = mlp({ inputDim: 3, widths: [3, 3], activation: registry.activation('quadratic'), sigmaW2: 1e150 });
    expect(() => empiricalKernels(wild, initNetwork(wild, createRng(1)), X0, backend)).toThrow(/non-finite/);
  });
});
