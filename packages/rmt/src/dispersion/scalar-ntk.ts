import { type Rng, SpecError } from '@spec/core';

/**
 * Options of {@link scalarNtkSamples}: ReLU MLP, standard parametrisation, σ_b = 0, ‖x‖ = 1
 * (apps/docs/theory/dispersion.md#setting).
 */
export interface ScalarNtkOptions {
  /** Hidden width M ≥ 1. */
  width: number;
  /** Input dimension n0 ≥ 1. */
  inputDim: number;
  /** Number of hidden layers L ≥ 1. */
  depth: number;
  /** Weight variance σ_w² > 0. */
  sigmaW2: number;
  /** Number of independent networks to sample. */
  samples: number;
  /** Source of randomness; the draws do not depend on σ_w², so one seed gives exactly homogeneous samples. */
  rng: Rng;
  /** Called every 1024 samples and at the end. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Diagonal NTK samples Θ(x,x) = Θ_w + Θ_b, one entry per sampled network, all divided by e^{logScale}: deep or
 * chaotic networks give Θ far outside float64's range, and the ratios that matter (the dispersion) do not depend on
 * a common scale.
 */
export interface ScalarNtkSamples {
  /** Θ_w: the weight-gradient part. */
  weights: Float64Array;
  /** Θ_b: the bias-gradient part (biases start at 0 but are trainable). */
  biases: Float64Array;
  /** Θ_w + Θ_b. */
  total: Float64Array;
  /** Natural log of the common factor the samples were divided by: 0 unless they would overflow float64. */
  logScale: number;
}

/** log(e^a + e^b) without overflow; −∞ is the log of 0. */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Beyond e^LOG_SAFE samples are rescaled, so that Θ² stays finite in the moments (e^{2·300} < 1.8e308). */
const LOG_SAFE = 300;

/** Gamma(shape, 1) by Marsaglia–Tsang (shape ≥ 1) with the U^{1/a} boost below 1. */
function gamma(shape: number, rng: Rng): number {
  if (shape < 1) {
    const g = gamma(shape + 1, rng);
    return g * rng.uniform() ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** χ²_k = 2·Gamma(k/2); χ²_0 = 0. */
function chiSquare(k: number, rng: Rng): number {
  return k <= 0 ? 0 : 2 * gamma(k / 2, rng);
}

/** CDF table of Bin(M, 1/2), built from the mode by pmf ratios (no overflow, no log-gamma). */
function binomialHalfCdf(M: number): Float64Array {
  const w = new Float64Array(M + 1);
  const mode = Math.floor(M / 2);
  w[mode] = 1;
  for (let k = mode; k < M; k++) w[k + 1] = (w[k] * (M - k)) / (k + 1);
  for (let k = mode; k > 0; k--) w[k - 1] = (w[k] * k) / (M - k + 1);
  let total = 0;
  for (let k = 0; k <= M; k++) total += w[k];
  const cdf = new Float64Array(M + 1);
  let acc = 0;
  for (let k = 0; k <= M; k++) {
    acc += w[k] / total;
    cdf[k] = acc;
  }
  cdf[M] = 1;
  return cdf;
}

/** Inverse-CDF draw: the smallest k with cdf[k] > u. */
function drawFromCdf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Exact Monte Carlo of the diagonal NTK of a deep ReLU MLP at finite width
 * (apps/docs/theory/dispersion.md#exact-finite-width), O(L) per network: for j = 1..L, `k_j ~ Bin(M, ½)`,
 * `A_j ~ χ²_{k_j}`, `C_j ~ χ²_{k_j−1}`, `ζ ~ N(0,1)`; `‖x^j‖² = ‖x^{j−1}‖² (σ_w²/n_{j−1}) A_j`, `f = σ_w ‖x^L‖ ζ/√M`,
 * `‖δ^{L+1}‖² = 1`, `‖δ^j‖² = f²/‖x^j‖² + (σ_w²/M) C_j ‖δ^{j+1}‖²`, `Θ_w = Σ_{j=1}^{L+1} ‖δ^j‖² ‖x^{j−1}‖²`,
 * `Θ_b = Σ_{j=1}^{L+1} ‖δ^j‖²`. χ² draws are 2·Gamma(k/2) (Marsaglia–Tsang), binomials by inverse CDF.
 *
 * A layer with no active unit (probability 2^{−M}) kills the network: with relu′(0) = 0 every hidden
 * gradient vanishes and the sample is Θ_w = 0, Θ_b = 1 (the output bias).
 */
export function scalarNtkSamples(options: ScalarNtkOptions): ScalarNtkSamples {
  const { width: M, inputDim: n0, depth: L, sigmaW2, samples, rng, onProgress } = options;
  for (const [name, v] of [
    ['width', M],
    ['inputDim', n0],
    ['depth', L],
    ['samples', samples],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new SpecError('E_INPUT', `scalarNtkSamples: ${name} must be an integer ≥ 1, got ${v}`);
    }
  }
  if (!(sigmaW2 > 0) || !Number.isFinite(sigmaW2)) {
    throw new SpecError('E_INPUT', `scalarNtkSamples: sigmaW2 must be finite and > 0, got ${sigmaW2}`);
  }
  const cdf = binomialHalfCdf(M);
  const xs = new Float64Array(L + 1);
  const ks = new Int32Array(L + 1);
  const forwardDraws = new Float64Array(L + 1);
  const backwardDraws = new Float64Array(L + 1);
  const logWeights = new Float64Array(samples);
  const logBiases = new Float64Array(samples);
  const weights = new Float64Array(samples);
  const biases = new Float64Array(samples);
  const backGain = sigmaW2 / M;
  const logBackGain = Math.log(backGain);
  for (let s = 0; s < samples; s++) {
    xs[0] = 1;
    let dead = false;
    for (let j = 1; j <= L; j++) {
      const k = drawFromCdf(cdf, rng.uniform());
      ks[j] = k;
      if (k === 0) dead = true;
      forwardDraws[j] = chiSquare(k, rng);
      xs[j] = xs[j - 1] * (sigmaW2 / (j === 1 ? n0 : M)) * forwardDraws[j];
    }
    const zeta = rng.normal();
    const f2 = (sigmaW2 * xs[L] * zeta * zeta) / M;
    let delta2 = 1;
    let tw = xs[L];
    let tb = 1;
    for (let j = L; j >= 1; j--) {
      const c = chiSquare(ks[j] - 1, rng);
      backwardDraws[j] = c;
      if (dead) continue;
      delta2 = f2 / xs[j] + backGain * c * delta2;
      tw += delta2 * xs[j - 1];
      tb += delta2;
    }
    if (dead) {
      tw = 0;
      tb = 1;
    }
    // A live network whose norms under- or overflowed (deep, ordered or chaotic): the same draws again in logs.
    const lost = !dead && (!Number.isFinite(tw) || !Number.isFinite(tb) || xs[L] === 0 || !(tw > 0));
    if (lost || (!dead && (tw > Math.exp(LOG_SAFE) || tb > Math.exp(LOG_SAFE)))) {
      const lx = new Float64Array(L + 1);
      for (let j = 1; j <= L; j++) {
        lx[j] = lx[j - 1] + Math.log(sigmaW2 / (j === 1 ? n0 : M)) + Math.log(forwardDraws[j]);
      }
      const lf2 = Math.log(sigmaW2 / M) + lx[L] + 2 * Math.log(Math.abs(zeta));
      let ld = 0;
      let ltw = lx[L];
      let ltb = 0;
      for (let j = L; j >= 1; j--) {
        ld = logAddExp(lf2 - lx[j], logBackGain + Math.log(backwardDraws[j]) + ld);
        ltw = logAddExp(ltw, ld + lx[j - 1]);
        ltb = logAddExp(ltb, ld);
      }
      logWeights[s] = ltw;
      logBiases[s] = ltb;
      weights[s] = NaN; // marks a sample known only in logs
    } else {
      weights[s] = tw;
      biases[s] = tb;
      logWeights[s] = Math.log(tw);
      logBiases[s] = Math.log(tb);
    }
    if (onProgress && ((s + 1) % 1024 === 0 || s + 1 === samples)) onProgress(s + 1, samples);
  }
  let top = -Infinity;
  for (let s = 0; s < samples; s++) top = Math.max(top, logAddExp(logWeights[s], logBiases[s]));
  const logScale = top > LOG_SAFE ? top : 0;
  const total = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    // Samples computed in linear arithmetic keep their exact values unless everything is rescaled.
    if (logScale !== 0 || Number.isNaN(weights[s])) {
      weights[s] = Math.exp(logWeights[s] - logScale);
      biases[s] = Math.exp(logBiases[s] - logScale);
    }
    total[s] = weights[s] + biases[s];
  }
  return { weights, biases, total, logScale };
}
