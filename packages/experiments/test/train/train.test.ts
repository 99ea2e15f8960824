import { expectSpecError } from '@spec/testing';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Matrix } from '@spec/core';
import { singleIndexTeacher } from '@spec/data';
import {
  erf,
  initNetwork,
  kernelGdModel,
  kernelGdPredict,
  lossGradient,
  mlp,
  normalizeActivation,
  tanh,
} from '@spec/nets';
import { logCheckpoints, train, type TrainCheckpoint } from '@spec/experiments';

const backend = createCpuBackend();

/**
 * Single-index teacher tanh(√d βᵀx) + 0.1ε (apps/docs/theory/spectral-evolution.md#illustrative-run, scaled down),
 * split into train/test columns.
 */
function setup(n: number, d: number, widths: number[], seed = 0, act = normalizeActivation(tanh), testN = 0) {
  const rng = createRng(seed);
  const data = singleIndexTeacher({ n: n + testN, d0: d, link: Math.tanh, noise: 0.1, rng: rng.split('data') });
  const cols = (from: number, m: number): Matrix => {
    const out = new Float64Array(d * m);
    for (let p = 0; p < d; p++) for (let j = 0; j < m; j++) out[p * m + j] = data.X.data[p * (n + testN) + from + j];
    return { rows: d, cols: m, data: out };
  };
  const net = mlp({ inputDim: d, widths, activation: act });
  return {
    net,
    params: initNetwork(net, rng.split('net')),
    X: cols(0, n),
    Xt: cols(n, testN),
    y: data.y.slice(0, n),
    yt: data.y.slice(n),
    beta: data.beta,
    rng,
  };
}

function run(opts: Omit<Parameters<typeof train>[0], 'backend'>): TrainCheckpoint[] {
  const out: TrainCheckpoint[] = [];
  train({ ...opts, backend, onCheckpoint: (r) => out.push(r) });
  return out;
}

describe('logCheckpoints', () => {
  it('log-spaces K checkpoints and always includes 0 and T', () => {
    expect(logCheckpoints(100, 6)).toEqual([0, 1, 3, 10, 32, 100]);
    expect(logCheckpoints(1, 6)).toEqual([0, 1]);
    expect(logCheckpoints(0, 3)).toEqual([0]);
    expect(() => logCheckpoints(10, 1)).toThrow(/≥ 2/);
  });
});

describe('lossGradient', () => {
  it('matches central finite differences of ℒ = (1/2n)Σ(f − y)² (two hidden layers, all parameters)', () => {
    const s = setup(7, 5, [6, 4], 1);
    const { grads } = lossGradient(s.net, s.params, s.X, s.y, backend);
    const h = 1e-6;
    for (const [layer, key] of [
      [0, 'W'],
      [1, 'W'],
      [2, 'W'],
    ] as const) {
      const M = s.params[layer][key];
      for (const idx of [0, 3, M.length - 1]) {
        const orig = M[idx];
        M[idx] = orig + h;
        const lp = lossGradient(s.net, s.params, s.X, s.y, backend).loss;
        M[idx] = orig - h;
        const lm = lossGradient(s.net, s.params, s.X, s.y, backend).loss;
        M[idx] = orig;
        // Central differences: O(h²) truncation ≈ 1e-12 and O(ε/h) round-off ≈ 1e-10 on an O(1) loss.
        expect(Math.abs(grads[layer][key][idx] - (lp - lm) / (2 * h))).toBeLessThan(1e-8);
      }
    }
  });
});

describe('kernel gradient descent (apps/docs/theory/infinite-width.md#kernel-gradient-descent)', () => {
  it('closed form equals the explicit iteration f ← f − η′Θ(f − y), on train and extra points', () => {
    const rng = createRng(5);
    const n = 12;
    const m = 4;
    const A = backend.randn(n + m, n + m, rng);
    const full = backend.gram(A); // PSD Gram of 16 points; Θ = train block, Θ_x = extra × train block
    const theta: Matrix = { rows: n, cols: n, data: new Float64Array(n * n) };
    const cross: Matrix = { rows: m, cols: n, data: new Float64Array(m * n) };
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) theta.data[i * n + j] = full.data[i * (n + m) + j];
    for (let a = 0; a < m; a++) for (let j = 0; j < n; j++) cross.data[a * n + j] = full.data[(n + a) * (n + m) + j];
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const f0 = Float64Array.from({ length: n }, () => rng.normal());
    const f0x = Float64Array.from({ length: m }, () => rng.normal());
    const lmax = backend.eigvalsh(theta)[n - 1];
    const rate = 1.5 / lmax;
    const model = kernelGdModel({ theta, cross, y, f0, f0Cross: f0x, rate, backend });
    const f = Float64Array.from(f0);
    const fx = Float64Array.from(f0x);
    for (let t = 1; t <= 40; t++) {
      const r = f.map((v, i) => v - y[i]);
      const tr = backend.matvec(theta, r);
      const cr = backend.matvec(cross, r);
      for (let i = 0; i < n; i++) f[i] -= rate * tr[i];
      for (let a = 0; a < m; a++) fx[a] -= rate * cr[a];
      if (t % 13 === 0 || t === 40) {
        const p = kernelGdPredict(model, t, backend);
        // Exact algebra in different orders: round-off ~ t·n·ε·‖Θ‖‖f‖ ≪ 1e-9.
        for (let i = 0; i < n; i++) expect(Math.abs(p.train[i] - f[i])).toBeLessThan(1e-9);
        for (let a = 0; a < m; a++) expect(Math.abs(p.cross![a] - fx[a])).toBeLessThan(1e-9);
      }
    }
    expect(() => kernelGdPredict(kernelGdModel({ theta, y, f0, rate: 2.5 / lmax, backend }), 3, backend)).toThrow(
      /diverges/,
    );
  });
});

describe('train', () => {
  it('is deterministic under the seed (sgd, adam) and changes with it', () => {
    const s = setup(40, 10, [12], 2);
    const go = (opt: 'sgd' | 'adam', seed: number) =>
      train({
        net: s.net,
        params: s.params,
        X: s.X,
        y: s.y,
        optimizer: opt,
        lr: 0.05,
        steps: 20,
        batch: 8,
        backend,
        rng: createRng(seed),
        monitors: false,
      }).params[0].W;
    for (const opt of ['sgd', 'adam'] as const) {
      expect(Array.from(go(opt, 3))).toEqual(Array.from(go(opt, 3)));
      expect(Array.from(go(opt, 3))).not.toEqual(Array.from(go(opt, 4)));
    }
    // The caller's parameters are not modified.
    expect(s.params[0].W).toEqual(initNetwork(s.net, createRng(2).split('net'))[0].W);
  });

  it('rejects bad input and reports divergence as E_INPUT suggesting a smaller --lr', () => {
    const s = setup(20, 6, [8], 3);
    const base = { net: s.net, params: s.params, X: s.X, y: s.y, backend, rng: s.rng, monitors: false as const };
    expect(() => train({ ...base, optimizer: 'gd', lr: -1, steps: 3 })).toThrow(/learning rate/);
    expect(() => train({ ...base, optimizer: 'gd', lr: 1, steps: 3, batch: 5 })).toThrow(/full-batch/);
    expect(() => train({ ...base, y: s.y.slice(1), optimizer: 'gd', lr: 1, steps: 3 })).toThrow(/targets/);
    // A trained readout makes ℒ quadratic in v, so GD with η ≫ 2/λ_max grows geometrically until it overflows.
    expectSpecError(
      () => train({ ...base, optimizer: 'gd', lr: 1e6, steps: 300, trainReadout: true }),
      'E_INPUT',
      /training diverged at step \d+/,
      /smaller --lr/,
    );
    // A frozen readout keeps the loss bounded (|f| ≤ ‖v‖·√width for tanh), so the weights' growth is what gives it
    // away: at lr 1e6 one SGD step moves W by ≈ 1e6·‖∇ℒ‖, far beyond 100× ‖W_0‖.
    expectSpecError(
      () => train({ ...base, optimizer: 'sgd', lr: 1e6, steps: 20, batch: 5 }),
      'E_INPUT',
      /weights grew to [\d.e+]+× their initial norm/,
    );
    // With kernel GD the step-0 NTK is known, so the message quotes the stability bound 2n/λ_max(NTK).
    const withNtk = { ...base, monitors: { kernels: 'ntk' as const, kernelGd: { infinite: false } } };
    expectSpecError(
      () => train({ ...withNtk, optimizer: 'gd', lr: 1e6, steps: 20 }),
      'E_INPUT',
      /stable only for lr < /,
    );
  });

  // n = 300, d = 200, h = 240: the ratios of apps/docs/theory/spectral-evolution.md#illustrative-run (n/d = 1.5, h/d =
  // 1.2) at a fifth of the size.
  const big = setup(300, 200, [240], 0);

  it('small-lr GD keeps the weight bulk: KS(ESD_t, ESD_0) < 0.01 after 100 steps, no outlier', () => {
    const recs = run({
      net: big.net,
      params: big.params,
      X: big.X,
      y: big.y,
      optimizer: 'gd',
      lr: 1,
      steps: 100,
      checkpoints: 3,
      rng: big.rng,
      monitors: { beta: big.beta, kernels: 'none', kernelGd: false },
    });
    const last = recs[recs.length - 1];
    expect(last.loss).toBeLessThan(recs[0].loss);
    // apps/docs/theory/spectral-evolution.md#bulk-invariance: ‖ΔW‖_F ≤ √(2ηtℒ_0) ≈ 12 vs ‖W_0‖_F ≈ √(hd) ≈ 219, so
    // singular values move by ≪ the bulk's gaps; KS between two 200-point samples is a multiple of 1/200, and < 0.01
    // allows a rank shift of at most one.
    expect(last.weights[0].ksToInit).toBeLessThan(0.01);
    expect(last.weights[0].relChange).toBeLessThan(Math.sqrt(2 * 100 * recs[0].loss) / Math.sqrt(240 * 200));
    expect(last.weights[0].outliers).toHaveLength(0);
  });

  it('one large GD step (η = 0.5·d·√h) creates an outlier aligned with β while the bulk stays', () => {
    const recs = run({
      net: big.net,
      params: big.params,
      X: big.X,
      y: big.y,
      optimizer: 'gd',
      lr: 0.5 * 200 * Math.sqrt(240),
      steps: 1,
      checkpoints: [0, 1],
      rng: big.rng,
      monitors: { beta: big.beta, kernels: 'none', kernelGd: false },
    });
    const [w0, w1] = [recs[0].weights[0], recs[1].weights[0]];
    // At init: no outlier and v₁ is a random direction, |⟨v₁, β⟩| ~ 1/√d ≈ 0.07.
    expect(w0.outliers).toHaveLength(0);
    expect(w0.teacherAlignment!).toBeLessThan(0.2);
    // apps/docs/theory/spectral-evolution.md#bulk-invariance (step 4): the step adds ≈ η b ‖g‖ u ĝᵀ with g = X r/n; θ =
    // η b‖g‖/√h ≈ 0.5 d b‖g‖ ≈ 8 ≫ the BBP threshold (d/h)^{1/4} ≈ 0.95, so an outlier ≫ the edge 3.66 appears; ĝ's
    // overlap with β is c₁/√(c₁² + b² + d E r²/n) ≈ 0.6/1.4 ≈ 0.43 (c₁ = E z tanh z), and BBP's v-overlap ≈ 1 at this
    // θ.
    expect(w1.outliers.length).toBeGreaterThanOrEqual(1);
    expect(w1.outliers[0]).toBeGreaterThan(5 * w1.mpEdge);
    expect(w1.teacherAlignment!).toBeGreaterThan(0.3);
    // Bulk kept: a rank-one perturbation moves the ESD by interlacing only (KS ≤ 1/200 per rank) plus the
    // spread of the non-rank-one part of the step; a destroyed bulk (η four times larger) gives KS ≈ 0.2.
    expect(w1.ksToInit).toBeLessThan(0.1);
  });

  it('Adam grows a heavier weight tail (smaller α) than GD with the same steps', () => {
    const common = {
      net: big.net,
      params: big.params,
      X: big.X,
      y: big.y,
      steps: 100,
      checkpoints: [0, 100],
      rng: big.rng,
      monitors: { kernels: 'none' as const, kernelGd: false },
    };
    const gd = run({ ...common, optimizer: 'gd', lr: 1 });
    const ad = run({ ...common, optimizer: 'adam', lr: 0.3 });
    const [g, a] = [gd[1].weights[0], ad[1].weights[0]];
    // α differences are judged against the fits' standard errors (α − 1)/√k, k ≥ 50 tail eigenvalues: 2σ.
    const se = Math.hypot(g.alphaStdErr!, a.alphaStdErr!);
    expect(a.alpha!).toBeLessThan(g.alpha! - 2 * se);
    expect(a.alpha!).toBeLessThan(ad[0].weights[0].alpha!);
  });

  it('kernel-GD predictions approach the trained network as the width grows (erf, closed-form dual)', () => {
    const rmse = (h: number) => {
      const s = setup(60, 30, [h], 4, normalizeActivation(erf), 20);
      const recs = run({
        net: s.net,
        params: s.params,
        X: s.X,
        y: s.y,
        Xtest: s.Xt,
        ytest: s.yt,
        optimizer: 'gd',
        lr: 1,
        steps: 200,
        checkpoints: [0, 200],
        rng: s.rng,
        monitors: {},
      });
      expect(recs[0].kernelGd!.rmseEmp).toBeLessThan(1e-12); // t = 0: both predictions are f_0 exactly
      return recs[1].kernelGd!;
    };
    const narrow = rmse(60);
    const wide = rmse(2000);
    // The NTK's fluctuation and its change during training both shrink like h^{-1/2} (≈ 5.8× here); ask for 2×.
    expect(wide.rmseInf!).toBeLessThan(narrow.rmseInf! / 2);
    expect(wide.testRmseInf!).toBeLessThan(narrow.testRmseInf! / 2);
    expect(wide.rmseEmp).toBeLessThan(narrow.rmseEmp / 2);
  });
});
