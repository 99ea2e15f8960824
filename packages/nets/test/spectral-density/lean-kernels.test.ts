import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Backend, type Layer, type LayerParams, type Matrix } from '@spec/core';
import {
  dense,
  empiricalKernels,
  forward,
  initNetwork,
  mlp,
  relu,
  network,
  tanh,
  type Parametrization,
} from '../../src/index.js';
import { hasLeanNtk, leanNtk } from '../../src/spectral-density/lean-kernels.js';
import { unitColumns } from '@spec/testing';
import { finiteDifferenceJacobian, gramOfRows } from '../fixtures/finite-difference.js';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend();
});
afterAll(() => backend.dispose());

const maxAbs = (M: Matrix): number => Array.from(M.data).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('leanNtk (in-place backward pass, one accumulated n × n buffer)', () => {
  const cases: Array<[Parametrization, boolean]> = [
    ['fan-wang', false],
    ['fan-wang', true],
    ['ntk', true],
    ['standard', true],
  ];
  for (const [parametrization, bias] of cases) {
    it(`equals J Jᵀ from finite-difference Jacobians (${parametrization}, bias ${bias}, n = 4)`, () => {
      const X = unitColumns(3, 4, createRng(11).normal);
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
      const ref = gramOfRows(finiteDifferenceJacobian(net, params, X, backend));
      const owned: Array<LayerParams | null> = [...params];
      const { ntk } = leanNtk(net, owned, X, backend);
      // Central differences with h = 1e-5 give J Jᵀ to ≲ 1e-8 (see empirical-kernels.test.ts); 1e-7 of the scale.
      const scale = Math.max(1, ...ref.map((r, i) => Math.abs(r[i])));
      ref.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(ntk.data[i * 4 + j] - v)).toBeLessThan(1e-7 * scale)));
      expect(owned.every((p) => p === null)).toBe(true);
    });
  }

  it('matches empiricalKernels to rounding at n = 300, widths 200,150 (threaded products), keeping X_L for the CK', () => {
    const X = unitColumns(40, 300, createRng(3).normal);
    const net = mlp({ inputDim: 40, widths: [200, 150], activation: relu, bias: true, sigmaB2: 0.2 });
    const params = initNetwork(net, createRng(5));
    const ref = empiricalKernels(net, params, X, backend, { kernel: 'both' });
    const XL = forward(net, params, X, backend).activations[2];
    const { ntk, features } = leanNtk(net, [...params], X, backend, { keepFeatures: true });
    // Same operations in the same order: equal up to a few ulps of the largest entry (1e-13 leaves room for a
    // reordered multiplication by a constant).
    const scale = maxAbs(ref.ntk!);
    let err = 0;
    for (let j = 0; j < ntk.data.length; j++) err = Math.max(err, Math.abs(ntk.data[j] - ref.ntk!.data[j]));
    expect(err).toBeLessThan(1e-13 * scale);
    expect(features).toBeDefined();
    expect(Array.from(features!.data)).toEqual(Array.from(XL.data));
    // With ckGram the CK is the readout's Gram, copied before scaling: the same Gram as empiricalKernels' CK, bit for bit.
    const withCk = leanNtk(net, [...params], X, backend, { ckGram: true });
    expect(withCk.features).toBeUndefined();
    expect(Array.from(withCk.ck!.data)).toEqual(Array.from(ref.ck!.data));
    expect(Array.from(withCk.ntk.data)).toEqual(Array.from(ntk.data));
  });

  it('declines networks with a layer without ntkTerms', () => {
    const plain: Layer = { ...dense({ width: 1, activation: tanh }) };
    delete plain.ntkTerms;
    const net = network(3, [dense({ width: 4, activation: tanh }), plain]);
    expect(hasLeanNtk(net)).toBe(false);
    expect(() =>
      leanNtk(net, [...initNetwork(net, createRng(1))], unitColumns(3, 4, createRng(2).normal), backend),
    ).toThrow(/dense/);
  });
});
