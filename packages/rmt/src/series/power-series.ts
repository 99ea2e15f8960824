import { SpecError } from '@spec/core';

/** Options of {@link powerSeriesCoefficients} (apps/docs/theory/power-series.md#power-series). */
export interface PowerSeriesOptions {
  /**
   * Hermite coefficients μ_0..μ_K of the activation φ in the orthonormal basis `h_k = He_k/√(k!)`
   * (apps/docs/theory/toolkit.md#hermite-expansions), e.g. `scaleHermite(reluHermite(200), Math.SQRT2)`. The series
   * composes `E φ(u)φ(v) = Σ_k μ_k² ρ^k`, which is the actual kernel map only when every layer keeps unit diagonal:
   * `σ_w² + σ_b² = 1` and `σ_w² Σ_k μ_k² + σ_b² = 1` (apps/docs/theory/power-series.md#power-series). Outside that
   * convention the result is the formal series of the recursion, not a network's NTK.
   */
  hermite: Float64Array;
  /** Number of hidden layers L ≥ 1 (one hidden layer = one nonlinearity). See {@link hiddenLayersFromPaperDepth}. */
  depth: number;
  /** Weight variance σ_w² ≥ 0 (same in every layer, first layer included). Default 1. */
  sigmaW2?: number;
  /** Bias variance σ_b² ≥ 0. Default 0. */
  sigmaB2?: number;
  /** Truncation degree P ≥ 0: coefficients of ρ^0..ρ^P are returned. */
  degree: number;
}

/** Result of {@link powerSeriesCoefficients}: coefficient vectors of length P + 1. */
export interface PowerSeries {
  /** NNGP coefficients α^{(L+1)}: `Σ^{(L+1)}(x,y) = Σ_p α_p ⟨x,y⟩^p`. */
  nngp: Float64Array;
  /** NTK coefficients κ^{(L+1)}: `Θ(x,y) = Σ_p κ_p ⟨x,y⟩^p`. */
  ntk: Float64Array;
  /** Coefficients β^{(L+1)} of the last layer's derivative kernel Σ̇^{(L+1)}. */
  derivative: Float64Array;
  /** Values of the untruncated series at ρ = 1 (the diagonal Σ^{(L+1)}(x,x), Θ(x,x)), by the scalar recursion. */
  diagonal: { nngp: number; ntk: number };
  /**
   * Mass the truncation drops: diagonal − Σ_{p≤P} coefficients (all coefficients are ≥ 0, so this
   * bounds the truncation error of the series anywhere on |ρ| ≤ 1). Rounding below 0 is clamped to 0.
   */
  tailMass: { nngp: number; ntk: number };
}

/**
 * Converts the depth count of Murray et al. (ICLR 2023), where "L = 2" is one hidden layer
 * (apps/docs/theory/power-series.md#power-series), to the number of hidden layers used by
 * {@link powerSeriesCoefficients}.
 */
export function hiddenLayersFromPaperDepth(paperDepth: number): number {
  if (!Number.isInteger(paperDepth) || paperDepth < 2) {
    throw new SpecError(
      'E_INPUT',
      `hiddenLayersFromPaperDepth: the paper's depth must be an integer ≥ 2 (2 = one hidden layer), got ${paperDepth}`,
    );
  }
  return paperDepth - 1;
}

/** Truncated Cauchy product a * b into out (length P + 1); out must not alias a or b. */
function cauchy(a: Float64Array, b: Float64Array, out: Float64Array): void {
  const n = out.length;
  for (let p = 0; p < n; p++) {
    let s = 0;
    for (let i = 0; i <= p; i++) s += a[i] * b[p - i];
    out[p] = s;
  }
}

/** Σ_k c_k a^{*k} truncated at degree P, by Horner's rule in the Cauchy algebra. */
function compose(c: Float64Array, a: Float64Array): Float64Array<ArrayBuffer> {
  const n = a.length;
  // With a_0 = 0, a^{*k} has no terms below degree k: coefficients beyond P cannot contribute.
  const top = a[0] === 0 ? Math.min(c.length - 1, n - 1) : c.length - 1;
  let r: Float64Array<ArrayBuffer> = new Float64Array(n);
  let tmp: Float64Array<ArrayBuffer> = new Float64Array(n);
  if (top < 0) return r;
  r[0] = c[top];
  for (let k = top - 1; k >= 0; k--) {
    cauchy(r, a, tmp);
    tmp[0] += c[k];
    const s = r;
    r = tmp;
    tmp = s;
  }
  return r;
}

function polyAt(c: Float64Array, x: number): number {
  let s = 0;
  for (let k = c.length - 1; k >= 0; k--) s = s * x + c[k];
  return s;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/**
 * NNGP / NTK Hermite power series of an MLP in NTK parametrisation with unit-norm inputs
 * (apps/docs/theory/power-series.md#power-series): `α^{(1)} = (σ_b², σ_w²)`, `κ^{(1)} = α^{(1)}`,
 * `α^{(l+1)} = σ_b² e_0 + σ_w² Σ_k μ_k² (α^{(l)})^{*k}`, `β^{(l+1)} = σ_w² Σ_{k≥1} k μ_k² (α^{(l)})^{*(k−1)}`,
 * `κ^{(l+1)} = α^{(l+1)} + κ^{(l)} * β^{(l+1)}`, truncated Cauchy products at degree P. Returns κ = κ^{(L+1)} for L =
 * `depth` hidden layers, plus the diagonal (series at ρ = 1, by the scalar recursion with ρ = 1) and the tail mass the
 * truncation drops.
 *
 * Example (apps/docs/theory/reference-values.md#power-series):
 * `powerSeriesCoefficients({ hermite: scaleHermite(reluHermite(200), Math.SQRT2), depth: 1, degree: 8 }).ntk` ≈
 * `(1/π, 1, 3/(2π), 0, 5/(24π), …)` — ReLU with σ_w² = 2 in the paper's raw-relu convention
 * (apps/docs/theory/reference-values.md#relu-ntk) is `√2·relu` with σ_w² = 1 here.
 *
 * Cost O(L·K·P²) for K Hermite coefficients (K is capped at P in the first layer when σ_b = 0).
 */
export function powerSeriesCoefficients(options: PowerSeriesOptions): PowerSeries {
  const { hermite, depth, degree } = options;
  const sigmaW2 = options.sigmaW2 ?? 1;
  const sigmaB2 = options.sigmaB2 ?? 0;
  if (!(hermite instanceof Float64Array) || hermite.length === 0) {
    throw new SpecError('E_INPUT', 'powerSeriesCoefficients: hermite must be a non-empty Float64Array of μ_0..μ_K');
  }
  for (let k = 0; k < hermite.length; k++) {
    if (!Number.isFinite(hermite[k])) {
      throw new SpecError('E_INPUT', `powerSeriesCoefficients: hermite[${k}] is not finite (${hermite[k]})`);
    }
  }
  if (!Number.isInteger(depth) || depth < 1) {
    throw new SpecError(
      'E_INPUT',
      `powerSeriesCoefficients: depth (hidden layers) must be an integer ≥ 1, got ${depth}`,
    );
  }
  if (!Number.isInteger(degree) || degree < 0) {
    throw new SpecError('E_INPUT', `powerSeriesCoefficients: degree must be a non-negative integer, got ${degree}`);
  }
  if (!(sigmaW2 >= 0) || !Number.isFinite(sigmaW2)) {
    throw new SpecError('E_INPUT', `powerSeriesCoefficients: sigmaW2 must be finite and ≥ 0, got ${sigmaW2}`);
  }
  if (!(sigmaB2 >= 0) || !Number.isFinite(sigmaB2)) {
    throw new SpecError('E_INPUT', `powerSeriesCoefficients: sigmaB2 must be finite and ≥ 0, got ${sigmaB2}`);
  }
  const K = hermite.length - 1;
  const n = degree + 1;
  // c_k = σ_w² μ_k² (NNGP map), d_k = σ_w² (k+1) μ_{k+1}² (derivative map, shifted).
  const c = new Float64Array(K + 1);
  const d = new Float64Array(Math.max(K, 1));
  for (let k = 0; k <= K; k++) c[k] = sigmaW2 * hermite[k] * hermite[k];
  for (let k = 1; k <= K; k++) d[k - 1] = sigmaW2 * k * hermite[k] * hermite[k];

  let alpha = new Float64Array(n);
  alpha[0] = sigmaB2;
  if (n > 1) alpha[1] = sigmaW2;
  let kappa = alpha.slice();
  let beta = new Float64Array(n);
  // Scalar recursion at ρ = 1 (‖x‖ = 1): q = Σ(x,x), t = Θ(x,x).
  let q = sigmaW2 + sigmaB2;
  let t = q;
  const next = new Float64Array(n);
  for (let l = 1; l <= depth; l++) {
    const a = compose(c, alpha);
    a[0] += sigmaB2;
    beta = compose(d, alpha);
    cauchy(kappa, beta, next);
    for (let p = 0; p < n; p++) next[p] += a[p];
    kappa = next.slice();
    alpha = a;
    const qNext = sigmaB2 + polyAt(c, q);
    const dot = polyAt(d, q);
    t = qNext + t * dot;
    q = qNext;
    if (!Number.isFinite(q) || !Number.isFinite(t)) {
      throw new SpecError(
        'E_INPUT',
        `powerSeriesCoefficients: the diagonal overflows at layer ${l}; keep σ_w² Σ μ_k² + σ_b² = 1 (apps/docs/theory/power-series.md#power-series)`,
      );
    }
  }
  return {
    nngp: alpha,
    ntk: kappa,
    derivative: beta,
    diagonal: { nngp: q, ntk: t },
    tailMass: { nngp: Math.max(0, q - sum(alpha)), ntk: Math.max(0, t - sum(kappa)) },
  };
}

/** Evaluates a power series `Σ_p c_p ρ^p` at ρ by Horner's rule (apps/docs/theory/power-series.md#power-series). */
export function evaluateSeries(coefficients: Float64Array, rho: number): number {
  if (!Number.isFinite(rho)) {
    throw new SpecError('E_INPUT', `evaluateSeries: rho must be finite, got ${rho}`);
  }
  return polyAt(coefficients, rho);
}
