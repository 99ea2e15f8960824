import { SpecError, type Activation, type Matrix } from '@spec/core';
import { networkKernelMap, inputKernel } from '../kernel-map.js';
import type { Network } from '../network.js';
import { tabulatedDual } from '../activations/tabulated-dual.js';

/** Options of {@link infiniteNtkMatrices}. */
export interface InfiniteNtkOptions {
  /** Extra points (d_0 × m): also return Θ(x, X) (m × n). */
  readonly Xcross?: Matrix;
  /**
   * Leave out the readout's own contribution (default false): for a frozen readout
   * (apps/docs/theory/spectral-evolution.md#training-setups "v fixed"), the NTK of the hidden weights is Θ_f − Σ_f,
   * valid for the bias-free linear dense readout of {@link mlp}.
   */
  readonly withoutReadout?: boolean;
  /** Input record convention: `'fan-wang'` passes ⟨x, y⟩ (default), `'ntk'`/`'standard'` pass ⟨x, y⟩/d_0. */
  readonly parametrization?: 'fan-wang' | 'ntk' | 'standard';
  /** Progress over rows. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The infinite-width NTK Θ̊ of a network on the training set (n × n) and, optionally, between extra points and the
 * training set, pair by pair through {@link networkKernelMap} (apps/docs/theory/infinite-width.md#mlp-recursions; the
 * layers' kernel maps). Cost: one kernel-map evaluation per pair (n(n+1)/2 + m·n); an activation without a closed-form
 * dual uses its tabulated dual (Hermite coefficients computed once per variance, `tabulatedDual`).
 */
export function infiniteNtkMatrices(
  net: Network,
  X: Matrix,
  options: InfiniteNtkOptions = {},
): { theta: Matrix; cross?: Matrix } {
  const n = X.cols;
  const d0 = X.rows;
  const Xc = options.Xcross;
  if (Xc !== undefined && Xc.rows !== d0)
    throw new SpecError('E_SHAPE', `infinite NTK: extra points have ${Xc.rows} rows, the data ${d0}`);
  const scale = (options.parametrization ?? 'fan-wang') === 'fan-wang' ? 1 : 1 / d0;
  const dot = (A: Matrix, i: number, B: Matrix, j: number): number => {
    let s = 0;
    for (let p = 0; p < d0; p++) s += A.data[p * A.cols + i] * B.data[p * B.cols + j];
    return s * scale;
  };
  const normsX = Array.from({ length: n }, (_, i) => dot(X, i, X, i));
  const value = (xx: number, yy: number, xy0: number): number => {
    // Clamp |⟨x, y⟩| ≤ ‖x‖‖y‖ against rounding (Cauchy–Schwarz holds exactly in ℝ).
    const bound = Math.sqrt(xx * yy);
    const r = networkKernelMap(net, inputKernel(xx, yy, Math.max(-bound, Math.min(bound, xy0))));
    return options.withoutReadout ? r.ntk - r.nngp : r.ntk;
  };
  const m = Xc?.cols ?? 0;
  const total = n + m;
  const theta: Matrix = { rows: n, cols: n, data: new Float64Array(n * n) };
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = value(normsX[i], normsX[j], dot(X, i, X, j));
      theta.data[i * n + j] = v;
      theta.data[j * n + i] = v;
    }
    options.onProgress?.(i + 1, total);
  }
  if (Xc === undefined) return { theta };
  const cross: Matrix = { rows: m, cols: n, data: new Float64Array(m * n) };
  for (let a = 0; a < m; a++) {
    const qa = dot(Xc, a, Xc, a);
    for (let j = 0; j < n; j++) cross.data[a * n + j] = value(qa, normsX[j], dot(Xc, a, X, j));
    options.onProgress?.(n + a + 1, total);
  }
  return { theta, cross };
}

/**
 * The same activation with its {@link tabulatedDual} attached as `dual` (apps/docs/theory/toolkit.md#gaussian-kernel-maps),
 * or the activation itself when it has a closed-form dual.
 *
 * @deprecated Kernel maps already use the tabulated dual of an activation without a closed form (Hermite coefficients
 *   per variance, 1e−11; formerly a 2-D quadrature per pair, which this function made cheaper). `degree` is ignored.
 */
export function withQuadratureDual(act: Activation, degree = 20): Activation {
  void degree;
  if (act.dual !== undefined) return act;
  return { ...act, dual: tabulatedDual(act) };
}
