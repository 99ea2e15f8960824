import { loadDataset, parseDataSpec } from '@spec/data';
import { spectrumJob } from '../spectrum/spectrum-job.js';
import { normalizedBuiltin } from './activations.js';
import {
  makeRow,
  type Reproduction,
  type ReproductionFigure,
  type ReproductionResult,
  type ReproductionRow,
} from './types.js';

interface Sizes {
  n: number;
  /** Hidden width as a multiple of n (apps/docs/theory/fan-wang.md#real-data: d_ℓ = (4/3)n). */
  widthRatio: number;
  depths: number[];
}

const SIZES: { quick: Sizes; full: Sizes } = {
  quick: { n: 300, widthRatio: 4 / 3, depths: [1, 2] },
  full: { n: 1797, widthRatio: 4 / 3, depths: [1, 2] },
};

/**
 * KS tolerance c/√n as for synthetic data (fan-wang-synthetic: c = 0.5 CK, 2 NTK, from
 * apps/docs/theory/fan-wang.md#simulation-notes, apps/docs/theory/reference-values.md#how-checked).
 */
const KS_CONSTANT = { ck: 0.5, ntk: 2 } as const;

function countAbove(e: Float64Array, x: number): number {
  let c = 0;
  for (const v of e) if (v > x) c++;
  return c;
}

/**
 * CK and NTK spectra on real images (Fan & Wang, apps/docs/theory/fan-wang.md#real-data): each image centred and scaled
 * to unit norm, the data's own XᵀX spectrum as μ₀ in the fixed point. The leading principal components of real images
 * are spikes of XᵀX; they are atoms of μ₀, so the limit law itself carries small components for them, and the network
 * propagates them as outliers of the kernels. Rows: KS of the whole spectrum to the limit (judged as for Gaussian
 * data), and the number of kernel eigenvalues beyond the limit's right edge, which is 0 because the spikes of XᵀX
 * beyond the white-data MP edge (1 + √(n/d0))² (counted in the case label) are inside the limit's support. Digits (d0 =
 * 64 ≪ n) are far from the (ε, B)-orthonormal linear-width regime of the theorem
 * (apps/docs/theory/fan-wang.md#assumptions): the KS rows fail there, and the page shows by how much.
 */
export const fanWangReal: Reproduction = {
  name: 'fan-wang-real',
  title: 'CK and NTK spectra on real images (data Gram as μ₀): bulk KS and data-driven outliers',
  paper:
    'Fan & Wang, Spectra of the conjugate kernel and neural tangent kernel for linear-width neural networks (NeurIPS 2020, arXiv 2005.11879)',
  sizes: {
    quick: 'digits (or --data), first 300 images, widths (4/3)n, tanh, L = 1, 2',
    full: 'digits (or --data), all 1797 images (CIFAR-10: first 1797), widths (4/3)n, tanh, L = 1, 2',
  },
  async run(ctx): Promise<ReproductionResult> {
    const s = ctx.quick ? SIZES.quick : SIZES.full;
    const source = ctx.data ?? 'digits';
    const ds = await loadDataset(parseDataSpec(source), { rng: ctx.rng.split('data'), n: s.n });
    const X = ds.X;
    const n = X.cols;
    const d0 = X.rows;
    const width = Math.round(s.widthRatio * n);
    const rows: ReproductionRow[] = [];
    const figures: ReproductionFigure[] = [];
    // Spikes of the data Gram: eigenvalues of XᵀX beyond the MP edge (1 + √(n/d0))² of white unit-norm data of the same
    // shape (apps/docs/theory/toolkit.md#marchenko-pastur, γ = n/d0).
    const G = X.rows < X.cols ? ctx.backend.gemm(X, X, { transB: true }) : ctx.backend.gram(X);
    const ge = ctx.backend.eigvalsh(G);
    const whiteEdge = (1 + Math.sqrt(n / d0)) ** 2;
    const spikes = countAbove(ge, whiteEdge);
    const total = 2 * s.depths.length;
    let done = 0;
    const activation = normalizedBuiltin('tanh');
    // The data's spikes split the limit's support into up to about min(n, d0) intervals, and the density grid
    // needs ≥ 38 points per interval (rmt stieltjes).
    const points = 40 * (Math.min(n, d0, 200) + 2);
    for (const kernel of ['ck', 'ntk'] as const) {
      for (const L of s.depths) {
        ctx.onProgress?.(`${kernel} L=${L}`, done++, total);
        const r = spectrumJob({
          X,
          widths: Array.from({ length: L }, () => width),
          activation,
          kernel,
          backend: ctx.backend,
          rng: ctx.rng.split(`${kernel}-L${L}`),
          input: 'data',
          points,
        });
        const k = r[kernel]!;
        const label = `${source} n=${n} d0=${d0} tanh L=${L} ${kernel.toUpperCase()}`;
        const tol = KS_CONSTANT[kernel] / Math.sqrt(n);
        rows.push(
          makeRow({
            case: label,
            metric: 'KS (whole spectrum)',
            measured: k.ks!,
            predicted: 0,
            tolerance: tol,
            toleranceRule: `${KS_CONSTANT[kernel]}/√n as for Gaussian data (needs (ε,B)-orthonormal data, apps/docs/theory/fan-wang.md#assumptions)`,
          }),
        );
        // μ₀'s atoms at the data spikes give the limit isolated components, so its right edge lies beyond them:
        // no kernel eigenvalue should be left outside the limit's support.
        rows.push(
          makeRow({
            case: label,
            metric: `eigenvalues beyond the limit edge (data spikes: ${spikes})`,
            measured: k.outliers?.length ?? 0,
            predicted: 0,
            tolerance: 0,
            toleranceRule: 'exact count',
          }),
        );
        figures.push({
          kind: 'spectrum',
          name: `${kernel}-L${L}`,
          title: `${label}: KS ${k.ks!.toFixed(4)}`,
          eigenvalues: k.eigenvalues,
          limit: k.limit,
          outliers: k.outliers,
          rightEdge: k.rightEdge,
        });
      }
    }
    figures.push({
      kind: 'spectrum',
      name: 'data-gram',
      title: `${source}: eigenvalues of XᵀX (${spikes} above the white-data MP edge ${whiteEdge.toFixed(2)})`,
      eigenvalues: ge,
      rightEdge: whiteEdge,
      outliers: Float64Array.from(ge.filter((v) => v > whiteEdge)).reverse(),
    });
    return {
      config: {
        data: source,
        n,
        d0,
        width,
        dataSpikes: spikes,
        depths: s.depths,
        activation: 'tanh (normalised)',
        input: 'data Gram XᵀX as μ₀',
      },
      rows,
      figures,
    };
  },
};
