import { sphereData } from '@spec/data';
import { powerSeriesCoefficients, sphereMultiplicity } from '@spec/rmt';
import {
  makeRow,
  type FigureSeries,
  type Reproduction,
  type ReproductionResult,
  type ReproductionRow,
} from './types.js';
import { tanh, gaussianConstants, compareWithEmpirical, kernelSeries } from '@spec/nets';

interface Sizes {
  /** Highest power p of the coefficient fits (kernelSeries allows 100). */
  degree: number;
  /** Sphere data: dimension d, samples n, network width, networks averaged. */
  dim: number;
  n: number;
  width: number;
  nets: number;
}

const SIZES: { quick: Sizes; full: Sizes } = {
  quick: { degree: 100, dim: 10, n: 300, width: 500, nets: 2 },
  full: { degree: 100, dim: 10, n: 600, width: 2000, nets: 4 },
};

const DEPTHS = [1, 2, 3];

/** Least-squares coefficient of u in y ≈ c + s·u + b·v (3 × 3 normal equations, Cramer's rule). */
function fitWithCorrection(u: ReadonlyArray<number>, v: ReadonlyArray<number>, y: ReadonlyArray<number>): number {
  const cols = [u.map(() => 1), u, v];
  const A = cols.map((a) => cols.map((b) => a.reduce((t, ai, i) => t + ai * b[i], 0)));
  const r = cols.map((a) => a.reduce((t, ai, i) => t + ai * y[i], 0));
  const det = (m: number[][]): number =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const A1 = A.map((row, i) => row.map((x, j) => (j === 1 ? r[i] : x)));
  return det(A1) / det(A);
}

/** The powers p in [from, to] of the given parity (the other parity vanishes for relu at depth 1 and for odd φ). */
function powers(from: number, to: number, parity: 0 | 1): number[] {
  const out: number[] = [];
  for (let p = from; p <= to; p++) if (p % 2 === parity) out.push(p);
  return out;
}

/**
 * Power-law exponent a of κ_p = C p^{−a}(1 + b/p + O(p^{−2})): fit of log κ_p on (log p, 1/p). The 1/p term
 * takes the first correction of the asymptotic expansion, so what is left is O(p^{−2}).
 */
function polyExponent(k: Float64Array, ps: number[]): number {
  return -fitWithCorrection(
    ps.map(Math.log),
    ps.map((p) => 1 / p),
    ps.map((p) => Math.log(k[p])),
  );
}

/** Geometric rate r of κ_p = C p^{−1/2} r^p (1 + b/p + O(p^{−2})): fit of log κ_p + ½ log p on (p, 1/p). */
function geometricRate(k: Float64Array, ps: number[]): number {
  return Math.exp(
    fitWithCorrection(
      ps,
      ps.map((p) => 1 / p),
      ps.map((p) => Math.log(k[p]) + 0.5 * Math.log(p)),
    ),
  );
}

/**
 * Predicted geometric rate of the erf NTK coefficients with L hidden layers (raw erf, σ_w² = 1/E erf², unit inputs:
 * every layer maps its input correlation s to f(s) = arcsin(2s/3)/arcsin(2/3),
 * apps/docs/theory/toolkit.md#gaussian-kernel-maps closed form). Σ̇^{L+1} ∝ (1 − (2Σ^L/3)²)^{−1/2} is singular where
 * Σ^L(ρ) = 3/2, i.e. at ρ* = f^{−(L−1)}(3/2), the nearest singularity of Θ, so κ_p ≍ p^{−1/2} (1/ρ*)^p (inverse square
 * root ⇒ p^{−1/2}).
 */
export function erfNtkRate(depth: number): number {
  let rho = 1.5;
  for (let l = 1; l < depth; l++) rho = 1.5 * Math.sin(rho * Math.asin(2 / 3));
  return 1 / rho;
}

/**
 * NTK power series (Murray et al., apps/docs/theory/power-series.md): (a) the coefficients κ_p of the ReLU NTK decay
 * like p^{−3/2} at every depth (the √(1 − ρ) singularity at ρ = 1 survives composition), those of the erf NTK
 * geometrically with the rate of {@link erfNtkRate}; (b) the eigenvalues of the empirical NTK of sphere data, grouped
 * by the multiplicities N(d, k) of the spherical harmonics, against the Funk–Hecke eigenvalues λ_k
 * (apps/docs/theory/power-series.md#sphere-eigenvalues) with the second-order finite-n shift.
 */
export const ntkPowerSeries: Reproduction = {
  name: 'ntk-power-series',
  title: 'NTK power-series coefficient decay by activation and depth; sphere eigenvalues vs the empirical NTK',
  paper:
    'Murray, Jin, Bowman, Montúfar, Characterizing the spectrum of the NTK via a power series expansion (ICLR 2023, arXiv 2211.07844)',
  sizes: {
    quick:
      'coefficients to p = 100 (relu), 60 (erf; depths 1–3; tanh drawn to p = 60); sphere d = 10, n = 300, width 500, 2 networks',
    full: 'coefficients to p = 100 (relu), 60 (erf; depths 1–3; tanh drawn to p = 60); sphere d = 10, n = 600, width 2000, 4 networks',
  },
  async run(ctx): Promise<ReproductionResult> {
    const s = ctx.quick ? SIZES.quick : SIZES.full;
    const rows: ReproductionRow[] = [];
    const decay: FigureSeries[] = [];
    const P = s.degree;
    const total = 2 * DEPTHS.length + 1;
    let done = 0;
    for (const act of ['relu', 'erf'] as const) {
      // relu: the even powers (odd ones ≥ 3 vanish at depth 1); erf is odd, so only odd powers are nonzero.
      const parity = act === 'relu' ? 0 : 1;
      for (const L of DEPTHS) {
        ctx.onProgress?.(`${act} L=${L} coefficients`, done++, total);
        // sphereDim 2 keeps the Funk–Hecke integrals (unused here) cheap.
        // erf's Hermite coefficients stop at degree 60 (gaussianConstants); with σ_b = 0 every series has no
        // constant term, so the composed coefficients are exact up to p = 60 and the fit stops there.
        const top = act === 'relu' ? P : Math.min(P, 60);
        const k = kernelSeries({ activation: act, depth: L, degree: top, sphereDim: 2, hermiteDegree: 60 }).ntk;
        const upper = powers(top / 2, top, parity);
        const lower = powers(top / 4, top / 2, parity);
        // The fit's bias is the O(p^−2) remainder of the asymptotic form; it shrinks 4× from [P/4, P/2] to
        // [P/2, P], so the drift between the two fits (≈ 3/4 of the lower one's bias) bounds the upper one's.
        if (act === 'relu') {
          const a = polyExponent(k, upper);
          rows.push(
            makeRow({
              case: `relu L=${L} NTK κ_p, p ∈ [${top / 2}, ${top}]`,
              metric: 'exponent a (κ_p ~ p^−a)',
              measured: a,
              predicted: 1.5,
              tolerance: Math.abs(polyExponent(k, lower) - a),
              toleranceRule: 'drift of the fit between [P/4, P/2] and [P/2, P]',
            }),
          );
        } else {
          const r = geometricRate(k, upper);
          rows.push(
            makeRow({
              case: `erf L=${L} NTK κ_p, p ∈ [${top / 2}, ${top}]`,
              metric: 'rate r (κ_p ~ p^−½ r^p)',
              measured: r,
              predicted: erfNtkRate(L),
              tolerance: Math.abs(geometricRate(k, lower) - r),
              toleranceRule: 'drift of the fit between [P/4, P/2] and [P/2, P]',
            }),
          );
        }
        const ps = powers(1, top, parity).filter((p) => k[p] > 0);
        decay.push({ label: `${act} L=${L}`, x: ps, y: ps.map((p) => k[p]), style: 'dot' });
      }
    }
    // tanh: no closed-form dual, Hermite coefficients truncated at degree 60 (gaussianConstants), drawn only.
    const tanhMu = gaussianConstants(tanh, { hermiteDegree: 60 });
    const scale = 1 / Math.sqrt(tanhMu.secondMoment);
    for (const L of DEPTHS) {
      const k = powerSeriesCoefficients({
        hermite: Float64Array.from(tanhMu.rawHermite, (v) => v * scale),
        depth: L,
        degree: 60,
      }).ntk;
      const ps = powers(1, 60, 1).filter((p) => k[p] > 1e-300);
      decay.push({ label: `tanh L=${L}`, x: ps, y: ps.map((p) => k[p]), style: 'dot' });
    }
    decay.push({ label: 'p^−3/2', x: [2, P], y: [2 ** -1.5, P ** -1.5] });

    // Sphere eigenvalues: relu, one hidden layer, d = 10.
    ctx.onProgress?.('sphere NTK', done++, total);
    const d = s.dim;
    const X = sphereData({ n: s.n, d0: d, rng: ctx.rng.split('sphere') });
    const series = kernelSeries({ activation: 'relu', depth: 1, degree: 40, sphereDim: d });
    const lam = series.sphereEigenvalues.ntk;
    const cmp = compareWithEmpirical({
      activation: 'relu',
      depth: 1,
      X,
      width: s.width,
      nets: s.nets,
      rng: ctx.rng.split('nets'),
      backend: ctx.backend,
    });
    const n = s.n;
    const emp = ctx.backend
      .eigvalsh({ rows: n, cols: n, data: Float64Array.from(cmp.empiricalMeanNtk.data, (v) => v / n) })
      .reverse();
    // ‖E‖_F of E = (Θ_emp − Θ_∞)/n: Lidskii bounds a group's eigenvalue sum change by √N‖E‖_F.
    let e2 = 0;
    for (let i = 0; i < n * n; i++) e2 += ((cmp.empiricalMeanNtk.data[i] - cmp.infinite.ntk.data[i]) / n) ** 2;
    const errF = Math.sqrt(e2);
    let start = 0;
    const groupX: number[] = [];
    const groupY: number[] = [];
    const predY: number[] = [];
    for (let k = 0; k <= 2; k++) {
      const N = sphereMultiplicity(d, k);
      let m = 0;
      for (let j = 0; j < N; j++) m += emp[start + j];
      m /= N;
      start += N;
      // Second-order perturbation of the degree-k block of K/n = Σ_j λ_j Φ_jΦ_jᵀ/n: the first order vanishes
      // (addition theorem: tr Φ_kᵀΦ_k/n = N_k exactly); coupling to degree j shifts the block's mean by
      // λ_k λ_j N_j / (n (λ_k − λ_j)) (degrees to 40, past which λ_j N_j is negligible).
      let shift = 0;
      for (let j = 0; j < lam.length; j++)
        if (j !== k && lam[j] > 0) shift += (lam[k] * lam[j] * sphereMultiplicity(d, j)) / (n * (lam[k] - lam[j]));
      const predicted = lam[k] + shift;
      rows.push(
        makeRow({
          case: `relu L=1 sphere d=${d}, n=${n}, width ${s.width}: degree k=${k} (N=${N})`,
          metric: 'mean eig of Θ/n',
          measured: m,
          predicted,
          tolerance: errF / Math.sqrt(N) + 0.5 * Math.abs(shift),
          toleranceRule: 'Lidskii ‖Θw−Θ∞‖F/(n√N) + ½|2nd-order shift|',
        }),
      );
      groupX.push(k);
      groupY.push(m);
      predY.push(predicted);
    }
    ctx.onProgress?.('done', total, total);
    const firstEigs = Array.from(emp.slice(0, 80));
    return {
      config: {
        maxPower: P,
        depths: DEPTHS,
        activations: ['relu', 'erf', 'tanh (figure only)'],
        sphereDim: d,
        n,
        width: s.width,
        nets: s.nets,
        parametrisation: 'NTK, σ_w² = 1/E φ², unit inputs',
      },
      rows,
      figures: [
        {
          kind: 'series',
          name: 'coefficient-decay',
          title: 'NTK power-series coefficients κ_p by activation and depth',
          xLabel: 'p',
          yLabel: 'κ_p',
          logX: true,
          logY: true,
          series: decay,
        },
        {
          kind: 'series',
          name: 'sphere-eigenvalues',
          title: `Eigenvalues of the empirical ReLU NTK / n on S^${d - 1} (n = ${n}) and the Funk–Hecke λ_k`,
          xLabel: 'index (degree groups of size N(d, k))',
          yLabel: 'eigenvalue',
          logY: true,
          series: [
            { label: 'empirical Θ/n (80 largest)', x: firstEigs.map((_, i) => i + 1), y: firstEigs, style: 'dot' },
            {
              label: 'λ_k + 2nd-order shift',
              x: [1, 2, 11, 12, 65],
              y: [predY[0], predY[1], predY[1], predY[2], predY[2]],
            },
          ],
        },
      ],
    };
  },
};
