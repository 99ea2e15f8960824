import { SpecError, type Activation } from '@spec/core';
import {
  mehlerCut,
  needOf,
  tabulatedDual,
  type ExpansionNeed,
  type TabulatedDual,
  type VarianceExpansion,
} from './activations/tabulated-dual.js';
import { correlation } from './quadrature/gaussian-expectation.js';

/**
 * The two Gaussian expectations a kernel map needs (apps/docs/theory/toolkit.md#gaussian-kernel-maps,
 * apps/docs/theory/infinite-width.md#mlp-recursions).
 */
export interface ActivationKernelValue {
  /** E φ(u) φ(v). */
  readonly value: number;
  /** E φ′(u) φ′(v). */
  readonly derivative: number;
}

const scratch = new Float64Array(2);

/**
 * `E φ(u)φ(v)` and `E φ′(u)φ′(v)` for `(u, v) ~ N(0, [[q1, c], [c, q2]])`
 * (apps/docs/theory/toolkit.md#gaussian-kernel-maps): the activation's closed-form `dual` when it has one (relu
 * arc-cosine, erf Williams, …), otherwise its {@link tabulatedDual} (Hermite coefficients per variance for smooth φ,
 * angle tables per pair of variances for kinked φ; within 1e−11 of the exact expectation relative to
 * √(E φ(u)² E φ(v)²)).
 *
 * @throws SpecError `E_INPUT` when (q1, q2, c) is not a covariance matrix
 */
export function activationKernel(act: Activation, q1: number, q2: number, c: number): ActivationKernelValue {
  correlation(q1, q2, c, `kernel map of "${act.name}"`);
  if (act.dual !== undefined) return { value: act.dual.value(q1, q2, c), derivative: act.dual.derivative(q1, q2, c) };
  tabulatedDual(act).both(q1, q2, c, scratch);
  return { value: scratch[0], derivative: scratch[1] };
}

/** Input of {@link activationKernelMatrix}: the Gaussian covariances of many pairs at once. */
export interface ActivationKernelMatrixInput {
  /** Variances q_i of the row points (length m). */
  readonly rowVariances: Float64Array;
  /** Variances q_j of the column points (length n); omit for a symmetric n × n problem (rows = columns). */
  readonly colVariances?: Float64Array;
  /**
   * Covariances c_ij, m × n row-major. Without `colVariances` it must be symmetric with c_ii = q_i: only the upper
   * triangle is read and the result is mirrored, exactly symmetric.
   */
  readonly covariance: Float64Array;
}

/** `E φ(u)φ(v)` and `E φ′(u)φ′(v)` of every pair, m × n row-major. */
export interface ActivationKernelMatrices {
  readonly value: Float64Array;
  readonly derivative: Float64Array;
}

/** Options of {@link activationKernelMatrix}. */
export interface ActivationKernelMatrixOptions {
  /** Edge of the square tiles the pair loop visits (default 64; keeps the rows' coefficients in cache). */
  readonly tile?: number;
  /**
   * Sum every Hermite term a pair's variances need (default false: stop once |ρ|^{K+1} ≤ 1e−11, which changes a
   * value by at most 1e−11 relative but makes it a step function of ρ at that level). True keeps each entry a
   * polynomial in ρ, equal to {@link activationKernel} to rounding, as quadrature over a kernel needs.
   */
  readonly smooth?: boolean;
}

/**
 * {@link activationKernel} for all pairs (i, j) of two point sets at once (apps/docs/theory/toolkit.md#gaussian-kernel-maps),
 * for the blockwise infinite-width kernels: closed-form duals pair by pair; otherwise the Hermite coefficients of each
 * distinct variance once, then Mehler sums `Σ_k a_k(q_i) a_k(q_j) ρ_ij^k` over the pairs in tiles (each truncated where
 * |ρ|^{K+1} ≤ 1e−11 unless `smooth`), the diagonal from the 1-D second moments, and the angle tables of
 * {@link tabulatedDual} for kinked φ. Results equal {@link activationKernel} of each pair to rounding with `smooth`,
 * within 1e−11 · √(E φ(u)² E φ(v)²) without.
 *
 * @throws SpecError `E_SHAPE` when the lengths do not match, `E_INPUT` for a pair that is not a covariance
 */
export function activationKernelMatrix(
  act: Activation,
  input: ActivationKernelMatrixInput,
  options: ActivationKernelMatrixOptions = {},
): ActivationKernelMatrices {
  const tile = options.tile ?? 64;
  const smooth = options.smooth ?? false;
  if (!Number.isInteger(tile) || tile < 1)
    throw new SpecError('E_INPUT', `activationKernelMatrix: tile must be a positive integer, got ${tile}`);
  const qr = input.rowVariances;
  const symmetric = input.colVariances === undefined;
  const qc = input.colVariances ?? qr;
  const m = qr.length;
  const n = qc.length;
  if (input.covariance.length !== m * n)
    throw new SpecError(
      'E_SHAPE',
      `activationKernelMatrix: covariance has ${input.covariance.length} entries, expected ${m} × ${n}`,
    );
  const C = input.covariance;
  const value = new Float64Array(m * n);
  const derivative = new Float64Array(m * n);
  const where = `kernel map of "${act.name}"`;
  const dual = act.dual;
  if (dual !== undefined) {
    forTiles(m, n, symmetric, tile, (i, j0, j1) => {
      for (let j = j0; j < j1; j++) {
        const c = C[i * n + j];
        correlation(qr[i], qc[j], c, where);
        value[i * n + j] = dual.value(qr[i], qc[j], c);
        derivative[i * n + j] = dual.derivative(qr[i], qc[j], c);
      }
    });
  } else {
    const tab = tabulatedDual(act);
    let rows: VarianceExpansion[];
    let cols: VarianceExpansion[];
    if (smooth) ({ rows, cols } = longExpansions(tab, qr, symmetric ? undefined : qc));
    else {
      rows = pointExpansions(tab, qr);
      cols = symmetric ? rows : pointExpansions(tab, qc);
    }
    assertFewTables(act, rows, cols, symmetric);
    const invRow = Float64Array.from(qr, (q) => (q > 0 ? 1 / Math.sqrt(q) : 0));
    const invCol = symmetric ? invRow : Float64Array.from(qc, (q) => (q > 0 ? 1 / Math.sqrt(q) : 0));
    const out = new Float64Array(2);
    // Per point: coefficients of φ and φ′ (null for the table route) and the degree each sum needs.
    const coefficients = (es: VarianceExpansion[]): Array<Float64Array | null>[] => [
      es.map((e) => e.value?.coefficients ?? null),
      es.map((e) => e.derivative?.coefficients ?? null),
    ];
    const [rowV, rowD] = coefficients(rows);
    const [colV, colD] = symmetric ? [rowV, rowD] : coefficients(cols);
    const degrees = (es: VarianceExpansion[], which: 'value' | 'derivative'): Int32Array =>
      Int32Array.from(es, (e) => e[which]?.degree ?? 0);
    const rowKV = degrees(rows, 'value');
    const rowKD = degrees(rows, 'derivative');
    const colKV = symmetric ? rowKV : degrees(cols, 'value');
    const colKD = symmetric ? rowKD : degrees(cols, 'derivative');
    forTiles(m, n, symmetric, tile, (i, j0, j1) => {
      const av = rowV[i];
      const ad = rowD[i];
      const base = i * n;
      const si = invRow[i];
      for (let j = j0; j < j1; j++) {
        const bv = colV[j];
        const bd = colD[j];
        const c = C[base + j];
        const rho = c * si * invCol[j];
        if (
          av !== null &&
          ad !== null &&
          bv !== null &&
          bd !== null &&
          si !== 0 &&
          invCol[j] !== 0 &&
          Math.abs(rho) < 1 &&
          !(c === qr[i] && c === qc[j])
        ) {
          // The Mehler sums of φ and φ′, as in `mehler` (same terms, same order); a pair that needs more
          // coefficients than a point has takes the slow path, which lengthens them.
          // mehlerDegree of each sum (or the full degree when smooth), with one logarithm for both.
          const cut = smooth ? Infinity : mehlerCut(rho);
          const kv = rowKV[i] > colKV[j] ? rowKV[i] : colKV[j];
          const kd = rowKD[i] > colKD[j] ? rowKD[i] : colKD[j];
          const topV = cut < kv ? cut : kv;
          const topD = cut < kd ? cut : kd;
          if (topV < av.length && topV < bv.length && topD < ad.length && topD < bd.length) {
            // Two independent Horner chains in one loop (each the same operations in the same order as alone):
            // a chain alone waits on its own multiply-add at every term.
            let sv = 0;
            let sd = 0;
            let k = topV > topD ? topV : topD;
            for (; k > topD; k--) sv = sv * rho + av[k] * bv[k];
            for (; k > topV; k--) sd = sd * rho + ad[k] * bd[k];
            for (; k >= 0; k--) {
              sv = sv * rho + av[k] * bv[k];
              sd = sd * rho + ad[k] * bd[k];
            }
            value[base + j] = sv;
            derivative[base + j] = sd;
            continue;
          }
        }
        // The diagonal, |ρ| at or beyond 1 (checked there), zero variances, angle tables, short expansions.
        tab.both(qr[i], qc[j], c, out);
        value[base + j] = out[0];
        derivative[base + j] = out[1];
      }
    });
  }
  if (symmetric) {
    mirror(value, n);
    mirror(derivative, n);
  }
  return { value, derivative };
}

/** Most angle tables (one per pair of distinct variances) {@link activationKernelMatrix} builds in one call. */
export const MAX_ANGLE_TABLES = 64;

/**
 * Refuses up front when the points' variances would need more than {@link MAX_ANGLE_TABLES} angle tables (a kinked φ
 * without a closed-form dual, or a smooth one too steep at these variances, at many distinct variances): each table
 * costs about 0.1–1 s.
 */
function assertFewTables(
  act: Activation,
  rows: VarianceExpansion[],
  cols: VarianceExpansion[],
  symmetric: boolean,
): void {
  const distinct = (es: VarianceExpansion[], tabled: boolean): number =>
    new Set(es.filter((e) => e.q > 0 && (!tabled || e.value === null)).map((e) => e.q)).size;
  const r = distinct(rows, true);
  const c = symmetric ? r : distinct(cols, true);
  if (r === 0 && c === 0) return;
  // A pair needs a table when either variance does (an upper bound when symmetric).
  const tables = r * distinct(cols, false) + (symmetric ? 0 : c * distinct(rows, false));
  if (tables > MAX_ANGLE_TABLES) {
    throw new SpecError(
      'E_INPUT',
      `kernel map of "${act.name}": this activation has no closed-form dual and kinks (or is too steep at variances up to ${Math.max(...rows.map((e) => e.q))}), so every pair of distinct variances needs its own angle table: ${tables} here, at most ${MAX_ANGLE_TABLES}; give the points equal norms (e.g. data on the unit sphere), lower σ_w², or give the activation a closed-form \`dual\``,
    );
  }
}

/** The expansion of each point's variance (one computation per distinct variance, cached by the dual). */
function pointExpansions(tab: TabulatedDual, q: Float64Array, need?: ExpansionNeed): VarianceExpansion[] {
  return Array.from(q, (v) => tab.expansion(v, need));
}

/**
 * Every point's expansion long enough for all of its pairs' Mehler sums in `smooth` mode (each pair runs to the larger
 * of its two degrees, so all to the largest degree met), computed once per point: the needed degree is guessed from
 * the largest variance (the steepest φ(√q ξ) for the usual activations) and raised, with a second pass, if some point
 * needs more. The same coefficients as expanding each point and then lengthening it, as the pair-by-pair dual does.
 */
function longExpansions(
  tab: TabulatedDual,
  qr: Float64Array,
  qc?: Float64Array,
): { rows: VarianceExpansion[]; cols: VarianceExpansion[] } {
  let top = 0;
  for (const q of qr) top = Math.max(top, q);
  if (qc !== undefined) for (const q of qc) top = Math.max(top, q);
  let need = needOf([tab.expansion(top)]);
  for (;;) {
    const rows = pointExpansions(tab, qr, need);
    const cols = qc === undefined ? rows : pointExpansions(tab, qc, need);
    const all = needOf(qc === undefined ? rows : [...rows, ...cols]);
    if (all.degree <= need.degree) return { rows, cols };
    need = all;
  }
}

/**
 * Visits the rows of each tile with its column range [j0, j1): the upper triangle (j ≥ i) when symmetric, else all
 * m × n.
 */
function forTiles(
  m: number,
  n: number,
  symmetric: boolean,
  tile: number,
  visit: (i: number, j0: number, j1: number) => void,
): void {
  for (let i0 = 0; i0 < m; i0 += tile) {
    const i1 = Math.min(m, i0 + tile);
    for (let j0 = symmetric ? i0 : 0; j0 < n; j0 += tile) {
      const j1 = Math.min(n, j0 + tile);
      for (let i = i0; i < i1; i++) visit(i, symmetric ? Math.max(i, j0) : j0, j1);
    }
  }
}

/** Copies the upper triangle into the lower one, in 64 × 64 blocks (a plain row loop writes with stride n). */
function mirror(a: Float64Array, n: number): void {
  const B = 64;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    for (let j0 = i0; j0 < n; j0 += B) {
      const j1 = Math.min(n, j0 + B);
      for (let i = i0; i < i1; i++) for (let j = Math.max(j0, i + 1); j < j1; j++) a[j * n + i] = a[i * n + j];
    }
  }
}

/**
 * `E φ(u)²` and `E φ′(u)²` for u ~ N(0, q_i), each entry of `q`: the diagonal of {@link activationKernelMatrix}
 * (apps/docs/theory/toolkit.md#gaussian-kernel-maps), the closed-form dual at (q, q, q) or the 1-D second moments of
 * the {@link tabulatedDual}.
 *
 * @throws SpecError `E_INPUT` for a negative or non-finite variance
 */
export function activationKernelDiagonal(act: Activation, q: Float64Array): ActivationKernelMatrices {
  const value = new Float64Array(q.length);
  const derivative = new Float64Array(q.length);
  const dual = act.dual;
  const tab = dual === undefined ? tabulatedDual(act) : undefined;
  for (let i = 0; i < q.length; i++) {
    correlation(q[i], q[i], q[i], `kernel map of "${act.name}"`);
    if (dual !== undefined) {
      value[i] = dual.value(q[i], q[i], q[i]);
      derivative[i] = dual.derivative(q[i], q[i], q[i]);
    } else {
      const e = tab!.expansion(q[i]);
      value[i] = e.valueDiagonal;
      derivative[i] = e.derivativeDiagonal;
    }
  }
  return { value, derivative };
}
