import { columnRange } from '@spec/core';
import { singleIndexTeacher } from '@spec/data';
import { train, type TrainCheckpoint } from '../train/train.js';
import { normalizedBuiltin } from './activations.js';
import { makeRow, type Reproduction, type ReproductionResult, type ReproductionRow } from './types.js';
import { initNetwork, mlp } from '@spec/nets';

interface Sizes {
  n: number;
  testN: number;
  d: number;
  widths: number[];
  seeds: number;
  steps: number;
}

const SIZES: { quick: Sizes; full: Sizes } = {
  quick: { n: 60, testN: 20, d: 30, widths: [32, 128, 512], seeds: 3, steps: 200 },
  full: { n: 100, testN: 50, d: 50, widths: [64, 256, 1024, 4096], seeds: 4, steps: 300 },
};

/** Mean and standard error of the mean. */
function meanSe(v: number[]): { mean: number; se: number } {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1);
  return { mean: m, se: Math.sqrt(s2 / v.length) };
}

/** OLS slope of y on x and its standard error propagated from per-point standard errors. */
function slopeWithSe(x: number[], y: number[], se: number[]): { slope: number; se: number } {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const sxx = x.reduce((a, b) => a + (b - mx) ** 2, 0);
  const slope = x.reduce((a, xi, i) => a + (xi - mx) * y[i], 0) / sxx;
  return { slope, se: Math.sqrt(x.reduce((a, xi, i) => a + (xi - mx) ** 2 * se[i] ** 2, 0)) / sxx };
}

/**
 * Network training vs kernel gradient descent (Yang & Littwin TP IIb,
 * apps/docs/theory/infinite-width.md#kernel-gradient-descent): a one-hidden-layer erf network (NTK parametrisation,
 * closed-form dual, frozen readout) trained by full-batch GD on a single-index teacher; at the last step its outputs
 * are compared with kernel GD under the infinite-width NTK (train and test RMS difference) and under its own step-0
 * NTK. Both differences come from the NTK's O(h^{−1/2}) fluctuation at initialisation and its O(h^{−1/2}) change during
 * training, so log rmse vs log width has slope −1/2. Against its own step-0 NTK (the linearised network) only the
 * change during training is left, and its effect on the outputs is second order, O(1/h) (Dyer & Gur-Ari 2020; not
 * derived on the theory pages): slope −1.
 */
export const kernelGd: Reproduction = {
  name: 'kernel-gd',
  title: 'Network training vs kernel gradient descent: error vs width',
  paper:
    'Yang & Littwin, Tensor Programs IIb: architectural universality of neural tangent kernel training dynamics (ICML 2021, arXiv 2105.03703)',
  sizes: {
    quick: 'n = 60 (+20 test), d = 30, erf, widths 32, 128, 512, 3 seeds, 200 GD steps',
    full: 'n = 100 (+50 test), d = 50, erf, widths 64, 256, 1024, 4096, 4 seeds, 300 GD steps',
  },
  async run(ctx): Promise<ReproductionResult> {
    const s = ctx.quick ? SIZES.quick : SIZES.full;
    const activation = normalizedBuiltin('erf');
    const metrics = ['rmseInf', 'testRmseInf', 'rmseEmp'] as const;
    const labels = {
      rmseInf: 'train, infinite-width NTK',
      testRmseInf: 'test, infinite-width NTK',
      rmseEmp: 'train, step-0 empirical NTK',
    };
    const per: Record<(typeof metrics)[number], number[][]> = { rmseInf: [], testRmseInf: [], rmseEmp: [] };
    const total = s.widths.length * s.seeds;
    let done = 0;
    for (const h of s.widths) {
      const vals: Record<(typeof metrics)[number], number[]> = { rmseInf: [], testRmseInf: [], rmseEmp: [] };
      for (let seed = 0; seed < s.seeds; seed++) {
        ctx.onProgress?.(`width ${h} seed ${seed}`, done++, total);
        const rng = ctx.rng.split(`seed${seed}`);
        const data = singleIndexTeacher({
          n: s.n + s.testN,
          d0: s.d,
          link: Math.tanh,
          noise: 0.1,
          rng: rng.split('data'),
        });
        const net = mlp({ inputDim: s.d, widths: [h], activation });
        let last: TrainCheckpoint | undefined;
        train({
          net,
          params: initNetwork(net, rng.split(`net${h}`)),
          X: columnRange(data.X, 0, s.n),
          y: data.y.slice(0, s.n),
          Xtest: columnRange(data.X, s.n, s.testN),
          ytest: data.y.slice(s.n),
          optimizer: 'gd',
          lr: 1,
          steps: s.steps,
          checkpoints: [0, s.steps],
          backend: ctx.backend,
          rng: rng.split('train'),
          monitors: { kernels: 'none' },
          onCheckpoint: (r) => (last = r),
        });
        const kg = last!.kernelGd!;
        vals.rmseInf.push(kg.rmseInf!);
        vals.testRmseInf.push(kg.testRmseInf!);
        vals.rmseEmp.push(kg.rmseEmp);
      }
      for (const m of metrics) per[m].push(vals[m]);
    }
    const rows: ReproductionRow[] = [];
    const logW = s.widths.map(Math.log);
    const series = [];
    for (const m of metrics) {
      // Each width's mean log rmse and its standard error over seeds; the slope's standard error follows by
      // propagation through the least-squares weights; accept 3 standard errors.
      const stats = per[m].map((v) => meanSe(v.map(Math.log)));
      const fit = slopeWithSe(
        logW,
        stats.map((x) => x.mean),
        stats.map((x) => x.se),
      );
      rows.push(
        makeRow({
          case: `erf, widths ${s.widths.join(', ')}: ${labels[m]}`,
          metric: 'slope of log rmse vs log width',
          measured: fit.slope,
          predicted: m === 'rmseEmp' ? -1 : -0.5,
          tolerance: 3 * fit.se,
          toleranceRule: '3 se of the slope (seed spread)',
        }),
      );
      series.push({ label: labels[m], x: s.widths, y: stats.map((x) => Math.exp(x.mean)), style: 'dot' as const });
      const power = m === 'rmseEmp' ? 1 : 0.5;
      const c = Math.exp(stats[0].mean) * s.widths[0] ** power;
      series.push({
        label: `${labels[m]}: ∝ width^−${power === 1 ? '1' : '1/2'}`,
        x: s.widths,
        y: s.widths.map((w) => c / w ** power),
      });
    }
    ctx.onProgress?.('done', total, total);
    return {
      config: {
        n: s.n,
        testN: s.testN,
        d: s.d,
        widths: s.widths,
        seeds: s.seeds,
        steps: s.steps,
        lr: 1,
        activation: 'erf (normalised)',
        teacher: 'tanh(√d βᵀx) + 0.1ε',
      },
      rows,
      figures: [
        {
          kind: 'series',
          name: 'kernel-gd-error-vs-width',
          title: 'RMS difference between the trained network and kernel GD vs width',
          xLabel: 'width',
          yLabel: 'rmse',
          logX: true,
          logY: true,
          series,
        },
      ],
    };
  },
};
