import { expectSpecError } from '@spec/testing';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Activations, type Layer, type LayerParams } from '@spec/core';
import {
  architectureKernelMatrices,
  initSpatialNetwork,
  spatialActivation,
  spatialAttention,
  spatialConv,
  spatialDense,
  spatialEmpiricalKernels,
  spatialGlobalAvgPool,
  spatialLayerNorm,
  spatialResidual,
  type ArchitectureSpec,
} from '@spec/nets';
import {
  architectureKernelGd,
  architectureNtkBlocks,
  spatialLossGradient,
  spatialOutputs,
  trainSpatialNetwork,
} from '@spec/experiments';

const backend = createCpuBackend();
const ctx = { backend };

function randomInputs(n: number, spatial: number[], C: number, seed: number): Activations {
  const rng = createRng(seed);
  const L = spatial.reduce((a, b) => a * b, 1);
  const data = Float64Array.from({ length: n * L * C }, () => rng.normal() / Math.sqrt(C));
  return { data, samples: n, spatial, channels: C };
}

/** A small transformer-style block (attention, LayerNorm, residual MLP) with smooth activations: every layer kind. */
function transformer(w: number): Layer[] {
  return [
    spatialDense({ width: w, b_std: 0.3 }),
    spatialResidual({ branch: [spatialAttention({ width: w })] }),
    spatialLayerNorm(),
    spatialResidual({
      branch: [spatialDense({ width: w }), spatialActivation({ fn: 'erf' }), spatialDense({ width: w })],
    }),
    spatialGlobalAvgPool(),
    spatialDense({ width: 1 }),
  ];
}

function convNet(w: number): Layer[] {
  return [
    spatialConv({ width: w, filter: [2, 2], padding: 'SAME', W_std: 1.3, b_std: 0.2 }),
    spatialActivation({ fn: 'tanh' }),
    spatialGlobalAvgPool(),
    spatialDense({ width: 1 }),
  ];
}

function lossAt(layers: Layer[], params: LayerParams[], x: Activations, y: Float64Array): number {
  const f = spatialOutputs(layers, params, x, ctx.backend);
  return f.reduce((s, v, a) => s + (v - y[a]) ** 2, 0) / (2 * f.length);
}

function rms(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

describe('trainSpatialNetwork: gradient descent from the layers’ vjps', () => {
  for (const [name, layers, spatial, C] of [
    ['transformer block', transformer(3), [3], 2],
    ['conv net', convNet(3), [2, 2], 2],
  ] as const) {
    it(`${name}: one GD step moves every parameter by −η times the central-difference gradient of the loss`, () => {
      const x = randomInputs(4, [...spatial], C, 1);
      const y = Float64Array.from([0.5, -0.3, 0.8, 0.1]);
      const init = initSpatialNetwork(layers, { spatial, channels: C }, createRng(2));
      const lr = 0.7;
      const stepped = trainSpatialNetwork({
        layers,
        backend: ctx.backend,
        params: init.params,
        x,
        y,
        lr,
        steps: 1,
      }).params;
      // Central differences: truncation O(h² f‴) ≈ 1e-10 and rounding O(ε L/h) ≈ 1e-11 at h = 1e-5 for these O(1)
      // losses; 1e-7 leaves room and still catches a missing factor or a wrong sign.
      const h = 1e-5;
      let count = 0;
      init.params.forEach((p, i) => {
        for (const key of Object.keys(p)) {
          for (let k = 0; k < p[key].length; k++) {
            const probe = (delta: number): number => {
              const q = init.params.map((r) => ({ ...r }));
              const v = Float64Array.from(p[key]);
              v[k] += delta;
              q[i] = { ...q[i], [key]: v };
              return lossAt(layers, q, x, y);
            };
            const fd = (probe(h) - probe(-h)) / (2 * h);
            const step = (p[key][k] - stepped[i][key][k]) / lr;
            expect(Math.abs(step - fd), `layer ${i + 1} ${key}[${k}]`).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
            count++;
          }
        }
      });
      expect(count).toBeGreaterThan(20);
    });
  }

  it('does not change the caller’s parameters; batch = n is full-batch GD bit for bit', () => {
    const layers = convNet(4);
    const x = randomInputs(5, [2, 2], 2, 3);
    const y = Float64Array.from([1, -1, 0.5, 0, 0.2]);
    const init = initSpatialNetwork(layers, { spatial: [2, 2], channels: 2 }, createRng(4));
    const before = init.params.map((p) => Object.values(p).map((v) => Float64Array.from(v)));
    const gd = trainSpatialNetwork({ layers, backend: ctx.backend, params: init.params, x, y, lr: 0.5, steps: 3 });
    const sgd = trainSpatialNetwork({
      layers,
      backend: ctx.backend,
      params: init.params,
      x,
      y,
      lr: 0.5,
      steps: 3,
      batch: 5,
      rng: createRng(9),
    });
    init.params.forEach((p, i) => Object.values(p).forEach((v, j) => expect(v).toEqual(before[i][j])));
    expect(sgd.checkpoints.map((c) => Array.from(c.train))).toEqual(gd.checkpoints.map((c) => Array.from(c.train)));
  });

  it('minibatch SGD: each step is the GD step of one batch of the requested size (checked against every subset)', () => {
    const layers = convNet(3);
    const n = 4;
    const x = randomInputs(n, [2, 2], 2, 5);
    const y = Float64Array.from([0.3, -0.7, 0.9, -0.1]);
    const init = initSpatialNetwork(layers, { spatial: [2, 2], channels: 2 }, createRng(6));
    const lr = 0.4;
    const got = trainSpatialNetwork({
      layers,
      backend: ctx.backend,
      params: init.params,
      x,
      y,
      lr,
      steps: 1,
      batch: 2,
      rng: createRng(7),
    });
    const pairs = [0, 1, 2, 3].flatMap((a) => [0, 1, 2, 3].filter((b) => b > a).map((b) => [a, b]));
    const distances = pairs.map(([a, b]) => {
      const per = x.data.length / n;
      const xb = {
        ...x,
        samples: 2,
        data: Float64Array.from([
          ...x.data.subarray(a * per, (a + 1) * per),
          ...x.data.subarray(b * per, (b + 1) * per),
        ]),
      };
      const g = spatialLossGradient(layers, init.params, xb, [y[a], y[b]], ctx.backend);
      let worst = 0;
      init.params.forEach((p, i) =>
        Object.keys(p).forEach((key) =>
          p[key].forEach(
            (v, k) => (worst = Math.max(worst, Math.abs(v - lr * g.grads[i][key][k] - got.params[i][key][k]))),
          ),
        ),
      );
      return worst;
    });
    // Exactly one subset reproduces the step (to rounding); the others differ at the scale of the gradient.
    expect(distances.filter((d) => d < 1e-12)).toHaveLength(1);
    expect(distances.filter((d) => d > 1e-6)).toHaveLength(pairs.length - 1);
  });

  it('bad options: E_INPUT / E_SHAPE naming the problem', () => {
    const layers = convNet(2);
    const x = randomInputs(3, [2, 2], 2, 1);
    const init = initSpatialNetwork(layers, { spatial: [2, 2], channels: 2 }, createRng(1));
    const base = { layers, backend: ctx.backend, params: init.params, x, y: [0, 1, 0], lr: 0.1, steps: 2 };
    expectSpecError(() => trainSpatialNetwork({ ...base, lr: 0 }), 'E_INPUT');
    expectSpecError(() => trainSpatialNetwork({ ...base, steps: 1.5 }), 'E_INPUT');
    expectSpecError(() => trainSpatialNetwork({ ...base, checkpoints: [3] }), 'E_INPUT');
    expectSpecError(() => trainSpatialNetwork({ ...base, batch: 2 }), 'E_INPUT');
    expectSpecError(() => trainSpatialNetwork({ ...base, batch: 4, rng: createRng(1) }), 'E_INPUT');
    expectSpecError(() => trainSpatialNetwork({ ...base, y: [0, 1] }), 'E_SHAPE');
    expectSpecError(
      () => trainSpatialNetwork({ ...base, layers: layers.slice(0, 2), params: init.params.slice(0, 2) }),
      'E_SHAPE',
    );
    expectSpecError(() => trainSpatialNetwork({ ...base, lr: 1e6, steps: 50 }), 'E_CONVERGENCE');
  });
});

describe('kernel GD with an architecture’s infinite-width NTK', () => {
  const spec: ArchitectureSpec = [
    { layer: 'conv', filter: [2], padding: 'SAME', W_std: 1.2, b_std: 0.1 },
    { layer: 'erf' },
    { layer: 'global_avg_pool' },
    { layer: 'dense' },
  ];
  const x = randomInputs(5, [3], 2, 11);
  const xTest = randomInputs(3, [3], 2, 12);
  const y = Float64Array.from([0.4, -0.2, 0.9, -0.6, 0.1]);
  const f0 = Float64Array.from([0.1, 0.05, -0.2, 0.3, 0]);
  const f0Test = Float64Array.from([-0.1, 0.2, 0.15]);

  it('the NTK blocks are the kernels of the two sets computed separately (train block) and in reverse order (cross)', () => {
    const { theta, cross } = architectureNtkBlocks(spec, x, xTest);
    const alone = architectureKernelMatrices({ spec, data: x.data, shape: [5, 3, 2] }).ntk;
    for (let i = 0; i < 25; i++) expect(theta[i]).toBeCloseTo(alone[i], 12);
    // Test points first: Θ(X_test, X)[a, b] sits at row a, column 3 + b.
    const both = architectureKernelMatrices({
      spec,
      data: Float64Array.from([...xTest.data, ...x.data]),
      shape: [8, 3, 2],
    }).ntk;
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 5; b++) expect(cross[a * 5 + b]).toBeCloseTo(both[a * 8 + 3 + b], 12);
  });

  it('the eigenbasis closed form equals the explicit recursion f ← f − (η/n) Θ (f − y) on train and test points', () => {
    const lr = 1.3;
    const kgd = architectureKernelGd({ spec, x, y, xTest, f0, f0Test, lr, backend });
    const n = 5;
    const f = Float64Array.from(f0);
    const ft = Float64Array.from(f0Test);
    for (let t = 1; t <= 25; t++) {
      const r = f.map((v, i) => v - y[i]);
      for (let a = 0; a < 3; a++) for (let b = 0; b < n; b++) ft[a] -= (lr / n) * kgd.cross[a * n + b] * r[b];
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) f[a] -= (lr / n) * kgd.theta[a * n + b] * r[b];
      if (t % 5 === 0) {
        const p = kgd.predict(t);
        for (let a = 0; a < n; a++) expect(p.train[a]).toBeCloseTo(f[a], 12);
        for (let a = 0; a < 3; a++) expect(p.test[a]).toBeCloseTo(ft[a], 12);
      }
    }
    expect(kgd.predict(0).test).toEqual(f0Test);
  });

  it('one small GD step of a tiny network is kernel GD with its own empirical NTK up to O(η²)', () => {
    const layers = transformer(3);
    const xs = randomInputs(4, [3], 2, 21);
    const xt = randomInputs(3, [3], 2, 22);
    const ys = Float64Array.from([0.7, -0.4, 0.2, -0.9]);
    const init = initSpatialNetwork(layers, { spatial: [3], channels: 2 }, createRng(23));
    const all = { ...xs, samples: 7, data: Float64Array.from([...xs.data, ...xt.data]) };
    const k = spatialEmpiricalKernels(layers, init.params, all, ctx.backend, { kernel: 'ntk' });
    const ntk = k.ntk!;
    const blocks = {
      theta: Float64Array.from({ length: 16 }, (_, i) => ntk[Math.floor(i / 4) * 7 + (i % 4)]),
      cross: Float64Array.from({ length: 12 }, (_, i) => ntk[(4 + Math.floor(i / 4)) * 7 + (i % 4)]),
    };
    const distance = (lr: number): number => {
      const run = trainSpatialNetwork({
        layers,
        backend: ctx.backend,
        params: init.params,
        x: xs,
        y: ys,
        xTest: xt,
        lr,
        steps: 1,
      });
      const [c0, c1] = run.checkpoints;
      const kgd = architectureKernelGd({
        spec,
        blocks,
        x: xs,
        y: ys,
        xTest: xt,
        f0: c0.train,
        f0Test: c0.test!,
        lr,
        backend,
      });
      const p = kgd.predict(1);
      return rms([...c1.train, ...c1.test!], [...p.train, ...p.test]);
    };
    // f(θ − η∇L) = f − η J∇L + O(η²) and η J∇L = (η/n) Θ (f − y): the first-order terms cancel, so halving η
    // divides the distance by 4 (1 + O(η)); the step itself is O(η), so a first-order mismatch would give ratio 2.
    const [d1, d2, d3] = [0.02, 0.01, 0.005].map(distance);
    expect(d1 / d2).toBeGreaterThan(3.6);
    expect(d1 / d2).toBeLessThan(4.4);
    expect(d2 / d3).toBeGreaterThan(3.8);
    expect(d2 / d3).toBeLessThan(4.2);
    expect(d1).toBeGreaterThan(0);
  });

  it('bad input: mismatched shapes and lengths are E_SHAPE, a bad lr E_INPUT', () => {
    expectSpecError(() => architectureNtkBlocks(spec, x, randomInputs(2, [4], 2, 1)), 'E_SHAPE');
    expectSpecError(() => architectureKernelGd({ spec, x, y: [1, 2], xTest, f0, f0Test, lr: 1, backend }), 'E_SHAPE');
    expectSpecError(() => architectureKernelGd({ spec, x, y, xTest, f0, f0Test, lr: -1, backend }), 'E_INPUT');
  });
});
