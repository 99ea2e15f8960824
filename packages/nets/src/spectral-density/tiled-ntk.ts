import { SpecError, columnRange, type Backend, type Matrix } from '@spec/core';
import { float64 } from '../spatial/sample-gram.js';
import type { BlockMatvec } from '@spec/rmt';
import type { NtkFactor } from './lean-kernels.js';

/** Default tile edge of {@link tiledNtkOperator}: three 512 × 512 tiles are 6 MB. */
export const NTK_TILE = 512;

/** Rows [r0, r1) of an n × d row-major matrix, as a view. */
function rowsOf(data: Float64Array, d: number, r0: number, r1: number): Matrix {
  return { rows: r1 - r0, cols: d, data: data.subarray(r0 * d, r1 * d) };
}

/** The NTK as a matrix-free operator and its exact mean eigenvalue. */
export interface TiledNtk {
  /** V (count × n) ↦ rows of NTK·V, the NTK formed tile by tile at each call and never kept. */
  readonly apply: BlockMatvec;
  /** tr NTK / n, from the factors' diagonals. */
  readonly mean: number;
}

/**
 * The empirical NTK applied without forming it (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes):
 * NTK = Σ_ℓ (a2_ℓ X_ℓ X_ℓᵀ + b2_ℓ) ⊙ (S_ℓ S_ℓᵀ) from {@link leanNtkFactors} (one row per sample). Each call visits the
 * tile pairs (I, J ≥ I) of edge `tile`, forms the tile T = Σ_ℓ (a2 X_ℓ[I, :] X_ℓ[J, :]ᵀ + b2) ⊙ (S_ℓ[I, :] S_ℓ[J, :]ᵀ)
 * with two products per layer on the backend, and adds V_J Tᵀ to the outputs of I (and V_I T to those of J when
 * J ≠ I). Memory: the factors (n·Σ d_ℓ, a tile's samples contiguous rows) plus O(tile²); the n × n matrix is never
 * held. Work per call: that of forming the NTK once
 * (n²·Σ d_ℓ multiply-adds), so this trades time for memory — for when the stored NTK would not fit. When n ≫ d a call
 * is cheaper by the factored identity (`form: 'auto'` picks whichever costs fewer multiply-adds for the call's block of
 * vectors; 'tiled' / 'factored' force one). The factors are consumed.
 */
export function tiledNtkOperator(
  factors: NtkFactor[],
  backend: Backend,
  tile: number = NTK_TILE,
  form: 'tiled' | 'factored' | 'auto' = 'auto',
): TiledNtk {
  if (!Number.isInteger(tile) || tile < 1)
    throw new SpecError('E_INPUT', `tiledNtkOperator: tile must be a positive integer, got ${tile}`);
  if (factors.length === 0) throw new SpecError('E_INPUT', 'tiledNtkOperator: no factors');
  const n = factors[0].X.rows;
  // Taken from the list one by one, so the list holds no factor the operator does not.
  const terms: Array<{ Xt: Float64Array; dx: number; St: Float64Array; ds: number; a2: number; b2: number }> = [];
  let trace = 0;
  while (factors.length > 0) {
    const f = factors.shift()!;
    if (f.X.rows !== n || f.S.rows !== n)
      throw new SpecError('E_SHAPE', `tiledNtkOperator: every factor must have ${n} rows (one per sample)`);
    const Xt = float64(f.X);
    const St = float64(f.S);
    const dx = f.X.cols;
    const ds = f.S.cols;
    for (let a = 0; a < n; a++) {
      let xx = 0;
      for (let k = 0; k < dx; k++) xx += Xt[a * dx + k] * Xt[a * dx + k];
      let ss = 0;
      for (let k = 0; k < ds; k++) ss += St[a * ds + k] * St[a * ds + k];
      trace += (f.a2 * xx + f.b2) * ss;
    }
    terms.push({ Xt, dx, St, ds, a2: f.a2, b2: f.b2 });
  }
  // Multiply-adds of one call: the tile form rebuilds the NTK (n²/2 · Σ (d_x + d_s)); the factored form costs
  // 2·n·d_x·d_s per vector and term, cheaper when n ≫ d.
  const tiledCost = (n * n * terms.reduce((a, t) => a + t.dx + t.ds, 0)) / 2;
  const factoredCost = (count: number): number => 2 * count * n * terms.reduce((a, t) => a + t.dx * t.ds, 0);
  const apply: BlockMatvec = (V, out, count) => {
    if (form === 'factored' || (form === 'auto' && factoredCost(count) < tiledCost)) {
      factoredApply(terms, n, backend, V, out, count);
      return;
    }
    out.fill(0, 0, count * n);
    for (let i0 = 0; i0 < n; i0 += tile) {
      const i1 = Math.min(n, i0 + tile);
      const VI = columnRange({ rows: count, cols: n, data: V }, i0, i1 - i0);
      for (let j0 = i0; j0 < n; j0 += tile) {
        const j1 = Math.min(n, j0 + tile);
        const T = new Float64Array((i1 - i0) * (j1 - j0));
        for (const t of terms) {
          const ss = backend.gemm(rowsOf(t.St, t.ds, i0, i1), rowsOf(t.St, t.ds, j0, j1), { transB: true }).data;
          if (t.dx === 0) {
            // A term without a left factor (0 × n, a zero Gram): its share is b2 SᵀS.
            for (let k = 0; k < T.length; k++) T[k] += t.b2 * ss[k];
            continue;
          }
          const xx = backend.gemm(rowsOf(t.Xt, t.dx, i0, i1), rowsOf(t.Xt, t.dx, j0, j1), { transB: true }).data;
          for (let k = 0; k < T.length; k++) T[k] += (t.a2 * xx[k] + t.b2) * ss[k];
        }
        const Tm: Matrix = { rows: i1 - i0, cols: j1 - j0, data: T };
        addColumns(
          out,
          n,
          count,
          i0,
          backend.gemm(columnRange({ rows: count, cols: n, data: V }, j0, j1 - j0), Tm, { transB: true }).data,
        );
        if (j0 !== i0) addColumns(out, n, count, j0, backend.gemm(VI, Tm).data);
      }
    }
  };
  return { apply, mean: trace / n };
}

/**
 * The same product by the factored identity ((a2 XᵀX + b2) ⊙ SᵀS) v = a2 · rowwise(x_iᵀ M s_i) + b2 · s_i·u with
 * M = X diag(v) Sᵀ (d_x × d_s) and u = S v: two products of n·d_x·d_s multiply-adds per vector and term, no n × n
 * work at all (X and S held transposed, n × d).
 */
function factoredApply(
  terms: ReadonlyArray<{ Xt: Float64Array; dx: number; St: Float64Array; ds: number; a2: number; b2: number }>,
  n: number,
  backend: Backend,
  V: Float64Array,
  out: Float64Array,
  count: number,
): void {
  out.fill(0, 0, count * n);
  // One scratch for the scaled rows of every term and vector (n × max d_x): allocating it per vector left large garbage
  // at every Lanczos step (bench/README.md#why-the-code-is-the-way-it-is).
  const scratch = new Float64Array(n * Math.max(...terms.map((t) => t.dx)));
  for (const t of terms) {
    const { Xt, dx, St, ds, a2, b2 } = t;
    const scaled = scratch.subarray(0, n * dx);
    for (let q = 0; q < count; q++) {
      const v = V.subarray(q * n, (q + 1) * n);
      for (let j = 0; j < n; j++) {
        const vj = v[j];
        for (let k = 0; k < dx; k++) scaled[j * dx + k] = Xt[j * dx + k] * vj;
      }
      // M = Σ_j v_j x_j s_jᵀ (d_x × d_s), then Z = X M per sample (n × d_s): (K v)_i = a2 Σ_k Z[i, k] S[k, i] + b2 s_i·u.
      // Without a left factor (d_x = 0) Z is 0.
      const Z =
        dx === 0
          ? new Float64Array(n * ds)
          : backend.gemm(
              { rows: n, cols: dx, data: Xt },
              backend.gemm({ rows: n, cols: dx, data: scaled }, { rows: n, cols: ds, data: St }, { transA: true }),
            ).data;
      const u = new Float64Array(ds);
      if (b2 !== 0) for (let j = 0; j < n; j++) for (let k = 0; k < ds; k++) u[k] += v[j] * St[j * ds + k];
      const o = q * n;
      for (let i = 0; i < n; i++) {
        let z = 0;
        let su = 0;
        for (let k = 0; k < ds; k++) {
          z += Z[i * ds + k] * St[i * ds + k];
          su += St[i * ds + k] * u[k];
        }
        out[o + i] += a2 * z + b2 * su;
      }
    }
  }
}

/** out[q, c0 + c] += Y[q, c] for the count × w row-major Y. */
function addColumns(out: Float64Array, n: number, count: number, c0: number, Y: ArrayLike<number>): void {
  const w = Y.length / count;
  for (let q = 0; q < count; q++) {
    const o = q * n + c0;
    const y = q * w;
    for (let c = 0; c < w; c++) out[o + c] += Y[y + c];
  }
}
