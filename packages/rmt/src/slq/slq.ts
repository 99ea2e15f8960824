import { SpecError, type Rng, tridiagonalEigen } from '@spec/core';

/**
 * A symmetric linear operator applied to a block of vectors: `out` ← K · `V`, where `V` and `out` hold `count` vectors
 * of length n one after another (vector q at entries [q·n, (q + 1)·n)). Never materialising K is the point: for a CK, K
 * V = X_Lᵀ (X_L V) costs 2·n·d_L per vector (apps/docs/theory/fan-wang.md#network-and-kernels).
 */
export type BlockMatvec = (V: Float64Array, out: Float64Array, count: number) => void;

/** Options of {@link stochasticLanczosQuadrature}. */
export interface SlqOptions {
  /** Dimension n of the operator. */
  readonly n: number;
  /** The operator (symmetric; only products are needed). */
  readonly apply: BlockMatvec;
  /** Seeds the Rademacher probe vectors. */
  readonly rng: Rng;
  /** Probe vectors (default 16); the stochastic error of the spectral CDF shrinks like 1/√(probes·n). */
  readonly probes?: number;
  /** Lanczos steps per probe (default 80, at most n); the quadrature error of the CDF is about one node weight (~1/steps). */
  readonly steps?: number;
  /** Probes run together through `apply` (default all), so the products are matrix–matrix. */
  readonly blockSize?: number;
  /** Progress in Lanczos steps over all blocks. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Result of {@link stochasticLanczosQuadrature}: one Gauss quadrature rule of the spectral measure per probe. */
export interface SlqResult {
  readonly n: number;
  /** Ritz values θ_k of each probe (ascending): the quadrature nodes. */
  readonly nodes: ReadonlyArray<Float64Array>;
  /** Weights τ_k = (first component of the k-th Ritz vector)², summing to 1 per probe. */
  readonly weights: ReadonlyArray<Float64Array>;
  /** Estimate of tr K / n (mean eigenvalue; exact in expectation) and its standard error over the probes. */
  readonly mean: number;
  readonly meanStderr: number;
  /** Smallest and largest Ritz values over all probes (inside [λ_min, λ_max], converging to them). */
  readonly lambdaMin: number;
  readonly lambdaMax: number;
  /**
   * Bound on the Gauss-quadrature error of the CDF at any point, averaged over the probes: the largest node
   * weight (Chebyshev–Markov–Stieltjes inequalities). Add the stochastic error ~ √(2 / (probes · n)).
   */
  readonly quadratureError: number;
}

/**
 * Stochastic Lanczos quadrature (Ubaru, Chen & Saad 2017; Lin, Saad & Yang 2016): the spectral measure
 * μ = (1/n) Σ_i δ_{λ_i} of a symmetric operator K, estimated as the average over Rademacher probes v (‖v‖ = 1) of
 * the Gauss quadrature rule of vᵀ f(K) v from m Lanczos steps (E vᵀ f(K) v = tr f(K) / n). Lanczos keeps full
 * reorthogonalisation (twice, classical Gram–Schmidt), so with m = n the nodes are exactly the eigenvalues.
 * Memory: probes · (m + 3) · n doubles; work: probes · m products with K plus O(probes · m² · n).
 *
 * @throws SpecError `E_INPUT` for bad sizes, `E_DATA` when `apply` returns a non-finite value
 */
export function stochasticLanczosQuadrature(options: SlqOptions): SlqResult {
  const { n, apply, rng } = options;
  if (!Number.isInteger(n) || n < 1) throw new SpecError('E_INPUT', `slq: n must be a positive integer, got ${n}`);
  const probes = options.probes ?? 16;
  if (!Number.isInteger(probes) || probes < 2)
    throw new SpecError('E_INPUT', `slq: probes must be an integer ≥ 2 (error bars need two), got ${probes}`);
  const steps = Math.min(n, options.steps ?? 80);
  if (!Number.isInteger(steps) || steps < 1)
    throw new SpecError('E_INPUT', `slq: steps must be a positive integer, got ${options.steps}`);
  const blockSize = Math.min(probes, options.blockSize ?? probes);
  const nodes: Float64Array[] = [];
  const weights: Float64Array[] = [];
  const total = Math.ceil(probes / blockSize) * steps;
  let done = 0;
  for (let first = 0; first < probes; first += blockSize) {
    const p = Math.min(blockSize, probes - first);
    // basis[q][j] = Lanczos vector j of probe q
    const basis = Array.from({ length: p }, () => new Float64Array(steps * n));
    const alpha = Array.from({ length: p }, () => new Float64Array(steps));
    const beta = Array.from({ length: p }, () => new Float64Array(steps));
    const len = new Int32Array(p).fill(steps);
    const V = new Float64Array(p * n);
    const W = new Float64Array(p * n);
    const probeRng = rng.split(`probe-block-${first}`);
    const inv = 1 / Math.sqrt(n);
    for (let q = 0; q < p; q++) for (let i = 0; i < n; i++) basis[q][i] = probeRng.rademacher() * inv;
    let scale = 0;
    for (let j = 0; j < steps; j++) {
      for (let q = 0; q < p; q++) V.set(basis[q].subarray(j * n, (j + 1) * n), q * n);
      apply(V, W, p);
      for (let q = 0; q < p; q++) {
        if (j >= len[q]) continue;
        const w = W.subarray(q * n, (q + 1) * n);
        const Bq = basis[q];
        let a = 0;
        for (let i = 0; i < n; i++) {
          if (!Number.isFinite(w[i]))
            throw new SpecError('E_DATA', `slq: the operator returned a non-finite value at step ${j + 1}, entry ${i}`);
          a += w[i] * Bq[j * n + i];
        }
        alpha[q][j] = a;
        // Full reorthogonalisation against v_0 … v_j, twice (removes α v_j and β v_{j−1} as well).
        for (let pass = 0; pass < 2; pass++) {
          for (let l = 0; l <= j; l++) {
            let c = 0;
            const o = l * n;
            for (let i = 0; i < n; i++) c += w[i] * Bq[o + i];
            for (let i = 0; i < n; i++) w[i] -= c * Bq[o + i];
          }
        }
        let b = 0;
        for (let i = 0; i < n; i++) b += w[i] * w[i];
        b = Math.sqrt(b);
        scale = Math.max(scale, Math.abs(a), b);
        if (j + 1 < steps) {
          // Breakdown: an invariant subspace was found; the rule is exact with j + 1 nodes.
          if (b <= 1e-10 * scale) {
            len[q] = j + 1;
            continue;
          }
          beta[q][j] = b;
          const o = (j + 1) * n;
          for (let i = 0; i < n; i++) Bq[o + i] = w[i] / b;
        }
      }
      options.onProgress?.(++done, total);
    }
    for (let q = 0; q < p; q++) {
      const m = len[q];
      const r = tridiagonalEigen(alpha[q].slice(0, m), beta[q].slice(0, m - 1), { firstComponents: true });
      const tau = new Float64Array(m);
      for (let k = 0; k < m; k++) tau[k] = r.firstComponents![k] ** 2;
      nodes.push(r.values);
      weights.push(tau);
    }
  }
  const means = nodes.map((x, q) => x.reduce((s, v, k) => s + v * weights[q][k], 0));
  const mean = means.reduce((s, v) => s + v, 0) / probes;
  const variance = means.reduce((s, v) => s + (v - mean) ** 2, 0) / (probes - 1);
  let lambdaMin = Infinity;
  let lambdaMax = -Infinity;
  let quadratureError = 0;
  for (let q = 0; q < probes; q++) {
    lambdaMin = Math.min(lambdaMin, nodes[q][0]);
    lambdaMax = Math.max(lambdaMax, nodes[q][nodes[q].length - 1]);
    quadratureError += Math.max(...weights[q]) / probes;
  }
  return { n, nodes, weights, mean, meanStderr: Math.sqrt(variance / probes), lambdaMin, lambdaMax, quadratureError };
}

/** A smoothed spectral density with error bars, from {@link slqDensity}. */
export interface SlqDensity {
  /** Grid points. */
  readonly x: Float64Array;
  /** Density (1/n Σ δ_{λ_i} convolved with a Gaussian of width `bandwidth`), averaged over the probes. */
  readonly density: Float64Array;
  /** Standard error of `density` over the probes (spread / √probes). */
  readonly stderr: Float64Array;
  readonly bandwidth: number;
}

/**
 * The SLQ spectral measure smoothed by a Gaussian kernel on a grid, with the probe-to-probe standard error.
 * Default bandwidth: (λ_max − λ_min) / (number of nodes per probe), the resolution of one quadrature rule.
 */
export function slqDensity(
  result: SlqResult,
  options: { readonly points?: number; readonly bandwidth?: number; readonly range?: readonly [number, number] } = {},
): SlqDensity {
  const points = options.points ?? 400;
  if (!Number.isInteger(points) || points < 2)
    throw new SpecError('E_INPUT', `slqDensity: points must be an integer ≥ 2, got ${points}`);
  const probes = result.nodes.length;
  const span = Math.max(result.lambdaMax - result.lambdaMin, 1e-12 * Math.max(1, Math.abs(result.lambdaMax)));
  const m = result.nodes.reduce((s, x) => s + x.length, 0) / probes;
  const h = options.bandwidth ?? span / m;
  if (!(h > 0) || !Number.isFinite(h))
    throw new SpecError('E_INPUT', `slqDensity: bandwidth must be positive, got ${h}`);
  const [lo, hi] = options.range ?? [result.lambdaMin - 3 * h, result.lambdaMax + 3 * h];
  const x = new Float64Array(points);
  for (let i = 0; i < points; i++) x[i] = lo + ((hi - lo) * i) / (points - 1);
  const sum = new Float64Array(points);
  const sum2 = new Float64Array(points);
  const norm = 1 / (h * Math.sqrt(2 * Math.PI));
  const per = new Float64Array(points);
  for (let q = 0; q < probes; q++) {
    per.fill(0);
    const th = result.nodes[q];
    const tau = result.weights[q];
    for (let k = 0; k < th.length; k++) {
      for (let i = 0; i < points; i++) {
        const z = (x[i] - th[k]) / h;
        if (z > -8 && z < 8) per[i] += tau[k] * norm * Math.exp(-0.5 * z * z);
      }
    }
    for (let i = 0; i < points; i++) {
      sum[i] += per[i];
      sum2[i] += per[i] * per[i];
    }
  }
  const density = new Float64Array(points);
  const stderr = new Float64Array(points);
  for (let i = 0; i < points; i++) {
    density[i] = sum[i] / probes;
    const v = Math.max(0, (sum2[i] - probes * density[i] ** 2) / (probes - 1));
    stderr[i] = Math.sqrt(v / probes);
  }
  return { x, density, stderr, bandwidth: h };
}

/**
 * `count` pseudo-eigenvalues: the quantiles (i + ½)/count of the SLQ measure (all probes' nodes pooled with
 * weights / probes). Feeding them to a KS distance measures the SLQ CDF against a law up to 1/(2·count) plus
 * the SLQ error ({@link SlqResult.quadratureError} and ~√(2/(probes·n))).
 */
export function slqQuantiles(result: SlqResult, count: number): Float64Array {
  if (!Number.isInteger(count) || count < 1)
    throw new SpecError('E_INPUT', `slqQuantiles: count must be a positive integer, got ${count}`);
  const probes = result.nodes.length;
  const pairs: Array<[number, number]> = [];
  for (let q = 0; q < probes; q++)
    for (let k = 0; k < result.nodes[q].length; k++) pairs.push([result.nodes[q][k], result.weights[q][k] / probes]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out = new Float64Array(count);
  let acc = 0;
  let k = 0;
  for (let i = 0; i < count; i++) {
    const level = (i + 0.5) / count;
    while (k < pairs.length - 1 && acc + pairs[k][1] < level) acc += pairs[k++][1];
    out[i] = pairs[k][0];
  }
  return out;
}
