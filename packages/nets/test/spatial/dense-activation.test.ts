import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Backend } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import {
  empiricalKernels,
  initNetwork,
  mlp,
  networkOutput,
  tanh,
  initSpatialNetwork,
  spatialActivation,
  spatialDense,
  spatialEmpiricalKernels,
} from '../../src/index.js';
import { denseWeightNtk } from '../../src/spatial/dense-products.js';
import { ctx, FD_TOL, checkVjp, copyParams, expectClose, finiteDifferenceNtk, randomActivations } from './fd.js';

let backend: Backend;
beforeAll(() => {
  backend = createCpuBackend();
});
afterAll(() => backend.dispose());

describe('spatial dense and activation layers', () => {
  it('vjp matches central differences for the input and every parameter', () => {
    const rng = createRng(1);
    checkVjp(spatialDense({ width: 3, W_std: 1.3, b_std: 0.4 }), { spatial: [], channels: 4 }, rng.split(1));
    checkVjp(spatialDense({ width: 2, W_std: 0.8 }), { spatial: [5], channels: 3 }, rng.split(2));
    checkVjp(spatialDense({ width: 2, b_std: 0.2 }), { spatial: [2, 3], channels: 2 }, rng.split(3), { samples: 3 });
    for (const fn of ['tanh', 'erf', 'gelu', 'sin']) {
      checkVjp(spatialActivation({ fn }), { spatial: [3], channels: 2 }, rng.split(fn));
    }
  });

  it('the weight NTK by position Grams and by per-sample gradients, in blocks, equals the defining double sum', () => {
    // Σ_{p,q} α²⟨x_a(p), x_b(q)⟩⟨g_a(p), g_b(q)⟩ + s²⟨Σ_p g_a(p), Σ_q g_b(q)⟩ written out as loops here; the routes
    // differ from it only by summation order (rounding), whatever the block size.
    const rng = createRng(2);
    const plain = (x: Float64Array, g: Float64Array, n: number, L: number, cin: number, cout: number) => {
      const t = new Float64Array(n * n);
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          let w = 0;
          for (let p = 0; p < L; p++)
            for (let q = 0; q < L; q++) {
              let sx = 0;
              let sg = 0;
              for (let i = 0; i < cin; i++) sx += x[(a * L + p) * cin + i] * x[(b * L + q) * cin + i];
              for (let o = 0; o < cout; o++) sg += g[(a * L + p) * cout + o] * g[(b * L + q) * cout + o];
              w += sx * sg;
            }
          let sb = 0;
          for (let o = 0; o < cout; o++) {
            let ga = 0;
            let gb = 0;
            for (let p = 0; p < L; p++) ga += g[(a * L + p) * cout + o];
            for (let q = 0; q < L; q++) gb += g[(b * L + q) * cout + o];
            sb += ga * gb;
          }
          t[a * n + b] = 0.49 * w + 0.09 * sb;
        }
      return t;
    };
    for (const spatial of [[3, 2], []]) {
      const n = 5;
      const x = randomActivations(rng.split(`x${spatial.length}`), n, { spatial, channels: 3 });
      const g = randomActivations(rng.split(`g${spatial.length}`), n, { spatial, channels: 4 });
      const shape = { n, L: spatial.length === 0 ? 1 : 6, cin: 3, cout: 4 };
      const want = plain(x.data, g.data, n, shape.L, 3, 4);
      for (const route of ['position-gram', 'per-sample', 'auto'] as const) {
        for (const blockBytes of [undefined, 8 * 8 * 36 * 2, 8 * 12 * 2]) {
          const got = denseWeightNtk(ctx.backend, x.data, g.data, shape, 0.7, { route, biasScale: 0.3, blockBytes });
          expectClose(got, want, 1e-13, `${route}, L = ${shape.L}, block ${blockBytes}`);
          for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) expect(got[a * n + b]).toBe(got[b * n + a]);
        }
      }
    }
  });

  it('the network NTK (sum of layer shares) equals J Jᵀ from finite differences, layer by layer', () => {
    // Networks with positions (pooling, flatten, conv, …) are checked in network.test.ts.
    const rng = createRng(3);
    {
      const spatial: number[] = [];
      const layers = [
        spatialDense({ width: 4, W_std: 1.2, b_std: 0.3 }),
        spatialActivation({ fn: 'tanh' }),
        spatialDense({ width: 3, W_std: 1.5 }),
        spatialActivation({ fn: 'erf' }),
        spatialDense({ width: 1, W_std: 1.1, b_std: 0.2 }),
      ];
      const inShape = { spatial, channels: 3 };
      const init = initSpatialNetwork(layers, inShape, rng.split('init'));
      const params = init.params.map(copyParams);
      const x = randomActivations(rng.split('x'), 3, inShape);
      const k = spatialEmpiricalKernels(layers, params, x, ctx.backend, { perLayer: true });
      const fd = finiteDifferenceNtk(layers, params, x);
      expectClose(k.ntk!, fd.ntk, FD_TOL, 'NTK');
      layers.forEach((layer, i) => {
        if (k.perLayer![i] === null) expect(fd.perLayer[i].every((v) => v === 0)).toBe(true);
        else expectClose(k.perLayer![i]!, fd.perLayer[i], FD_TOL, `layer ${i + 1} (${layer.kind})`);
      });
    }
  });

  it('with no positions, dense + activation layers give the MLP’s outputs, CK and NTK on the same weights', () => {
    // The MLP's dense layer in NTK parametrisation computes σ(σ_w W x/√d_in + σ_b b) with W, b ~ N(0, 1): the same
    // numbers as spatial dense (W_std = σ_w, b_std = σ_b) followed by the activation, so agreement is to rounding.
    const [d0, n, sw2, sb2] = [5, 4, 1.7, 0.3];
    const net = mlp({
      inputDim: d0,
      widths: [6, 4],
      activation: tanh,
      bias: true,
      parametrization: 'ntk',
      sigmaW2: sw2,
      sigmaB2: sb2,
      outputWeights: 'gaussian',
    });
    const mlpParams = initNetwork(net, createRng(4));
    const rng = createRng(5);
    const x = randomActivations(rng, n, { spatial: [], channels: d0 });
    const X = { rows: d0, cols: n, data: new Float64Array(d0 * n) };
    for (let a = 0; a < n; a++) for (let i = 0; i < d0; i++) X.data[i * n + a] = x.data[a * d0 + i];
    const ref = empiricalKernels(net, mlpParams, X, backend);
    const refOut = networkOutput(net, mlpParams, X, backend);

    const std = { W_std: Math.sqrt(sw2), b_std: Math.sqrt(sb2) };
    const layers = [
      spatialDense({ width: 6, ...std }),
      spatialActivation({ fn: tanh }),
      spatialDense({ width: 4, ...std }),
      spatialActivation({ fn: tanh }),
      spatialDense({ width: 1, ...std }),
    ];
    const params = mlpParams.map((p) => ({ W: Float64Array.from(p.W), b: Float64Array.from(p.b) }));
    const full = [params[0], {}, params[1], {}, params[2]];
    expect(
      initSpatialNetwork(layers, { spatial: [], channels: d0 }, createRng(0)).shapes.map((s) => s.channels),
    ).toEqual([d0, 6, 6, 4, 4, 1]);
    const mine = spatialEmpiricalKernels(layers, full, x, ctx.backend);
    // Rounding: the sums are the same products in a different order (n·d ≤ 30 terms of O(1)): ≤ 1e-13 relative.
    expectClose(mine.outputs, refOut, 1e-13, 'outputs');
    expectClose(mine.ck!, ref.ck!.data, 1e-13, 'CK');
    expectClose(mine.ntk!, ref.ntk!.data, 1e-13, 'NTK');
  });

  it('rejects bad options and mismatched shapes, naming the layer', () => {
    expectSpecError(() => spatialDense({ width: 0 }), 'E_INPUT', /dense/, /width/);
    expectSpecError(() => spatialDense({ width: 2, W_std: -1 }), 'E_INPUT', /dense/, /W_std/);
    expectSpecError(() => spatialDense({ width: 2, b_std: Number.NaN }), 'E_INPUT', /dense/, /b_std/);
    expectSpecError(() => spatialActivation({ fn: 'no-such-activation' }), 'E_INPUT', /no-such-activation/);
    const layer = spatialDense({ width: 2, b_std: 0.1 });
    const { params } = layer.init({ spatial: [3], channels: 4 }, createRng(0));
    const x = randomActivations(createRng(1), 2, { spatial: [3], channels: 5 });
    expectSpecError(() => layer.apply(params, x, ctx), 'E_SHAPE', /dense/, /"W"/);
    expectSpecError(
      () => layer.apply({ W: params.W }, { ...x, channels: 4, data: new Float64Array(24) }, ctx),
      'E_SHAPE',
      /dense/,
      /"b"/,
    );
    expectSpecError(() => layer.apply(params, { ...x, data: new Float64Array(3) }, ctx), 'E_SHAPE', /dense/, /entries/);
    expectSpecError(() => layer.init({ spatial: [0], channels: 4 }, createRng(0)), 'E_SHAPE', /dense/);
    const good = randomActivations(createRng(2), 2, { spatial: [3], channels: 4 });
    const { cache } = layer.apply(params, good, ctx);
    expectSpecError(() => layer.vjp(params, cache, good, ctx), 'E_SHAPE', /dense/, /output gradient/);
    expectSpecError(
      () => initSpatialNetwork([spatialDense({ width: 3 })], { spatial: [], channels: 2 }, createRng(0)),
      'E_SHAPE',
      /dense/,
      /scalar-output/,
    );
  });
});
