import { createCpuBackend } from '@spec/backend-cpu';
import { type Matrix, createRng } from '@spec/core';

/**
 * A normalised activation σ̃ = (σ − m)/s (mean 0, variance 1 under N(0, 1)) with its constants
 * b = E σ̃′(ξ), a = E σ̃′(ξ)² — the published values of the table in
 * apps/docs/theory/toolkit.md#normalised-activations (6 decimals).
 */
export interface NormalisedActivation {
  readonly name: string;
  readonly b: number;
  readonly a: number;
  /** σ̃ and σ̃′; absent for activations that the tests only use through (a, b). */
  readonly value?: (x: number) => number;
  readonly derivative?: (x: number) => number;
}

const TANH_SD = 0.627929;
const RELU_MEAN = 0.398942;
const RELU_SD = 0.583819;

export const ACTIVATIONS: Readonly<Record<'tanh' | 'relu' | 'erf' | 'sigmoid' | 'linear', NormalisedActivation>> = {
  tanh: {
    name: 'tanh',
    b: 0.964609,
    a: 1.177807,
    value: (x) => Math.tanh(x) / TANH_SD,
    derivative: (x) => (1 - Math.tanh(x) ** 2) / TANH_SD,
  },
  relu: {
    name: 'relu',
    b: 0.856429,
    a: 1.466942,
    value: (x) => (Math.max(x, 0) - RELU_MEAN) / RELU_SD,
    derivative: (x) => (x > 0 ? 1 / RELU_SD : 0),
  },
  erf: { name: 'erf', b: 0.955815, a: 1.2257 },
  sigmoid: { name: 'sigmoid', b: 0.992052, a: 1.033592 },
  linear: { name: 'linear', b: 1, a: 1, value: (x) => x, derivative: () => 1 },
};

/** Shape and seed of a simulated network. */
export interface NetworkShape {
  readonly n: number;
  readonly d0: number;
  readonly widths: readonly number[];
  readonly activation: NormalisedActivation;
  readonly seed: number;
}

/**
 * Eigenvalues of the CK K_L = X_Lᵀ X_L and of the NTK of one random network
 * (apps/docs/theory/fan-wang.md#network-and-kernels): X₀ with N(0, 1/d₀) entries, X_ℓ = σ̃(W_ℓ X_{ℓ−1})/√d_ℓ
 * with N(0, 1) weights, and K^NTK = X_LᵀX_L + Σ_ℓ (X_{ℓ−1}ᵀX_{ℓ−1}) ⊙ (S_ℓᵀS_ℓ), S_L = σ̃′(H_L) ⊙ (w 1ᵀ)/√d_L,
 * S_ℓ = σ̃′(H_ℓ) ⊙ (W_{ℓ+1}ᵀ S_{ℓ+1})/√d_ℓ, with a Rademacher readout w (a Gaussian one adds an O(d_L^{−1/2})
 * random shift, apps/docs/theory/fan-wang.md#simulation-notes).
 */
export function simulateKernels(shape: NetworkShape): { ck: Float64Array; ntk: Float64Array } {
  const { n, d0, widths, activation, seed } = shape;
  const value = activation.value;
  const derivative = activation.derivative;
  if (value === undefined || derivative === undefined) throw new Error(`no σ̃ for ${activation.name}`);
  const cpu = createCpuBackend();
  const rng = createRng(seed);
  const elementwise = (A: Matrix, f: (x: number) => number, scale: number): Matrix => {
    const out = new Float64Array(A.data.length);
    for (let i = 0; i < out.length; i++) out[i] = f(A.data[i]) * scale;
    return { rows: A.rows, cols: A.cols, data: out };
  };
  let X = elementwise(cpu.randn(d0, n, rng.split('X0')), (x) => x, 1 / Math.sqrt(d0));
  const grams: Matrix[] = [cpu.gram(X)];
  const weights: Matrix[] = [];
  const slopes: Matrix[] = [];
  widths.forEach((d, l) => {
    const W = cpu.randn(d, X.rows, rng.split(`W${l}`));
    const H = cpu.gemm(W, X);
    X = elementwise(H, value, 1 / Math.sqrt(d));
    weights.push(W);
    slopes.push(elementwise(H, derivative, 1));
    grams.push(cpu.gram(X));
  });
  const L = widths.length;
  const readout = rng.split('w');
  let S = slopes[L - 1];
  {
    const w = Float64Array.from({ length: widths[L - 1] }, () => readout.rademacher());
    const data = new Float64Array(S.data.length);
    for (let i = 0; i < S.rows; i++) {
      for (let j = 0; j < S.cols; j++)
        data[i * S.cols + j] = (S.data[i * S.cols + j] * w[i]) / Math.sqrt(widths[L - 1]);
    }
    S = { rows: S.rows, cols: S.cols, data };
  }
  const ntk = Float64Array.from(grams[L].data);
  for (let l = L; l >= 1; l--) {
    const term = cpu.hadamard(grams[l - 1], cpu.gram(S));
    for (let i = 0; i < ntk.length; i++) ntk[i] += term.data[i];
    if (l > 1) {
      const back = cpu.gemm(weights[l - 1], S, { transA: true });
      const D = slopes[l - 2];
      const data = new Float64Array(back.data.length);
      const scale = 1 / Math.sqrt(widths[l - 2]);
      for (let i = 0; i < data.length; i++) data[i] = D.data[i] * back.data[i] * scale;
      S = { rows: back.rows, cols: back.cols, data };
    }
  }
  return {
    ck: cpu.eigvalsh(grams[L]),
    ntk: cpu.eigvalsh({ rows: n, cols: n, data: ntk }),
  };
}
