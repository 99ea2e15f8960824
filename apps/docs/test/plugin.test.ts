import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, isSpecError, type Layer, type LayerParams, type Matrix } from '@spec/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  activationLayer,
  dense,
  empiricalKernels,
  hasLeanNtk,
  infiniteNtkMatrices,
  initNetwork,
  kernelOperatorsConsuming,
  leanNtk,
  leanNtkFactors,
  networkOutput,
  network,
  spatialDense,
  tanh,
  tiledNtkOperator,
  type Network,
  type NetworkParams,
} from '@spec/nets';
import { cosine } from '../examples/plugin/cosine-activation.js';
import { scaledDense, scaledDenseFactory } from '../examples/plugin/scaled-dense-layer.js';
import { example } from '../examples/plugin/usage.js';

describe('docs example plugin', () => {
  it('registers and runs: the counting backend wraps the CPU one and the NTK contribution has a positive trace', async () => {
    const { backend, trace } = await example();
    expect(backend).toBe('counting(cpu)');
    expect(Number.isFinite(trace)).toBe(true);
    expect(trace).toBeGreaterThan(0);
  });

  it('closed-form dual of cos matches Monte Carlo within 5 standard errors', () => {
    const rng = createRng(7);
    const [q1, q2, c] = [1.3, 0.7, 0.5];
    // (u, v) = (√q1 z1, c/√q1 z1 + √(q2 − c²/q1) z2) has covariance [[q1, c], [c, q2]].
    const a = Math.sqrt(q1);
    const b = c / a;
    const e = Math.sqrt(q2 - b * b);
    const N = 200_000;
    let sv = 0,
      sv2 = 0,
      sd = 0,
      sd2 = 0;
    for (let i = 0; i < N; i++) {
      const z1 = rng.normal();
      const z2 = rng.normal();
      const u = a * z1;
      const v = b * z1 + e * z2;
      const pv = cosine.fn(u) * cosine.fn(v);
      const pd = cosine.deriv(u) * cosine.deriv(v);
      sv += pv;
      sv2 += pv * pv;
      sd += pd;
      sd2 += pd * pd;
    }
    const mv = sv / N;
    const md = sd / N;
    // Monte Carlo standard error √(Var/N); 5 SE makes a false failure astronomically unlikely at a fixed seed.
    const sev = Math.sqrt((sv2 / N - mv * mv) / N);
    const sed = Math.sqrt((sd2 / N - md * md) / N);
    expect(Math.abs(mv - cosine.dual!.value(q1, q2, c))).toBeLessThan(5 * sev);
    expect(Math.abs(md - cosine.dual!.derivative(q1, q2, c))).toBeLessThan(5 * sed);
  });
});

describe('docs example plugin: scaledDense at finite width', () => {
  it('agrees with the built-in dense layer (no bias) in output, vjp and NTK share on a spatial batch', () => {
    const rng = createRng(11);
    const ctx = { backend: createCpuBackend() };
    const entry = { layer: 'scaledDense', weightStd: 1.3 };
    const plugin = scaledDenseFactory.create(entry, { width: 5 });
    const builtin = spatialDense({ width: 5, W_std: 1.3 });
    const x = { data: new Float64Array(3 * 4 * 2), samples: 3, spatial: [4], channels: 2 };
    rng.fillNormal(x.data);
    const { params, outShape } = plugin.init({ spatial: [4], channels: 2 }, rng);
    expect(outShape).toEqual({ spatial: [4], channels: 5 });
    const a = plugin.apply(params, x, ctx);
    const b = builtin.apply(params, x, ctx);
    expect(maxDiff(a.y.data, b.y.data)).toBeLessThan(1e-13);
    const gy = { ...a.y, data: new Float64Array(a.y.data.length) };
    rng.fillNormal(gy.data);
    const va = plugin.vjp(params, a.cache, gy, ctx);
    const vb = builtin.vjp(params, b.cache, gy, ctx);
    expect(maxDiff(va.gx.data, vb.gx.data)).toBeLessThan(1e-13);
    expect(maxDiff(va.gparams.W, vb.gparams.W)).toBeLessThan(1e-13);
    expect(maxDiff(plugin.ntk(params, a.cache, gy, ctx)!, builtin.ntk(params, b.cache, gy, ctx)!)).toBeLessThan(1e-12);
    expect(() => scaledDenseFactory.create({ layer: 'scaledDense', weightStd: -1 }, { width: 5 })).toThrow(/weightStd/);
  });
});

describe('docs example plugin: scaledDense through the lean and matrix-free NTK routes (ntkTerms)', () => {
  const backend = createCpuBackend({ threads: 1 });
  afterAll(() => backend.dispose());
  const std = 1.5; // σ_w² = 2.25, whose square root is exact, so both networks scale by the same α_W = 1.5/√d_in

  /** scaledDense layers with tanh between them: the plugin's network. */
  const pluginNet = (d0: number, widths: number[]): Network =>
    network(d0, [
      ...widths.flatMap((width) => [scaledDense({ width, weightStd: std }), activationLayer({ activation: tanh })]),
      scaledDense({ width: 1, weightStd: std }),
    ]);
  /** The same function with built-in dense layers (NTK parametrisation, tanh inside, linear readout), same weights. */
  const builtinNet = (d0: number, widths: number[]): Network =>
    network(d0, [
      ...widths.map((width) => dense({ width, activation: tanh, parametrization: 'ntk', sigmaW2: std * std })),
      dense({ width: 1, activation: 'linear', parametrization: 'ntk', sigmaW2: std * std }),
    ]);
  /** The built-in network's parameters: the plugin's weights, without the activation layers' empty records. */
  const builtinParams = (params: NetworkParams): NetworkParams => params.filter((p) => p.W !== undefined);

  it('in an MLP, its kernel map (the one it registers for --arch) equals the built-in ntk-parametrised dense layer', () => {
    // scaledDense(σ_w) → tanh → scaledDense(1) against dense(σ_w², tanh) → linear readout: the same network, two
    // implementations of the map (the plugin's entrywise blocks against the built-in affine map).
    const w = 1.3;
    const plugin = network(3, [
      scaledDense({ width: 5, weightStd: w }),
      activationLayer({ activation: tanh }),
      scaledDense({ width: 1 }),
    ]);
    const builtIn = network(3, [
      dense({ width: 5, activation: tanh, parametrization: 'ntk', sigmaW2: w * w }),
      dense({ width: 1, activation: 'linear', parametrization: 'ntk' }),
    ]);
    const rng = createRng(5);
    const X: Matrix = { rows: 3, cols: 6, data: Float64Array.from({ length: 18 }, () => rng.normal()) };
    const a = Float64Array.from(infiniteNtkMatrices(plugin, X, { parametrization: 'ntk' }).theta.data);
    const b = Float64Array.from(infiniteNtkMatrices(builtIn, X, { parametrization: 'ntk' }).theta.data);
    expect(maxAbs(b)).toBeGreaterThan(0.1);
    expect(maxDiff(a, b)).toBeLessThan(1e-12 * maxAbs(b));
  });

  it('leanNtk equals J Jᵀ from finite-difference Jacobians (n = 4, widths 5,3)', () => {
    const net = pluginNet(3, [5, 3]);
    expect(hasLeanNtk(net)).toBe(true);
    const X = columns(3, 4, 11);
    const params = initNetwork(net, createRng(7));
    const ref = finiteDifferenceNtk(net, params, X);
    const owned: Array<LayerParams | null> = [...params];
    const { ntk } = leanNtk(net, owned, X, backend);
    expect(owned.every((p) => p === null)).toBe(true);
    // Central differences with h = 1e-5: truncation h²|f‴|/6 ≲ 1e-10 and rounding ε|f|/h ≲ 1e-11 per Jacobian entry,
    // so J Jᵀ (≈ 50 products) is good to ≲ 1e-8; 1e-7 of the scale leaves room without hiding a wrong term (≳ 1e-2).
    const scale = Math.max(1, ...Array.from({ length: 4 }, (_, i) => Math.abs(ref[i * 4 + i])));
    expect(maxDiff(ntk.data as Float64Array, ref)).toBeLessThan(1e-7 * scale);
  });

  it('leanNtk, leanNtkFactors and the tiled/SLQ operators equal empiricalKernels of the built-in dense network', () => {
    const n = 41;
    const net = pluginNet(6, [9, 7]);
    const X = columns(6, n, 12);
    const params = initNetwork(net, createRng(8));
    const ref = empiricalKernels(builtinNet(6, [9, 7]), builtinParams(params), X, backend, { kernel: 'both' });
    const K = ref.ntk!;
    // Two networks computing the same function with the same weights by the same products: the kernels agree to
    // rounding, a few ulps per operation over three layers; 1e-12 of the largest entry.
    const scale = maxAbs(K.data as Float64Array);
    const lean = leanNtk(net, [...params], X, backend, { ckGram: true });
    expect(maxDiff(lean.ntk.data as Float64Array, K.data as Float64Array)).toBeLessThan(1e-12 * scale);
    expect(maxDiff(lean.ck!.data as Float64Array, ref.ck!.data as Float64Array)).toBeLessThan(1e-12 * scale);
    const V = new Float64Array(3 * n);
    createRng(4).fillNormal(V);
    const want = applyStored(K, V, 3);
    const out = new Float64Array(3 * n);
    for (const form of ['tiled', 'factored'] as const) {
      const factors = leanNtkFactors(net, [...params], X, backend);
      expect(factors).toHaveLength(3); // one term per scaledDense layer, none for tanh
      const { apply, mean } = tiledNtkOperator(factors, backend, 16, form);
      apply(V, out, 3);
      expect(maxDiff(out, want), form).toBeLessThan(1e-12 * maxAbs(want));
      expect(Math.abs(mean - trace(K) / n)).toBeLessThan(1e-12 * Math.abs(trace(K) / n));
    }
    // What the SLQ route applies: the stored NTK (built by leanNtk) and the matrix-free one, with the CK operator.
    for (const tiledNtk of [false, true]) {
      const ops = kernelOperatorsConsuming(net, [...params], X, backend, 'both', { tiledNtk });
      ops.ntk!(V, out, 3);
      expect(maxDiff(out, want), `tiled ${tiledNtk}`).toBeLessThan(1e-12 * maxAbs(want));
      ops.ck!(V, out, 3);
      const wantCk = applyStored(ref.ck!, V, 3);
      expect(maxDiff(out, wantCk)).toBeLessThan(1e-12 * maxAbs(wantCk));
      expect(Math.abs(ops.ntkMean! - trace(K) / n)).toBeLessThan(1e-12 * Math.abs(trace(K) / n));
    }
  });

  it('without ntkTerms the layer falls back to its ntk share: the same NTK, and the lean routes refuse it', () => {
    const n = 13;
    const strip = (layer: Layer): Layer => {
      const copy: Layer = { ...layer };
      delete copy.ntkTerms;
      return copy;
    };
    const net = pluginNet(4, [6]);
    const plain = network(4, net.layers.map(strip));
    expect(hasLeanNtk(plain)).toBe(false);
    const X = columns(4, n, 13);
    const params = initNetwork(net, createRng(9));
    const want = leanNtk(net, [...params], X, backend).ntk;
    const got = empiricalKernels(plain, params, X, backend).ntk!;
    expect(maxDiff(got.data as Float64Array, want.data as Float64Array)).toBeLessThan(
      1e-12 * maxAbs(want.data as Float64Array),
    );
    const V = new Float64Array(n);
    createRng(5).fillNormal(V);
    const out = new Float64Array(n);
    kernelOperatorsConsuming(plain, [...params], X, backend, 'ntk').ntk!(V, out, 1);
    const expected = applyStored(want, V, 1);
    expect(maxDiff(out, expected)).toBeLessThan(1e-12 * maxAbs(expected));
    let err: unknown;
    try {
      leanNtk(plain, [...params], X, backend);
    } catch (e) {
      err = e;
    }
    expect(isSpecError(err) && err.code).toBe('E_INPUT');
    expect((err as Error).message).toMatch(/scaledDense.*ntkTerms/);
  });

  /** d × n with N(0, 1/d) entries. */
  function columns(d: number, n: number, seed: number): Matrix {
    const data = new Float64Array(d * n);
    createRng(seed).fillNormal(data);
    for (let i = 0; i < data.length; i++) data[i] /= Math.sqrt(d);
    return { rows: d, cols: n, data };
  }

  /** J Jᵀ (n × n, row-major) with J the central-difference Jacobian of the outputs in every weight (h = 1e-5). */
  function finiteDifferenceNtk(net: Network, params: NetworkParams, X: Matrix, h = 1e-5): Float64Array {
    const n = X.cols;
    const cols: Float64Array[] = [];
    for (const layer of params)
      for (const key of Object.keys(layer)) {
        const d = layer[key];
        for (let i = 0; i < d.length; i++) {
          const v = d[i];
          d[i] = v + h;
          const fp = networkOutput(net, params, X, backend);
          d[i] = v - h;
          const fm = networkOutput(net, params, X, backend);
          d[i] = v;
          cols.push(Float64Array.from(fp, (f, a) => (f - fm[a]) / (2 * h)));
        }
      }
    const K = new Float64Array(n * n);
    for (const c of cols) for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) K[a * n + b] += c[a] * c[b];
    return K;
  }

  function applyStored(K: Matrix, V: Float64Array, count: number): Float64Array {
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
});

function trace(K: Matrix): number {
  let t = 0;
  for (let i = 0; i < K.cols; i++) t += K.data[i * K.cols + i];
  return t;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
