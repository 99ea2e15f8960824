import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, registry, use, type Activations, type Layer, type LayerParams, type Matrix } from '@spec/core';
import {
  activationLayer,
  dense,
  empiricalKernels,
  forward,
  hasLeanNtk,
  initNetwork,
  kernelOperatorsConsuming,
  leanNtk,
  leanNtkFactors,
  residual,
  network,
  tanh,
  tiledNtkOperator,
  type DenseCache,
  type Network,
} from '../../src/index.js';
import { expectSpecError, unitColumns } from '@spec/testing';
import cosinePlugin from '../fixtures/cosine-plugin.js';
import { finiteDifferenceJacobian, gramOfRows } from '../fixtures/finite-difference.js';

const backend = createCpuBackend({ threads: 1 });
afterAll(() => backend.dispose());

const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** The same layer without `ntkTerms`: every route must fall back to `ntk` + `vjp`. */
function withoutTerms(layer: Layer): Layer {
  const copy: Layer = { ...layer };
  delete copy.ntkTerms;
  return copy;
}

/** Rows of K V for a stored row-major K (n × n) and V (count × n), by plain loops. */
function apply(K: Matrix, V: Float64Array, count: number): Float64Array {
  const n = K.cols;
  const out = new Float64Array(count * n);
  for (let q = 0; q < count; q++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += K.data[i * n + j] * V[q * n + j];
      out[q * n + i] = s;
    }
  return out;
}

/** A random signal of n samples × C channels (one row per sample), from `seed`. */
function signal(n: number, C: number, seed: number): Activations {
  const data = new Float64Array(n * C);
  createRng(seed).fillNormal(data);
  return { data, samples: n, spatial: [], channels: C };
}

/** A residual MLP: dense, two residual blocks with an activation between, dense readout. */
function residualNet(width: number): Network {
  return network(3, [
    dense({ width, activation: tanh, bias: true, sigmaB2: 0.3 }),
    residual({ activation: tanh, sigmaW: 0.8 }),
    activationLayer({ activation: tanh }),
    residual({ activation: 'relu', sigmaW: 1.1 }),
    dense({ width: 1, activation: 'linear', parametrization: 'ntk', bias: true }),
  ]);
}

describe('ntkTerms of the built-in layers (one place for each layer’s mathematics)', () => {
  const X = unitColumns(3, 5, createRng(2).normal);
  const net = residualNet(4);
  const params = initNetwork(net, createRng(9));
  const fwd = forward(net, params, X, backend);
  const ctx = { backend };

  it('dense, residual, activation: the terms’ share is ntk and gradInput is vjp’s, bit for bit', () => {
    for (let i = 0; i < net.layers.length; i++) {
      const layer = net.layers[i];
      const G = signal(5, net.dims[i + 1], 30 + i);
      const step = layer.ntkTerms!(params[i], fwd.caches[i], G, ctx);
      const viaVjp = layer.vjp(params[i], fwd.caches[i], G, ctx, { params: false }).gx;
      expect(Array.from(step.gradInput().data), layer.kind).toEqual(Array.from(viaVjp.data));
      const c = layer.ntk(params[i], fwd.caches[i], G, ctx);
      if (layer.kind === 'activation') {
        expect(step.terms).toHaveLength(0);
        expect(c).toBeNull();
        continue;
      }
      expect(step.terms).toHaveLength(1);
      const t = step.terms[0];
      // The share from its definition, (a2 X Xᵀ + b2) ⊙ S Sᵀ (one row per sample), by plain loops: equal to rounding.
      const [e, f] = [t.left!.cols, t.right.cols];
      expect([t.left!.rows, t.right.rows]).toEqual([5, 5]);
      const share = new Float64Array(25);
      for (let a = 0; a < 5; a++)
        for (let b = 0; b < 5; b++) {
          let xx = 0;
          for (let k = 0; k < e; k++) xx += t.left!.data[a * e + k] * t.left!.data[b * e + k];
          let ss = 0;
          for (let k = 0; k < f; k++) ss += t.right.data[a * f + k] * t.right.data[b * f + k];
          share[a * 5 + b] = (t.a2 * xx + t.b2) * ss;
        }
      expect(maxDiff(c!, share), layer.kind).toBeLessThan(1e-13 * maxAbs(share));
    }
  });

  it('a dense cache made with ntkTermsOnly is consumed by one ntkTerms call (the same S, formed over σ′(H))', () => {
    const layer = net.layers[0];
    const { y, cache } = layer.apply(params[0], fwd.activations[0], ctx, { ntkTermsOnly: true });
    expect(Array.from(y.data)).toEqual(Array.from(fwd.activations[1].data));
    expect((cache as DenseCache).preactivation).toBeUndefined();
    const G = signal(5, 4, 40);
    const lean = layer.ntkTerms!(params[0], cache, G, ctx);
    const plain = layer.ntkTerms!(params[0], fwd.caches[0], G, ctx);
    expect(Array.from(lean.terms[0].right.data)).toEqual(Array.from(plain.terms[0].right.data));
    expect(Array.from(lean.gradInput().data)).toEqual(Array.from(plain.gradInput().data));
    expectSpecError(() => layer.ntkTerms!(params[0], cache, G, ctx), 'E_INPUT', /pre-?activation/);
  });
});

describe('residual networks take the lean and matrix-free routes', () => {
  it('leanNtk equals J Jᵀ from finite-difference Jacobians (n = 4)', () => {
    const X = unitColumns(3, 4, createRng(11).normal);
    const net = residualNet(3);
    expect(hasLeanNtk(net)).toBe(true);
    const params = initNetwork(net, createRng(7));
    const ref = gramOfRows(finiteDifferenceJacobian(net, params, X, backend));
    const { ntk } = leanNtk(net, [...params], X, backend);
    // Central differences with h = 1e-5 give J Jᵀ to ≲ 1e-8 (see empirical-kernels.test.ts); 1e-7 of the scale.
    const scale = Math.max(1, ...ref.map((r, i) => Math.abs(r[i])));
    ref.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(ntk.data[i * 4 + j] - v)).toBeLessThan(1e-7 * scale)));
  });

  it('leanNtk, the factors and the stored/tiled operators equal the ntkContribution + vjp fallback (n = 37)', () => {
    const n = 37;
    const X = unitColumns(3, n, createRng(12).normal);
    const net = residualNet(6);
    const fallback = network(3, net.layers.map(withoutTerms));
    expect(hasLeanNtk(fallback)).toBe(false);
    const params = initNetwork(net, createRng(8));
    const ref = empiricalKernels(fallback, params, X, backend, { kernel: 'both' });
    // The same products in the same order on both routes: equal up to a few ulps of the largest entry.
    const scale = maxAbs(ref.ntk!.data);
    expect(maxDiff(leanNtk(net, [...params], X, backend).ntk.data, ref.ntk!.data)).toBeLessThan(1e-13 * scale);
    expect(maxDiff(empiricalKernels(net, params, X, backend).ntk!.data, ref.ntk!.data)).toBeLessThan(1e-13 * scale);
    const V = new Float64Array(2 * n);
    createRng(3).fillNormal(V);
    const want = apply(ref.ntk!, V, 2);
    const out = new Float64Array(2 * n);
    for (const form of ['tiled', 'factored'] as const) {
      const tiled = tiledNtkOperator(leanNtkFactors(net, [...params], X, backend), backend, 8, form);
      tiled.apply(V, out, 2);
      expect(maxDiff(out, want), form).toBeLessThan(1e-12 * maxAbs(want));
    }
    const ops = kernelOperatorsConsuming(net, [...params], X, backend, 'both', { tiledNtk: true });
    ops.ntk!(V, out, 2);
    expect(maxDiff(out, want)).toBeLessThan(1e-12 * maxAbs(want));
    ops.ck!(V, out, 2);
    const wantCk = apply(ref.ck!, V, 2);
    expect(maxDiff(out, wantCk)).toBeLessThan(1e-12 * maxAbs(wantCk));
  });
});

describe('a layer without ntkTerms falls back', () => {
  if (!registry.plugins().includes('cosine')) use(cosinePlugin);
  // The fixture's `gain` layer (a plugin written against @spec/core) without its ntkTerms: only ntk and vjp.
  const gain = registry.layer('gain').create({ layer: 'gain' }, { width: 5 });
  const layers = (g: Layer): Layer[] => [
    dense({ width: 5, activation: tanh, bias: true }),
    g,
    dense({ width: 1, activation: 'linear' }),
  ];
  const net = network(3, layers(withoutTerms(gain)));
  const n = 9;
  const X = unitColumns(3, n, createRng(5).normal);
  const params = initNetwork(net, createRng(6));

  it('with its ntkTerms the plugin layer is lean, and leanNtk equals J Jᵀ by finite differences', () => {
    const lean = network(3, layers(gain));
    expect(hasLeanNtk(lean)).toBe(true);
    const ref = gramOfRows(finiteDifferenceJacobian(lean, params, X, backend));
    const { ntk } = leanNtk(lean, [...params], X, backend);
    // J Jᵀ to ≲ 1e-8 per entry (central differences, h = 1e-5): 1e-7 of the scale, as above.
    const scale = Math.max(1, ...ref.map((r, i) => Math.abs(r[i])));
    ref.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(ntk.data[i * n + j] - v)).toBeLessThan(1e-7 * scale)));
  });

  it('is not lean: leanNtk, leanNtkFactors and the tiled operator refuse it (E_INPUT, naming the layer)', () => {
    expect(hasLeanNtk(net)).toBe(false);
    expectSpecError(() => leanNtk(net, [...params], X, backend), 'E_INPUT', /layer 2 \(gain\)/, /ntkTerms/);
    expectSpecError(() => leanNtkFactors(net, [...params], X, backend), 'E_INPUT', /gain/);
    expectSpecError(
      () => kernelOperatorsConsuming(net, [...params], X, backend, 'ntk', { tiledNtk: true }),
      'E_INPUT',
      /ntkTerms/,
    );
  });

  it('the stored operator uses the layers’ own shares and equals J Jᵀ by finite differences', () => {
    const ops = kernelOperatorsConsuming(net, [...params], X, backend, 'ntk');
    const K: Matrix = {
      rows: n,
      cols: n,
      data: Float64Array.from(gramOfRows(finiteDifferenceJacobian(net, params, X, backend)).flat()),
    };
    const V = new Float64Array(n);
    createRng(4).fillNormal(V);
    const out = new Float64Array(n);
    ops.ntk!(V, out, 1);
    const want = apply(K, V, 1);
    // J Jᵀ to ≲ 1e-8 per entry (central differences, h = 1e-5), times |V|₁ ≲ 9: 1e-7 of the scale.
    expect(maxDiff(out, want)).toBeLessThan(1e-7 * Math.max(1, maxAbs(want)));
    const kernels = empiricalKernels(net, params, X, backend);
    expect(maxDiff(apply(kernels.ntk!, V, 1), out)).toBeLessThan(1e-13 * maxAbs(out));
  });
});

// Parameters of a consumed run are set to null layer by layer.
it('leanNtk consumes the parameters of a residual network', () => {
  const net = residualNet(3);
  const owned: Array<LayerParams | null> = [...initNetwork(net, createRng(1))];
  leanNtk(net, owned, unitColumns(3, 4, createRng(2).normal), backend);
  expect(owned.every((p) => p === null)).toBe(true);
});
