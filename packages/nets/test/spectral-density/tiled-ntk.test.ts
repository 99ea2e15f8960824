import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type LayerParams, type Matrix } from '@spec/core';
import {
  initNetwork,
  leanNtkFactors,
  mlp,
  relu,
  tanh,
  tiledNtkOperator,
  type Parametrization,
} from '../../src/index.js';
import { leanNtk } from '../../src/spectral-density/lean-kernels.js';
import { unitColumns } from '@spec/testing';
import { finiteDifferenceJacobian, gramOfRows } from '../fixtures/finite-difference.js';

const backend = createCpuBackend({ threads: 1 });
afterAll(() => backend.dispose());

/** Rows of K V for a stored row-major K (n × n) and V (count × n), by plain loops. */
function denseApply(K: Matrix, V: Float64Array, count: number): Float64Array {
  const n = K.cols;
  const out = new Float64Array(count * n);
  for (let q = 0; q < count; q++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += K.data[i * n + j] * V[q * n + j];
      out[q * n + i] = s;
    }
  }
  return out;
}

describe('tiledNtkOperator (the NTK applied tile by tile from per-layer factors, never formed)', () => {
  const cases: Array<[Parametrization, boolean]> = [
    ['fan-wang', false],
    ['ntk', true],
    ['standard', true],
  ];
  for (const [parametrization, bias] of cases)
    for (const form of ['tiled', 'factored'] as const) {
      it(`equals J Jᵀ V from finite-difference Jacobians (${parametrization}, bias ${bias}, n = 5, ${form})`, () => {
        const X = unitColumns(3, 5, createRng(11).normal);
        const net = mlp({
          inputDim: 3,
          widths: [6, 4],
          activation: tanh,
          bias,
          parametrization,
          sigmaW2: 1.5,
          sigmaB2: 0.3,
        });
        const params = initNetwork(net, createRng(7));
        const ref = gramOfRows(finiteDifferenceJacobian(net, params, X, backend));
        const K: Matrix = { rows: 5, cols: 5, data: Float64Array.from(ref.flat()) };
        const { apply, mean } = tiledNtkOperator(leanNtkFactors(net, [...params], X, backend), backend, 2, form);
        const V = new Float64Array(3 * 5);
        createRng(2).fillNormal(V);
        const out = new Float64Array(3 * 5);
        apply(V, out, 3);
        const want = denseApply(K, V, 3);
        // Central differences give J Jᵀ to ≲ 1e-8 of its scale (empirical-kernels.test.ts); 1e-7 leaves a margin.
        const scale = Math.max(1, ...ref.map((r, i) => Math.abs(r[i])));
        for (let k = 0; k < out.length; k++) expect(Math.abs(out[k] - want[k])).toBeLessThan(1e-7 * scale * 5);
        expect(Math.abs(mean - ref.reduce((s, r, i) => s + r[i], 0) / 5)).toBeLessThan(1e-7 * scale);
      });
    }

  it.each(['tiled', 'factored', 'auto'] as const)(
    'agrees with the stored NTK of leanNtk to rounding (n = 203, tile 64: ragged tiles, relu with bias; %s)',
    (form) => {
      const n = 203;
      const X = unitColumns(30, n, createRng(3).normal);
      const net = mlp({ inputDim: 30, widths: [90, 70], activation: relu, bias: true, sigmaB2: 0.2 });
      const params = initNetwork(net, createRng(5));
      const stored = leanNtk(net, [...params] as Array<LayerParams | null>, X, backend).ntk;
      const { apply, mean } = tiledNtkOperator(leanNtkFactors(net, [...params], X, backend), backend, 64, form);
      const count = 4;
      const V = new Float64Array(count * n);
      createRng(9).fillNormal(V);
      const out = new Float64Array(count * n);
      apply(V, out, count);
      const want = denseApply(stored, V, count);
      // Same sums in other orders: each entry of K V is a sum of n terms |K_ij v_j|, each K_ij itself a sum over the
      // layers' Gram products (depth ≤ 90); a relative error of 1e-11 of Σ|K_ij v_j| is far above that rounding.
      for (let q = 0; q < count; q++) {
        for (let i = 0; i < n; i++) {
          let mag = 0;
          for (let j = 0; j < n; j++) mag += Math.abs(stored.data[i * n + j] * V[q * n + j]);
          expect(Math.abs(out[q * n + i] - want[q * n + i])).toBeLessThan(1e-11 * mag);
        }
      }
      let tr = 0;
      for (let i = 0; i < n; i++) tr += stored.data[i * n + i];
      expect(Math.abs(mean - tr / n)).toBeLessThan(1e-12 * Math.abs(tr / n));
    },
  );
});
