import { SpecError } from '@spec/core';

/**
 * Options of {@link ntkMeans}: a ReLU MLP in standard parametrisation, σ_b = 0, ‖x‖ = 1
 * (apps/docs/theory/dispersion.md#setting).
 */
export interface NtkMeansOptions {
  /** Hidden width M ≥ 1. */
  width: number;
  /** Input dimension n0 ≥ 1. */
  inputDim: number;
  /** Number of hidden layers L ≥ 1. */
  depth: number;
  /** Weight variance σ_w² > 0; χ = σ_w²/2. */
  sigmaW2: number;
}

/**
 * Exact means of the diagonal NTK parts at finite width (apps/docs/theory/dispersion.md#exact-finite-width,
 * apps/docs/theory/reference-values.md#ntk-means): `E Θ_w = χ^L (1 + L M/n0)`, `E Θ_b = Σ_{k=0}^{L} χ^k`, χ = σ_w²/2.
 */
export function ntkMeans(options: NtkMeansOptions): { weights: number; biases: number; total: number } {
  const { width: M, inputDim: n0, depth: L, sigmaW2 } = options;
  for (const [name, v] of [
    ['width', M],
    ['inputDim', n0],
    ['depth', L],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new SpecError('E_INPUT', `ntkMeans: ${name} must be an integer ≥ 1, got ${v}`);
  }
  if (!(sigmaW2 > 0) || !Number.isFinite(sigmaW2)) {
    throw new SpecError('E_INPUT', `ntkMeans: sigmaW2 must be finite and > 0, got ${sigmaW2}`);
  }
  const chi = sigmaW2 / 2;
  const weights = chi ** L * (1 + (L * M) / n0);
  let biases = 0;
  for (let k = 0; k <= L; k++) biases += chi ** k;
  return { weights, biases, total: weights + biases };
}
