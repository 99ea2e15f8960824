import { describe, expect, it } from 'vitest';
import { createRng, type Activation, type Matrix } from '@spec/core';
import {
  erf,
  infiniteNtkMatrices,
  mlp,
  normalizeActivation,
  relu,
  tanh,
  type MlpOptions,
  type Network,
} from '../../src/index.js';

function data(d: number, n: number, seed: number): Matrix {
  const rng = createRng(seed);
  const out = new Float64Array(d * n);
  // N(0, 1/d) entries: ‖x‖² ≈ 1 with a spread of distinct variances, as the training data has.
  for (let i = 0; i < out.length; i++) out[i] = rng.normal() / Math.sqrt(d);
  return { rows: d, cols: n, data: out };
}

/** The same layers without `mlpRecursion`, so `infiniteNtkMatrices` maps one record with the layers' kernel maps. */
function layerMaps(net: Network): Network {
  if (net.mlpRecursion === undefined) throw new Error('expected a network built by mlp (with its recursion)');
  return { inShape: net.inShape, inputDim: net.inputDim, layers: net.layers, shapes: net.shapes, dims: net.dims };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('infiniteNtkMatrices (apps/docs/theory/infinite-width.md#mlp-recursions)', () => {
  const N = 42; // not a multiple of 4: the Gram's 4 × 4 blocks and their remainders
  const X = data(12, N, 1);
  const Xc = data(12, 9, 2);

  const cases: Array<{ name: string; activation: Activation; opts?: Partial<MlpOptions>; widths: number[] }> = [
    { name: 'normalised tanh (tabulated dual), one layer', activation: normalizeActivation(tanh), widths: [50] },
    { name: 'erf (closed-form dual), two layers', activation: erf, widths: [30, 20] },
    {
      name: 'relu, ntk parametrisation, biases, σ_w² = 2',
      activation: relu,
      widths: [30, 30],
      opts: { parametrization: 'ntk', bias: true, sigmaW2: 2 },
    },
  ];
  for (const c of cases) {
    it(`the vectorised route of an mlp equals the layers' kernel maps on one record: ${c.name}`, () => {
      const net = mlp({ inputDim: 12, widths: c.widths, activation: c.activation, ...c.opts });
      for (const withoutReadout of [false, true]) {
        const fast = infiniteNtkMatrices(net, X, { Xcross: Xc, withoutReadout });
        const slow = infiniteNtkMatrices(layerMaps(net), X, { Xcross: Xc, withoutReadout });
        const scale = maxAbs(slow.theta.data);
        expect(scale).toBeGreaterThan(0.1);
        // The same recursion with the same Hermite terms in the same order; only the association of a few products
        // may differ: a handful of ε per layer on O(1) kernels, far below 1e-12.
        for (let i = 0; i < slow.theta.data.length; i++)
          expect(Math.abs(fast.theta.data[i] - slow.theta.data[i])).toBeLessThan(1e-12 * scale);
        for (let i = 0; i < slow.cross!.data.length; i++)
          expect(Math.abs(fast.cross!.data[i] - slow.cross!.data[i])).toBeLessThan(1e-12 * scale);
        // Exactly symmetric, and Θ(x_j, X) of a training point equals its row of Θ.
        for (let i = 0; i < N; i++)
          for (let j = 0; j < i; j++) expect(fast.theta.data[i * N + j]).toBe(fast.theta.data[j * N + i]);
      }
    });
  }

  it('one relu layer without the readout term is the arc-cosine closed form ⟨x, y⟩(π − θ)/(2π)', () => {
    // Fan–Wang relu layer, frozen readout: Θ − Σ_f = Σ¹ · E relu′(u) relu′(v) = ⟨x, y⟩ (π − θ)/(2π), θ the angle
    // between x and y (the arc-cosine kernel of degree 0).
    const net = mlp({ inputDim: 12, widths: [10], activation: relu });
    const { theta, cross } = infiniteNtkMatrices(net, X, { Xcross: Xc, withoutReadout: true });
    const col = (A: Matrix, i: number): number[] => Array.from({ length: A.rows }, (_, p) => A.data[p * A.cols + i]);
    const closed = (x: number[], y: number[]): number => {
      const dot = x.reduce((s, v, p) => s + v * y[p], 0);
      const nx = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
      const ny = Math.sqrt(y.reduce((s, v) => s + v * v, 0));
      const angle = Math.acos(Math.max(-1, Math.min(1, dot / (nx * ny))));
      return (dot * (Math.PI - angle)) / (2 * Math.PI);
    };
    // acos near ±1 loses accuracy like √ε: compare to 1e-7 (off the diagonal angles are far from 0 here).
    for (const [i, j] of [
      [0, 0],
      [0, 5],
      [7, 41],
      [12, 13],
    ])
      expect(Math.abs(theta.data[i * N + j] - closed(col(X, i), col(X, j)))).toBeLessThan(1e-7);
    for (const [a, j] of [
      [0, 0],
      [8, 31],
    ])
      expect(Math.abs(cross!.data[a * N + j] - closed(col(Xc, a), col(X, j)))).toBeLessThan(1e-7);
  });
});
