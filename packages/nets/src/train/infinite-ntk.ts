import { SpecError, type Activation, type Matrix } from '@spec/core';
import { networkKernelMap, inputKernel } from '../kernel-map.js';
import type { Network } from '../network.js';
import { tabulatedDual } from '../activations/tabulated-dual.js';
import { mlpKernelRecursion } from '../mlp.js';
import { infiniteKernelPass } from '../infinite/recursion.js';

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
 * training set (apps/docs/theory/infinite-width.md#mlp-recursions; the layers' kernel maps). A network built by `mlp`
 * (fan-wang or ntk parametrisation) goes through the vectorised recursion `infiniteKernelPass`, each layer one pass
 * over the whole matrix with every Hermite term (`smooth`), which equals the layers' own maps to rounding; any other
 * network goes pair by pair through {@link networkKernelMap}, one kernel-map evaluation per pair (n(n+1)/2 + m·n).
 * An activation without a closed-form dual uses its tabulated dual (Hermite coefficients computed once per variance,
 * `tabulatedDual`).
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
  // The points as contiguous rows (the columns of X are strided), so each ⟨x_i, x_j⟩ runs over adjacent memory.
  const rowsOf = (A: Matrix): Float64Array => {
    const t = new Float64Array(A.cols * d0);
    for (let p = 0; p < d0; p++) for (let i = 0; i < A.cols; i++) t[i * d0 + p] = A.data[p * A.cols + i];
    return t;
  };
  const xs = rowsOf(X);
  const cs = Xc !== undefined ? rowsOf(Xc) : undefined;
  const dot = (a: Float64Array, i: number, b: Float64Array, j: number): number => {
    const oa = i * d0;
    const ob = j * d0;
    let s = 0;
    for (let p = 0; p < d0; p++) s += a[oa + p] * b[ob + p];
    return s * scale;
  };
  const normsX = Float64Array.from({ length: n }, (_, i) => dot(xs, i, xs, i));
  const recursion = mlpKernelRecursion(net);
  if (recursion !== undefined) {
    // Gram entries by the same dot products, in the same order, as the pair-by-pair route.
    const gram = (a: Float64Array, rows: number): Float64Array => {
      const g = new Float64Array(rows * n);
      const upper = a === xs; // the upper triangle j ≥ i, then mirrored
      let i = 0;
      for (; i + 3 < rows; i += 4) {
        let j = upper ? i : 0;
        // 4 × 4 entries per pass over the rows (each still summed over p = 0..d₀−1 in order: the bits of `dot`).
        for (; j + 3 < n; j += 4) dot4x4(a, i, xs, j, d0, scale, g, n);
        for (; j < n; j++) for (let r = i; r < i + 4; r++) if (!upper || j >= r) g[r * n + j] = dot(a, r, xs, j);
      }
      for (; i < rows; i++) for (let j = upper ? i : 0; j < n; j++) g[i * n + j] = dot(a, i, xs, j);
      if (upper) for (let r = 0; r < n; r++) for (let j = 0; j < r; j++) g[r * n + j] = g[j * n + r];
      return g;
    };
    const kernel = (k: { nngp: Float64Array; ntk: Float64Array }): Float64Array => {
      if (options.withoutReadout) for (let i = 0; i < k.ntk.length; i++) k.ntk[i] -= k.nngp[i];
      return k.ntk;
    };
    const theta = kernel(infiniteKernelPass(recursion, { rowNorms2: normsX, gram: gram(xs, n) }, { smooth: true }));
    options.onProgress?.(n, n + (Xc?.cols ?? 0));
    if (Xc === undefined) return { theta: { rows: n, cols: n, data: theta } };
    const m = Xc.cols;
    const normsC = Float64Array.from({ length: m }, (_, a) => dot(cs!, a, cs!, a));
    const cross = kernel(
      infiniteKernelPass(recursion, { rowNorms2: normsC, colNorms2: normsX, gram: gram(cs!, m) }, { smooth: true }),
    );
    options.onProgress?.(n + m, n + m);
    return { theta: { rows: n, cols: n, data: theta }, cross: { rows: m, cols: n, data: cross } };
  }
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
      const v = value(normsX[i], normsX[j], dot(xs, i, xs, j));
      theta.data[i * n + j] = v;
      theta.data[j * n + i] = v;
    }
    options.onProgress?.(i + 1, total);
  }
  if (Xc === undefined) return { theta };
  const cross: Matrix = { rows: m, cols: n, data: new Float64Array(m * n) };
  for (let a = 0; a < m; a++) {
    const qa = dot(cs!, a, cs!, a);
    for (let j = 0; j < n; j++) cross.data[a * n + j] = value(qa, normsX[j], dot(cs!, a, xs, j));
    options.onProgress?.(n + a + 1, total);
  }
  return { theta, cross };
}

/**
 * out[(i + r)·ld + j + c] = ⟨a_{i+r}, b_{j+c}⟩·scale for r, c = 0..3, rows of length d, each sum in index order (16
 * independent sums per pass, 8 loads for 16 multiply-adds).
 */
function dot4x4(
  a: Float64Array,
  i: number,
  b: Float64Array,
  j: number,
  d: number,
  scale: number,
  out: Float64Array,
  ld: number,
): void {
  const a0 = i * d;
  const a1 = a0 + d;
  const a2 = a1 + d;
  const a3 = a2 + d;
  const b0 = j * d;
  const b1 = b0 + d;
  const b2 = b1 + d;
  const b3 = b2 + d;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s23 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  let s33 = 0;
  for (let p = 0; p < d; p++) {
    const x0 = a[a0 + p];
    const x1 = a[a1 + p];
    const x2 = a[a2 + p];
    const x3 = a[a3 + p];
    const y0 = b[b0 + p];
    const y1 = b[b1 + p];
    const y2 = b[b2 + p];
    const y3 = b[b3 + p];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  const o = i * ld + j;
  out[o] = s00 * scale;
  out[o + 1] = s01 * scale;
  out[o + 2] = s02 * scale;
  out[o + 3] = s03 * scale;
  out[o + ld] = s10 * scale;
  out[o + ld + 1] = s11 * scale;
  out[o + ld + 2] = s12 * scale;
  out[o + ld + 3] = s13 * scale;
  out[o + 2 * ld] = s20 * scale;
  out[o + 2 * ld + 1] = s21 * scale;
  out[o + 2 * ld + 2] = s22 * scale;
  out[o + 2 * ld + 3] = s23 * scale;
  out[o + 3 * ld] = s30 * scale;
  out[o + 3 * ld + 1] = s31 * scale;
  out[o + 3 * ld + 2] = s32 * scale;
  out[o + 3 * ld + 3] = s33 * scale;
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
