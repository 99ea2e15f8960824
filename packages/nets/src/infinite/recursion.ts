import { SpecError, type Activation } from '@spec/core';
import { activationKernelDiagonal, activationKernelMatrix } from '../activation-kernel.js';
import { linear } from '../activations/elementary.js';
import type { ResolvedInfiniteOptions } from './architecture.js';

/**
 * Gram entries of two point sets for {@link infiniteKernelPass}: ⟨x_i, x_i⟩ (m), ⟨y_j, y_j⟩ (n) and ⟨x_i, y_j⟩ (m × n,
 * row-major). Without `colNorms2` the problem is symmetric (y = x, n = m, `gram` symmetric with the norms on its
 * diagonal).
 */
export interface GramEntries {
  readonly rowNorms2: Float64Array;
  readonly colNorms2?: Float64Array;
  readonly gram: Float64Array;
}

/** NNGP Σ and NTK Θ of the scalar output at one depth, for every pair (m × n) and on both diagonals. */
export interface KernelsAtDepth {
  /** Hidden layers L. */
  readonly depth: number;
  readonly nngp: Float64Array;
  readonly ntk: Float64Array;
  /** Σ(x_i, x_i), Θ(x_i, x_i). */
  readonly rowDiagonal: { readonly nngp: Float64Array; readonly ntk: Float64Array };
  /** Σ(y_j, y_j), Θ(y_j, y_j) (the row diagonal when symmetric). */
  readonly colDiagonal: { readonly nngp: Float64Array; readonly ntk: Float64Array };
}

/** Options of {@link infiniteKernelPass}. */
export interface InfiniteKernelPassOptions {
  /**
   * Called with the readout's kernels after each depth 1..L, in order (one pass gives every depth). The arrays are
   * fresh for each call.
   */
  readonly onDepth?: (kernels: KernelsAtDepth) => void;
  /** Called after each layer with (layers done, layers). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Tile edge of the pair loops (see {@link activationKernelMatrix}; default 64). */
  readonly tile?: number;
  /** Keep every kernel a smooth function of the inputs (see {@link activationKernelMatrix}'s `smooth`; default false). */
  readonly smooth?: boolean;
}

/** Pair kernels (nngp, ntk) and their two diagonals: the record a layer maps. */
interface State {
  nngp: Float64Array;
  ntk: Float64Array;
  rowNngp: Float64Array;
  rowNtk: Float64Array;
  colNngp: Float64Array;
  colNtk: Float64Array;
}

/**
 * Infinite-width NNGP and NTK of an MLP or residual MLP (NTK parametrisation) for all pairs of two point sets at once
 * (apps/docs/theory/infinite-width.md#mlp-recursions, #residual-mlp): each layer is one vectorised pass over the whole
 * m × n matrix (and the two diagonals), its Gaussian expectations from {@link activationKernelMatrix}:
 * `Σ¹ = σ²_w,in ⟨x, y⟩ + σ_b²`, then per hidden layer with pre-activation covariance `C = σ_w² Σ + σ_b²`:
 * `Σ ← E φ(u)φ(v)`, `Θ ← (C + σ_w² Θ) E φ′(u)φ′(v)` (the first layer with σ²_w,in and Θ = 0), and the linear readout
 * `Σ_f = σ_w² Σ + σ_b²`, `Θ_f = Σ_f + σ_w² Θ`. Residual: a linear input layer, blocks `Σ ← Σ + σ_w² E φφ`,
 * `Θ ← Θ + σ_w² E φφ + σ_w² E φ′φ′ Θ`, then φ and the readout. The same recursions as the layer plugins' scalar kernel
 * maps (`networkKernelMap` over `infiniteNetwork`, which the tests compare with), vectorised.
 *
 * Returns the kernels at depth L; `onDepth` receives those at every depth 1..L from the same pass.
 *
 * @throws SpecError `E_SHAPE` for inconsistent lengths, `E_INPUT` for a Gram that is not one (negative norm,
 *   |⟨x, y⟩| > ‖x‖‖y‖ beyond rounding) or a kernel that overflows (with what to lower)
 */
export function infiniteKernelPass(
  o: ResolvedInfiniteOptions,
  input: GramEntries,
  options: InfiniteKernelPassOptions = {},
): KernelsAtDepth {
  const symmetric = input.colNorms2 === undefined;
  const rowNorms2 = input.rowNorms2;
  const colNorms2 = input.colNorms2 ?? rowNorms2;
  const m = rowNorms2.length;
  const n = colNorms2.length;
  if (input.gram.length !== m * n)
    throw new SpecError(
      'E_SHAPE',
      `infinite-width kernels: the Gram has ${input.gram.length} entries, not ${m} × ${n}`,
    );
  const { sigmaW2, sigmaB2, sigmaW2In, depth, activation } = o;
  // Σ⁰ = the Gram, clamped to Cauchy–Schwarz against rounding; Θ⁰ = 0.
  const state: State = {
    nngp: clampedGram(rowNorms2, colNorms2, input.gram, symmetric),
    ntk: new Float64Array(m * n),
    rowNngp: Float64Array.from(rowNorms2),
    rowNtk: new Float64Array(m),
    colNngp: symmetric ? new Float64Array(0) : Float64Array.from(colNorms2),
    colNtk: symmetric ? new Float64Array(0) : new Float64Array(n),
  };
  const ctx: Context = { symmetric, tile: options.tile ?? 64, smooth: options.smooth ?? false };
  const total = o.architecture === 'mlp' ? depth : depth + 1;
  let done = 0;
  const tick = (): void => options.onProgress?.(++done, total);
  let last: KernelsAtDepth | undefined;
  const emit = (l: number, s: State): void => {
    if (options.onDepth === undefined && l !== depth) return;
    const out = readout(s, sigmaW2, sigmaB2, symmetric, l);
    check(out, o);
    if (l === depth) last = out;
    options.onDepth?.(out);
  };
  if (o.architecture === 'mlp') {
    let s = dense(state, sigmaW2In, sigmaB2, activation, ctx);
    tick();
    emit(1, s);
    for (let l = 2; l <= depth; l++) {
      s = dense(s, sigmaW2, sigmaB2, activation, ctx);
      tick();
      emit(l, s);
    }
  } else {
    let s = dense(state, sigmaW2In, sigmaB2, linear, ctx);
    tick();
    for (let l = 1; l <= depth; l++) {
      // Depth l: l − 1 residual blocks, then φ and the readout.
      if (l > 1) {
        s = residualBlock(s, sigmaW2, activation, ctx);
        tick();
      }
      if (options.onDepth !== undefined || l === depth) emit(l, activationOnly(s, activation, ctx));
    }
    tick();
  }
  return last!;
}

/** What every layer of one pass shares. */
interface Context {
  readonly symmetric: boolean;
  readonly tile: number;
  readonly smooth: boolean;
}

/** E φφ and E φ′φ′ of every pair (the upper triangle, mirrored, when symmetric). */
function pairKernels(
  act: Activation,
  rowQ: Float64Array,
  colQ: Float64Array,
  covariance: Float64Array,
  ctx: Context,
): { value: Float64Array; derivative: Float64Array } {
  const input = ctx.symmetric
    ? { rowVariances: rowQ, covariance }
    : { rowVariances: rowQ, colVariances: colQ, covariance };
  return activationKernelMatrix(act, input, { tile: ctx.tile, smooth: ctx.smooth });
}

function clampedGram(
  rowNorms2: Float64Array,
  colNorms2: Float64Array,
  gram: Float64Array,
  symmetric: boolean,
): Float64Array {
  const m = rowNorms2.length;
  const n = colNorms2.length;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const a = rowNorms2[i];
    if (!(a >= 0) || !Number.isFinite(a))
      throw new SpecError('E_INPUT', `infinite-width kernels: ⟨x, x⟩ = ${a} is not a finite number ≥ 0`);
    for (let j = 0; j < n; j++) {
      const b = colNorms2[j];
      if (symmetric && i === j) {
        out[i * n + j] = a;
        continue;
      }
      if (!(b >= 0) || !Number.isFinite(b))
        throw new SpecError('E_INPUT', `infinite-width kernels: ⟨y, y⟩ = ${b} is not a finite number ≥ 0`);
      const bound = Math.sqrt(a * b);
      const xy = gram[i * n + j];
      if (!Number.isFinite(xy) || Math.abs(xy) > bound * (1 + 1e-9))
        throw new SpecError(
          'E_INPUT',
          `infinite-width kernels: (${a}, ${b}, ${xy}) is not a 2 × 2 Gram matrix (|⟨x, y⟩| > ‖x‖‖y‖)`,
        );
      // Cauchy–Schwarz holds exactly in ℝ: clamp the rounding.
      out[i * n + j] = Math.max(-bound, Math.min(bound, xy));
    }
  }
  return out;
}

/** A dense layer `φ(σ_w W h/√d + σ_b b)` in NTK parametrisation (apps/docs/theory/infinite-width.md#mlp-recursions). */
function dense(s: State, sw2: number, sb2: number, act: Activation, ctx: Context): State {
  const symmetric = ctx.symmetric;
  const pre = affine(s.nngp, sw2, sb2);
  const rowQ = symmetric ? diagonalOf(pre, s.rowNngp.length) : affine(s.rowNngp, sw2, sb2);
  const colQ = symmetric ? rowQ : affine(s.colNngp, sw2, sb2);
  const k = pairKernels(act, rowQ, colQ, pre, ctx);
  const ntk = k.derivative;
  for (let i = 0; i < ntk.length; i++) ntk[i] *= pre[i] + sw2 * s.ntk[i];
  const rows = diagonalStep(act, rowQ, s.rowNtk, sw2, symmetric ? k : undefined);
  const cols = symmetric
    ? { nngp: new Float64Array(0), ntk: new Float64Array(0) }
    : diagonalStep(act, colQ, s.colNtk, sw2);
  return {
    nngp: k.value,
    ntk,
    rowNngp: rows.nngp,
    rowNtk: rows.ntk,
    colNngp: cols.nngp,
    colNtk: cols.ntk,
  };
}

/** The diagonal of a dense layer: from the symmetric matrix when given, else from the 1-D duals. */
function diagonalStep(
  act: Activation,
  q: Float64Array,
  ntk: Float64Array,
  sw2: number,
  matrix?: { value: Float64Array; derivative: Float64Array },
): { nngp: Float64Array; ntk: Float64Array } {
  const n = q.length;
  if (matrix !== undefined) {
    // Already multiplied by the tangent factor above.
    return { nngp: diagonalOf(matrix.value, n), ntk: diagonalOf(matrix.derivative, n) };
  }
  const d = activationKernelDiagonal(act, q);
  const t = d.derivative;
  for (let i = 0; i < n; i++) t[i] *= q[i] + sw2 * ntk[i];
  return { nngp: d.value, ntk: t };
}

/** A residual block `h + σ_w ω φ(h)/√n` (apps/docs/theory/infinite-width.md#residual-mlp). */
function residualBlock(s: State, sw2: number, act: Activation, ctx: Context): State {
  const symmetric = ctx.symmetric;
  const m = s.rowNngp.length;
  const k = pairKernels(act, s.rowNngp, s.colNngp, s.nngp, ctx);
  const step = (nngp: Float64Array, ntk: Float64Array, v: Float64Array, d: Float64Array): void => {
    for (let i = 0; i < nngp.length; i++) {
      ntk[i] = ntk[i] + sw2 * v[i] + sw2 * d[i] * ntk[i];
      nngp[i] = nngp[i] + sw2 * v[i];
    }
  };
  const nngp = Float64Array.from(s.nngp);
  const ntk = Float64Array.from(s.ntk);
  step(nngp, ntk, k.value, k.derivative);
  if (symmetric) return { ...s, nngp, ntk, rowNngp: diagonalOf(nngp, m), rowNtk: diagonalOf(ntk, m) };
  const rowNngp = Float64Array.from(s.rowNngp);
  const rowNtk = Float64Array.from(s.rowNtk);
  const r = activationKernelDiagonal(act, s.rowNngp);
  step(rowNngp, rowNtk, r.value, r.derivative);
  const colNngp = Float64Array.from(s.colNngp);
  const colNtk = Float64Array.from(s.colNtk);
  const c = activationKernelDiagonal(act, s.colNngp);
  step(colNngp, colNtk, c.value, c.derivative);
  return { nngp, ntk, rowNngp, rowNtk, colNngp, colNtk };
}

/** The activation layer φ(h) with no weights: `Σ ← E φφ`, `Θ ← Θ E φ′φ′`. */
function activationOnly(s: State, act: Activation, ctx: Context): State {
  const symmetric = ctx.symmetric;
  const m = s.rowNngp.length;
  const k = pairKernels(act, s.rowNngp, s.colNngp, s.nngp, ctx);
  const ntk = k.derivative;
  for (let i = 0; i < ntk.length; i++) ntk[i] *= s.ntk[i];
  if (symmetric) return { ...s, nngp: k.value, ntk, rowNngp: diagonalOf(k.value, m), rowNtk: diagonalOf(ntk, m) };
  const r = activationKernelDiagonal(act, s.rowNngp);
  const c = activationKernelDiagonal(act, s.colNngp);
  for (let i = 0; i < m; i++) r.derivative[i] *= s.rowNtk[i];
  for (let j = 0; j < c.derivative.length; j++) c.derivative[j] *= s.colNtk[j];
  return { nngp: k.value, ntk, rowNngp: r.value, rowNtk: r.derivative, colNngp: c.value, colNtk: c.derivative };
}

/** The linear readout `Σ_f = σ_w² Σ + σ_b²`, `Θ_f = Σ_f + σ_w² Θ`. */
function readout(s: State, sw2: number, sb2: number, symmetric: boolean, depth: number): KernelsAtDepth {
  const out = (nngp: Float64Array, ntk: Float64Array): { nngp: Float64Array; ntk: Float64Array } => {
    const f = affine(nngp, sw2, sb2);
    const t = new Float64Array(f.length);
    for (let i = 0; i < f.length; i++) t[i] = f[i] + sw2 * ntk[i];
    return { nngp: f, ntk: t };
  };
  const pair = out(s.nngp, s.ntk);
  const rows = out(s.rowNngp, s.rowNtk);
  return { depth, ...pair, rowDiagonal: rows, colDiagonal: symmetric ? rows : out(s.colNngp, s.colNtk) };
}

function affine(a: Float64Array, scale: number, shift: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = scale * a[i] + shift;
  return out;
}

function diagonalOf(a: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  return d;
}

function check(k: KernelsAtDepth, o: ResolvedInfiniteOptions): void {
  for (const a of [k.nngp, k.ntk, k.rowDiagonal.nngp, k.rowDiagonal.ntk, k.colDiagonal.nngp, k.colDiagonal.ntk]) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        throw new SpecError(
          'E_INPUT',
          `infinite-width kernel of "${o.activation.name}" is not finite at depth ${k.depth} (σ_w² = ${o.sigmaW2}); try a smaller σ_w² or depth`,
        );
      }
    }
  }
}
