import { describe, expect, it } from 'vitest';
import type { Activation, Matrix } from '@spec/core';
import {
  infiniteKernelMatrices,
  infiniteKernelPass,
  infiniteKernels,
  infiniteNetwork,
  networkKernels,
  relu,
  resolveInfiniteOptions,
  type InfiniteKernelOptions,
} from '../../src/index.js';

/** Deterministic data with unequal column norms (Park–Miller; nothing to do with the code under test). */
function data(d: number, n: number, seed: number): Matrix {
  let s = seed;
  const X = Float64Array.from({ length: d * n }, () => {
    s = (s * 16807) % 2147483647;
    return (s / 2147483647 - 0.5) * 1.2;
  });
  return { rows: d, cols: n, data: X };
}

/**
 * The reference: the layer plugins' kernel maps over the same network on one batched record
 * (`networkKernels(infiniteNetwork(...))`: the dense, activation and residual maps of the architecture kernels). Same
 * recursions, independent code (apps/docs/theory/infinite-width.md#mlp-recursions, #residual-mlp).
 */
function layerMapsReference(X: Matrix, options: InfiniteKernelOptions): { nngp: Float64Array; ntk: Float64Array } {
  const net = infiniteNetwork(resolveInfiniteOptions(options), { width: 1, inputDim: 1 });
  const { rows: d, cols: n } = X;
  const dot = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < d; i++) s += X.data[i * n + a] * X.data[i * n + b];
    return s;
  };
  const gram = Float64Array.from({ length: n * n }, (_, i) => dot(Math.floor(i / n), i % n));
  const { nngp, ntk } = networkKernels(net, gram, n);
  return { nngp, ntk };
}

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return diff / scale;
}

const withoutDual = (act: Activation): Activation => ({ ...act, name: `${act.name} (no dual)`, dual: undefined });

describe('infiniteKernelPass (apps/docs/theory/infinite-width.md#mlp-recursions, #residual-mlp)', () => {
  const X = data(4, 10, 3);
  const cases: ReadonlyArray<[string, InfiniteKernelOptions, number]> = [
    // Closed-form duals: the same arithmetic in another order, rounding only.
    ['relu mlp, biases', { activation: 'relu', depth: 3, sigmaB2: 0.2, sigmaW2In: 0.8 }, 1e-13],
    ['erf residual', { activation: 'erf', depth: 3, sigmaW2: 1, architecture: 'residual' }, 1e-13],
    // Tabulated duals: the matrix sums stop once |ρ|^{K+1} ≤ 1e-11, the per-pair route sums every term — 1e-11 per
    // layer, amplified at most a few times by three layers.
    ['tanh mlp', { activation: 'tanh', depth: 3 }, 1e-10],
    ['normalised gelu residual', { activation: 'gelu', normalized: true, depth: 3, architecture: 'residual' }, 1e-10],
  ];
  for (const [name, options, tol] of cases) {
    it(`blockwise matrices equal the per-pair fold of the layer kernel maps: ${name}`, () => {
      const m = infiniteKernelMatrices(X, options, { tile: 3 });
      const ref = layerMapsReference(X, options);
      expect(maxRelative(m.nngp.data, ref.nngp)).toBeLessThan(tol);
      expect(maxRelative(m.ntk.data, ref.ntk)).toBeLessThan(tol);
    });
  }

  it('relu without dual (angle tables, one per layer for unit-norm data) equals the closed-form route to 1e-10', () => {
    // Unit-norm columns: every point has the same variance at every layer, so one angle table per layer.
    const U = data(4, 8, 9);
    for (let b = 0; b < 8; b++) {
      let s = 0;
      for (let i = 0; i < 4; i++) s += U.data[i * 8 + b] ** 2;
      for (let i = 0; i < 4; i++) U.data[i * 8 + b] /= Math.sqrt(s);
    }
    const m = infiniteKernelMatrices(U, { activation: withoutDual(relu), depth: 2, sigmaW2: 2 });
    const ref = infiniteKernelMatrices(U, { activation: relu, depth: 2, sigmaW2: 2 });
    expect(maxRelative(m.ntk.data, ref.ntk.data)).toBeLessThan(1e-10);
    expect(maxRelative(m.nngp.data, ref.nngp.data)).toBeLessThan(1e-10);
  });

  it('refuses a kinked activation without dual at many distinct variances (E_INPUT naming the limit and what to try)', () => {
    expect(() => infiniteKernelMatrices(data(3, 20, 4), { activation: withoutDual(relu), depth: 1 })).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: expect.stringMatching(/at most 64.*equal norms/) }),
    );
  });

  it('one pass gives every depth: onDepth(l) equals the depth-l pass (mlp and residual)', () => {
    for (const architecture of ['mlp', 'residual'] as const) {
      // σ_w² = 0.5 keeps the residual variances (which grow with depth) small.
      const o = resolveInfiniteOptions({ activation: 'tanh', depth: 5, architecture, sigmaB2: 0.1, sigmaW2: 0.5 });
      const norms = Float64Array.of(1, 0.7, 1.4);
      const gram = Float64Array.of(1, 0.3, -0.5, 0.3, 0.49, 0.2, -0.5, 0.2, 1.96);
      const all: Float64Array[] = [];
      infiniteKernelPass(o, { rowNorms2: norms, gram }, { onDepth: (k) => all.push(k.ntk) });
      expect(all).toHaveLength(5);
      for (let l = 1; l <= 5; l++) {
        const single = infiniteKernelPass({ ...o, depth: l }, { rowNorms2: norms, gram });
        // The same layers and terms; the cached Hermite coefficients may have been lengthened in between: rounding.
        expect(maxRelative(all[l - 1], single.ntk)).toBeLessThan(1e-14);
      }
    }
  });

  it('byDepth(cos) of infiniteKernels equals pair(cos) at each depth', () => {
    const byDepth = infiniteKernels({ activation: 'gelu', depth: 4 }).byDepth(0.3, 1.2, 0.8);
    for (let l = 1; l <= 4; l++) {
      const v = infiniteKernels({ activation: 'gelu', depth: l }).pair(0.3, 1.2, 0.8);
      // Equal up to rounding: the cached Hermite coefficients may have been lengthened in between (same terms).
      for (const key of ['nngp', 'ntk', 'nngpXX', 'nngpYY', 'ntkXX', 'ntkYY'] as const)
        expect(byDepth[l - 1][key]).toBeCloseTo(v[key], 13);
    }
  });

  it('rectangular (cross) kernels equal the off-diagonal block of the symmetric pass, diagonals included', () => {
    const o = resolveInfiniteOptions({ activation: 'tanh', depth: 3, sigmaB2: 0.3 });
    const n = 6;
    const Y = data(3, n, 5);
    const g = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        let s = 0;
        for (let i = 0; i < 3; i++) s += Y.data[i * n + a] * Y.data[i * n + b];
        g[a * n + b] = s;
      }
    const norms = Float64Array.from({ length: n }, (_, i) => g[i * n + i]);
    const full = infiniteKernelPass(o, { rowNorms2: norms, gram: g }, { smooth: true });
    const rows = [0, 1];
    const cols = [2, 3, 4, 5];
    const cross = infiniteKernelPass(
      o,
      {
        rowNorms2: Float64Array.from(rows, (i) => norms[i]),
        colNorms2: Float64Array.from(cols, (j) => norms[j]),
        gram: Float64Array.from({ length: 8 }, (_, t) => g[rows[Math.floor(t / 4)] * n + cols[t % 4]]),
      },
      { smooth: true },
    );
    for (let t = 0; t < 8; t++) {
      const i = rows[Math.floor(t / 4)];
      const j = cols[t % 4];
      expect(cross.ntk[t]).toBeCloseTo(full.ntk[i * n + j], 12);
      expect(cross.nngp[t]).toBeCloseTo(full.nngp[i * n + j], 12);
    }
    expect(cross.colDiagonal.ntk[1]).toBeCloseTo(full.ntk[3 * n + 3], 12);
    expect(cross.rowDiagonal.nngp[0]).toBeCloseTo(full.nngp[0], 12);
  });

  it('checks memory before allocating: n = 200000 points would need terabytes (E_MEMORY with the size and what to try)', () => {
    const X1: Matrix = { rows: 1, cols: 200_000, data: new Float64Array(200_000).fill(1) };
    expect(() => infiniteKernelMatrices(X1, { activation: 'relu', depth: 1 })).toThrow(
      expect.objectContaining({ code: 'E_MEMORY', message: expect.stringMatching(/GiB.*fewer samples/) }),
    );
  });

  it('rejects a Gram that is not one (E_INPUT)', () => {
    const o = resolveInfiniteOptions({ activation: 'tanh', depth: 1 });
    expect(() =>
      infiniteKernelPass(o, { rowNorms2: Float64Array.of(1, 1), gram: Float64Array.of(1, 2, 2, 1) }),
    ).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
