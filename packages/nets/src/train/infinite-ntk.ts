import { SpecError, type Activation, type Matrix } from '@spec/core';
import { gramKernelRecord, networkKernelMap } from '../kernel-map.js';
import type { Network } from '../network.js';
import { tabulatedDual } from '../activations/tabulated-dual.js';
import { mlpKernelRecursion } from '../mlp.js';
import { infiniteKernelPass } from '../infinite/recursion.js';
import { pointDot, pointGram, pointRows } from '../point-gram.js';

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
 * network (a plugin layer, the standard parametrisation) maps one record over the n + m points with
 * {@link networkKernelMap}, the layers' maps on whole arrays. An activation without a closed-form dual uses its
 * tabulated dual (Hermite coefficients computed once per variance, `tabulatedDual`).
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
  const xs = pointRows(X.data, d0, n);
  const cs = Xc !== undefined ? pointRows(Xc.data, d0, Xc.cols) : undefined;
  const dot = (a: Float64Array, i: number, b: Float64Array, j: number): number => pointDot(a, i, b, j, d0) * scale;
  const normsX = Float64Array.from({ length: n }, (_, i) => dot(xs, i, xs, i));
  const recursion = mlpKernelRecursion(net);
  if (recursion !== undefined) {
    // Gram entries with the bits of the pair-by-pair route's dot products.
    const gram = (a: Float64Array, rows: number): Float64Array => pointGram(a, rows, xs, n, d0, scale);
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
  // Any other network: its layers' maps on one record over the training points and the extra points together.
  const m = Xc?.cols ?? 0;
  const N = n + m;
  const all = cs === undefined ? xs : concatRows(xs, n, cs, m, d0);
  const gram = pointGram(all, N, all, N, d0, scale);
  const out = networkKernelMap(net).map(gramKernelRecord(gram, N));
  const ntk = out.ntk;
  if (options.withoutReadout) for (let i = 0; i < ntk.length; i++) ntk[i] -= out.nngp[i];
  const theta: Matrix = { rows: n, cols: n, data: new Float64Array(n * n) };
  // The upper triangle, mirrored: Θ exactly symmetric whatever the rounding of a plugin's map.
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      theta.data[i * n + j] = ntk[i * N + j];
      theta.data[j * n + i] = ntk[i * N + j];
    }
  }
  options.onProgress?.(N, N);
  if (Xc === undefined) return { theta };
  const cross: Matrix = { rows: m, cols: n, data: new Float64Array(m * n) };
  for (let a = 0; a < m; a++) cross.data.set(ntk.subarray((n + a) * N, (n + a) * N + n), a * n);
  return { theta, cross };
}

/** The rows of `a` (n × d) then those of `b` (m × d) as one (n + m) × d array. */
function concatRows(a: Float64Array, n: number, b: Float64Array, m: number, d: number): Float64Array {
  const out = new Float64Array((n + m) * d);
  out.set(a.subarray(0, n * d));
  out.set(b.subarray(0, m * d), n * d);
  return out;
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
