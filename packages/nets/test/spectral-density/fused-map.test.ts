import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Activation, type Backend, type LayerParams, type Matrix } from '@spec/core';
import { erf, initNetwork, mlp, normalizeActivation, relu, tanh } from '../../src/index.js';
import { leanNtk } from '../../src/spectral-density/lean-kernels.js';

let threaded: Backend;
let single: Backend;
beforeAll(() => {
  threaded = createCpuBackend({ threads: 2 });
  single = createCpuBackend({ threads: 1 });
});
afterAll(() => {
  threaded.dispose();
  single.dispose();
});

/** A pre-activation large enough for the parallel map (≥ 2^16 entries) and, from the threaded gemm, shared. */
function preactivation(backend: Backend): Matrix {
  const rng = createRng(3);
  const W = backend.randn(300, 200, rng.split('W'));
  const X = backend.randn(200, 300, rng.split('X'));
  return backend.gemm(W, X, { alpha: 1 / Math.sqrt(200) });
}

/** The serial closure map, the reference every route must reproduce bit for bit. */
function closureMap(H: Matrix, f: (x: number) => number): Float64Array {
  return Float64Array.from(H.data, (x) => f(x));
}

/** Entries that differ bit for bit (Object.is: −0 ≠ 0, NaN = NaN); a fast stand-in for deep equality on 90 000 entries. */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
}

const closureOnly: Activation = {
  name: 'softsign',
  fn: (x) => x / (1 + Math.abs(x)),
  deriv: (x) => 1 / (1 + Math.abs(x)) ** 2,
};

const cases: Array<[string, Activation]> = [
  ['tanh', tanh],
  ['relu', relu],
  ['normalised tanh', normalizeActivation(tanh)],
  ['normalised relu', normalizeActivation(relu)],
  // erf's source is a float32 approximation (not exact): it must not be used, the closure runs instead.
  ['normalised erf (inexact source: fallback)', normalizeActivation(erf)],
  ['closure-only activation (fallback)', closureOnly],
];

describe('element-wise maps on worker threads and in one pass', () => {
  it('H from the threaded gemm lives in a SharedArrayBuffer (so the parallel route is exercised)', () => {
    expect(preactivation(threaded).data.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
  for (const [label, act] of cases) {
    it(`map and mapBoth equal the serial closure bit for bit: ${label}`, () => {
      for (const backend of [threaded, single]) {
        const H = preactivation(backend);
        const before = Float64Array.from(H.data);
        const value = closureMap(H, (x) => act.fn(x));
        const deriv = closureMap(H, (x) => act.deriv(x));
        // Bitwise: the compiled source (on both threads) must round exactly like the closure.
        expect(mismatches(backend.map(H, act, 'value').data, value)).toBe(0);
        expect(mismatches(backend.map(H, act, 'derivative').data, deriv)).toBe(0);
        const both = backend.mapBoth!(H, act);
        expect(mismatches(H.data, before)).toBe(0); // not in place unless asked
        expect(mismatches(both.value.data, value)).toBe(0);
        expect(mismatches(both.derivative.data, deriv)).toBe(0);
        const inPlace = backend.mapBoth!(H, act, { derivativeInPlace: true });
        expect(inPlace.derivative.data).toBe(H.data);
        expect(mismatches(inPlace.value.data, value)).toBe(0);
        expect(mismatches(H.data, deriv)).toBe(0);
      }
    });
  }
  it('valueAndDeriv of tanh, relu and their normalised forms equals fn and deriv bit for bit', () => {
    const out = new Float64Array(2);
    for (const act of [tanh, relu, normalizeActivation(tanh), normalizeActivation(relu)]) {
      for (let x = -6; x <= 6; x += 0.01) {
        act.valueAndDeriv!(x, out);
        expect([out[0], out[1]]).toEqual([act.fn(x), act.deriv(x)]);
      }
    }
  });
  it('leanNtk gives the same NTK with and without mapBoth (bit for bit)', () => {
    const n = 300;
    const X = threaded.randn(200, n, createRng(5));
    const net = mlp({ inputDim: 200, widths: [300, 250], activation: normalizeActivation(tanh), bias: true });
    const params = initNetwork(net, createRng(9));
    const { mapBoth: _unused, ...twoMaps } = threaded;
    void _unused;
    const fused = leanNtk(net, [...params] as Array<LayerParams | null>, X, threaded, { ckGram: true });
    const plain = leanNtk(net, [...params] as Array<LayerParams | null>, X, twoMaps, { ckGram: true });
    expect(mismatches(fused.ntk.data, plain.ntk.data)).toBe(0);
    expect(mismatches(fused.ck!.data, plain.ck!.data)).toBe(0);
  });
});
