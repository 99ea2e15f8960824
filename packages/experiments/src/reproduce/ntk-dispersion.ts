import { dispersionEstimate, dispersionLimit, ntkMeans, scalarNtkSamples, type Phase } from '@spec/rmt';
import { ntkChangeDuringTraining } from './ntk-training-change.js';
import {
  makeRow,
  type FigureSeries,
  type Reproduction,
  type ReproductionResult,
  type ReproductionRow,
} from './types.js';

interface Sizes {
  width: number;
  /** Depths per phase: the chaotic limit D_ww neglects the bias share χ/((χ−1)L r0), so it starts deeper. */
  depths: Record<Phase, number[]>;
  samples: number;
  /**
   * NTK change during training (apps/docs/theory/dispersion.md#training-and-phases): width = n0, depth, samples n, Adam
   * steps, seeds per phase.
   */
  training: { width: number; depth: number; n: number; steps: number; seeds: number };
}

const SIZES: { quick: Sizes; full: Sizes } = {
  quick: {
    width: 100,
    depths: { ordered: [5, 10, 25, 50], 'edge-of-chaos': [5, 10, 25], chaotic: [25, 50] },
    samples: 20000,
    training: { width: 50, depth: 10, n: 40, steps: 50, seeds: 3 },
  },
  full: {
    width: 400,
    depths: { ordered: [20, 40, 100, 200], 'edge-of-chaos': [20, 40, 100, 200], chaotic: [100, 200] },
    samples: 100000,
    training: { width: 100, depth: 20, n: 100, steps: 100, seeds: 4 },
  },
};

/** One σ_w² per phase (χ = σ_w²/2 below, at and above 1; apps/docs/theory/dispersion.md#setting). */
const PHASES: ReadonlyArray<{ phase: Phase; sigmaW2: number }> = [
  { phase: 'ordered', sigmaW2: 1.5 },
  { phase: 'edge-of-chaos', sigmaW2: 2 },
  { phase: 'chaotic', sigmaW2: 3 },
];

/**
 * Tolerance of a Monte Carlo dispersion D̂ against the M → ∞ limit: 4 delta-method standard errors (MC error) plus the
 * finite-width bias, O(λ D/M) at fixed λ (the exact pair moments of apps/docs/theory/dispersion.md#depth-width-limits
 * carry 1/M corrections per layer): we allow (1 + 5λ)·D/M (the apps/docs/theory/reference-values.md#how-checked check,
 * λ = 0.25, M = 400, is off by 0.6%, this allows 0.56% + 4 se). In the chaotic phase the limit drops the bias part,
 * whose share s = EΘ_b/EΘ_w is exact at finite depth (apps/docs/theory/dispersion.md#exact-finite-width means); a
 * mixture moves D by at most ≈ 2s·D, which is added.
 */
function tolerance(stderr: number, predicted: number, lambda: number, width: number, biasShare: number): number {
  return 4 * stderr + ((1 + 5 * lambda) * predicted) / width + 2 * biasShare * predicted;
}

/**
 * NTK dispersion D = E[Θ²]/E[Θ]² of deep ReLU MLPs vs depth in the three phases (Seleznova & Kutyniok,
 * apps/docs/theory/dispersion.md): exact scalar Monte Carlo of the diagonal NTK at finite width
 * (apps/docs/theory/dispersion.md#exact-finite-width) against the joint depth-and-width limits of
 * apps/docs/theory/dispersion.md#depth-width-limits with n0 = M (r0 = 1, as in the authors' code).
 */
export const ntkDispersion: Reproduction = {
  name: 'ntk-dispersion',
  title: 'NTK dispersion vs depth/width in the ordered, edge-of-chaos and chaotic phases',
  paper:
    'Seleznova & Kutyniok, Neural tangent kernel beyond the infinite-width limit: effects of depth and initialization (ICML 2022, arXiv 2202.00553)',
  sizes: {
    quick:
      'width M = n0 = 100, depths 5, 10, 25, 50, 4000 networks per point; training: M = n0 = 50, L = 10, n = 40, 50 Adam steps, 3 seeds',
    full: 'width M = n0 = 400, depths 20–400 (λ = L/M up to 1), 40000 networks per point; training: M = n0 = 100, L = 20, n = 100, 100 Adam steps, 4 seeds',
  },
  async run(ctx): Promise<ReproductionResult> {
    const s = ctx.quick ? SIZES.quick : SIZES.full;
    const rows: ReproductionRow[] = [];
    const series: FigureSeries[] = [];
    const total = PHASES.reduce((t, p) => t + s.depths[p.phase].length, 0);
    let done = 0;
    for (const { phase, sigmaW2 } of PHASES) {
      const lambdas: number[] = [];
      const measured: number[] = [];
      for (const L of s.depths[phase]) {
        ctx.onProgress?.(`${phase} L=${L}`, done, total);
        const lambda = L / s.width;
        // One stream per depth, shared by the phases: the draws do not depend on σ_w² (homogeneity,
        // apps/docs/theory/dispersion.md#exact-finite-width).
        const draws = scalarNtkSamples({
          width: s.width,
          inputDim: s.width,
          depth: L,
          sigmaW2,
          samples: s.samples,
          rng: ctx.rng.split(`L${L}`),
        });
        const est = dispersionEstimate(draws.total);
        const means = ntkMeans({ width: s.width, inputDim: s.width, depth: L, sigmaW2 });
        const biasShare = phase === 'chaotic' ? means.biases / means.weights : 0;
        const lim = dispersionLimit({
          lambda,
          phase,
          sigmaW2,
          r0: 1,
          ...(phase === 'ordered' ? { width: s.width } : {}),
        });
        rows.push(
          makeRow({
            case: `${phase} σw²=${sigmaW2} L=${L} (λ=${lambda.toFixed(3)})`,
            metric: 'D',
            measured: est.dispersion,
            predicted: lim.dispersion,
            tolerance: tolerance(est.stderr, lim.dispersion, lambda, s.width, biasShare),
            toleranceRule: phase === 'chaotic' ? '4 se + (1+5λ)D/M + 2·(EΘb/EΘw)·D' : '4 se + (1+5λ)D/M',
          }),
        );
        lambdas.push(lambda);
        measured.push(est.dispersion);
        done++;
      }
      series.push({ label: `${phase} (σw² = ${sigmaW2}), Monte Carlo`, x: lambdas, y: measured, style: 'dot' });
      const top = Math.max(...Object.values(s.depths).flat()) / s.width;
      const grid = Array.from({ length: 60 }, (_, i) => ((i + 1) / 60) * top);
      series.push({
        label: `${phase}, limit`,
        x: grid,
        y: grid.map(
          (l) =>
            dispersionLimit({ lambda: l, phase, sigmaW2, r0: 1, ...(phase === 'ordered' ? { width: s.width } : {}) })
              .dispersion,
        ),
      });
    }
    // NTK change during a short training run, per phase (apps/docs/theory/dispersion.md#training-and-phases: lazy only
    // in the ordered phase).
    const t = s.training;
    const changes: Array<{ phase: Phase; mean: number; se: number }> = [];
    for (const { phase, sigmaW2 } of PHASES) {
      ctx.onProgress?.(`training ${phase}`, done, total);
      const v: number[] = [];
      for (let seed = 0; seed < t.seeds; seed++) {
        v.push(
          ntkChangeDuringTraining({
            width: t.width,
            depth: t.depth,
            sigmaW2,
            n: t.n,
            steps: t.steps,
            lr: 1e-4,
            backend: ctx.backend,
            rng: ctx.rng.split(`train-${seed}`),
          }).relChange,
        );
      }
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      const se = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1) / v.length);
      changes.push({ phase, mean, se });
    }
    const sorted = [...changes].sort((a, b) => a.mean - b.mean);
    const tcase = `M=n0=${t.width}, L=${t.depth}, n=${t.n}, ${t.steps} Adam steps (lr 1e-4), ${t.seeds} seeds`;
    for (const c of changes) {
      // The rule is an ordering (apps/docs/theory/dispersion.md#training-and-phases gives no number): the ordered
      // phase's mean ‖Θt − Θ0‖F/‖Θ0‖F should rank 1 (smallest) of the three; each phase's row carries its rank,
      // predicted 1 for ordered and ≥ 2 otherwise (written as predicted = the measured rank when it is 2 or 3, else 2).
      const rank = sorted.indexOf(c) + 1;
      const predicted = c.phase === 'ordered' ? 1 : Math.max(2, rank);
      rows.push(
        makeRow({
          case: `${c.phase}: ${tcase}; ‖ΔΘ‖F/‖Θ0‖F = ${c.mean.toFixed(3)} ± ${c.se.toFixed(3)}`,
          metric: 'rank of the NTK change (1 = smallest)',
          measured: rank,
          predicted,
          tolerance: 0,
          toleranceRule: 'ordering: ordered phase smallest (apps/docs/theory/dispersion.md#training-and-phases)',
        }),
      );
    }
    ctx.onProgress?.('done', total, total);
    return {
      config: {
        width: s.width,
        inputDim: s.width,
        depthsOrdered: s.depths.ordered,
        depthsEdgeOfChaos: s.depths['edge-of-chaos'],
        depthsChaotic: s.depths.chaotic,
        samples: s.samples,
        sigmaW2: PHASES.map((p) => p.sigmaW2),
        r0: 1,
        trainingWidth: t.width,
        trainingDepth: t.depth,
        trainingSamples: t.n,
        trainingSteps: t.steps,
        trainingSeeds: t.seeds,
      },
      rows,
      figures: [
        {
          kind: 'series',
          name: 'dispersion-vs-depth',
          title: `NTK dispersion D = E[Θ²]/E[Θ]² vs λ = L/M (M = n0 = ${s.width})`,
          xLabel: 'λ = depth / width',
          yLabel: 'D',
          logY: true,
          series,
        },
        {
          kind: 'series',
          name: 'ntk-change-by-phase',
          title: `Relative NTK change after training (${tcase})`,
          xLabel: 'σw²',
          yLabel: '‖Θt − Θ0‖F / ‖Θ0‖F',
          series: [
            { label: 'mean over seeds', x: PHASES.map((p) => p.sigmaW2), y: changes.map((c) => c.mean), style: 'dot' },
          ],
        },
      ],
    };
  },
};
