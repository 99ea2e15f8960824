/**
 * WebAssembly SIMD (f64x2) bodies of the two-stage eigensolver's kernels, assembled into the tile module by
 * `tileModuleBytes` (wasm-kernel.ts): `chase`, one whole bulge-chasing task of the band-to-tridiagonal reduction
 * (band-tridiagonal.ts), and `packSymmetric`, the packing of a symmetric matrix stored in its upper triangle into the
 * 5-row panels of the `block` micro-kernel (band-reduction.ts). All addresses are byte offsets into the module's
 * memory.
 */
import {
  BLOCK_LOOP,
  BR_IF_OUT,
  BR_LOOP_END,
  F64X2_SPLAT,
  F64_ADD,
  F64_MUL,
  F64_SUB,
  I32_ADD,
  I32_MUL,
  I32_SHL,
  I32_SUB,
  V128_ZERO,
  f64Load,
  f64Store,
  get,
  i32Const,
  lane,
  madd,
  set,
  tee,
  v128Load,
  v128Store,
} from './wasm-encoding.js';

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const I32_GT_U = 0x4b;
const I32_GE_U = 0x4f;
const I32_LT_U = 0x49;
const F64_DIV = 0xa3;
const F64_SQRT = 0x9f;
const F64_NEG = 0x9a;
const F64_EQ = 0x61;
const F64_GE = 0x66;
const SELECT = 0x1b;
const RETURN = 0x0f;
const END = 0x0b;
const IF = [0x04, 0x40];
/** `v128.store64_lane` of lane `l` with a constant byte offset. */
const store64Lane = (offset: number, l: number): number[] => [0xfd, 0x5b, 0x03, offset, l];

/** `f64.const x`. */
function f64Const(x: number): number[] {
  const bytes = new Uint8Array(new Float64Array([x]).buffer);
  return [0x44, ...bytes];
}

/** `local += step` (i32). */
const advance = (k: number, step: number): number[] => [...get(k), ...i32Const(step), I32_ADD, ...set(k)];

/** `while (p + guard ≤ end) { body }` for i32 locals p and end (guard in bytes). */
function whileFits(p: number, guard: number, end: number, body: number[]): number[] {
  return [
    ...BLOCK_LOOP,
    ...get(p),
    ...i32Const(guard),
    I32_ADD,
    ...get(end),
    I32_GT_U,
    ...BR_IF_OUT,
    ...body,
    ...BR_LOOP_END,
  ];
}

/** `for (i = from; i < to; i++) { body }` with `from` and `to` as code that pushes an i32. */
function forRange(i: number, from: number[], to: number[], body: number[]): number[] {
  return [
    ...from,
    ...set(i),
    ...BLOCK_LOOP,
    ...get(i),
    ...to,
    I32_GE_U,
    ...BR_IF_OUT,
    ...body,
    ...advance(i, 1),
    ...BR_LOOP_END,
  ];
}

/** lane 0 + lane 1 of a v128 local, as an f64 on the stack. */
const lanes = (k: number): number[] => [...get(k), ...lane(0), ...get(k), ...lane(1), F64_ADD];

/** Byte address `base + 8·index` from two i32 locals. */
const at = (base: number, index: number): number[] => [...get(base), ...get(index), ...i32Const(3), I32_SHL, I32_ADD];

/**
 * Body of `chase(m, ld, src, g0, len, cols, v, w) → τ`: one task of the bulge chase (band-tridiagonal.ts) on the
 * skewed band at byte offset m (element (i, j) at m + 8(i·ld + j)), with `v` and `w` two scratch vectors of 2b
 * doubles:
 *
 * ```
 * x = A[src, g0 … g0 + len)                    ;; the row the reflector zeroes beyond its first entry
 * (β, τ, v) = dlarfg(x);  x ← (β, 0, …, 0)     ;; return 0 at once when x is already reduced
 * for r in src + 1 … g0 − 1:  A[r, G] ← A[r, G] − τ (A[r, G]·v) vᵀ   ;; right application, G = g0 … g0 + len − 1
 * ;; rows g0 … g0 + len − 1, each from its diagonal over the block D = A[G, G] and, when cols > 0 (then len = b),
 * ;; the next block E = A[G, g0 + b … g0 + b + cols): one extended row per row, v padded with zeros
 * p = D v ‖ vᵀE                               ;; one pass (the D part as a symmetric product from the upper rows)
 * w = τ p + ½ τ (τ pᵀv)·v                      ;; = (w_D, τ vᵀE)
 * rows ← rows − v wᵀ − w vᵀ                    ;; two-sided on D, from the left on E (the E part of the second term is 0)
 * ```
 *
 * Every loop over columns runs on f64x2 pairs with a scalar last element.
 */
export function chaseBody(fma: boolean): number[] {
  const [m, ld, src, g0, len, cols, v, w] = [0, 1, 2, 3, 4, 5, 6, 7];
  // i32 locals
  const [x, r, a, end, W, d0, step, ldb, pa, pv, pw, rows] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  // f64 locals
  const [alpha, ss, beta, tau, s, vr, wr, half] = [20, 21, 22, 23, 24, 25, 26, 27];
  // v128 locals
  const [S, VR, WR, AV] = [28, 29, 30, 31];
  const code: number[] = [];
  // ldb = 8·ld; step = 8(ld + 1) (from one diagonal entry to the next); x = m + 8(src·ld + g0)
  code.push(...get(ld), ...i32Const(3), I32_SHL, ...set(ldb));
  code.push(...get(ldb), ...i32Const(8), I32_ADD, ...set(step));
  code.push(
    ...get(m),
    ...get(src),
    ...get(ld),
    I32_MUL,
    ...get(g0),
    I32_ADD,
    ...i32Const(3),
    I32_SHL,
    I32_ADD,
    ...set(x),
  );
  // ss = Σ_{l≥1} x[l]²
  code.push(...V128_ZERO, ...set(S));
  code.push(...get(x), ...i32Const(8), I32_ADD, ...set(pa), ...at(x, len), ...set(end));
  code.push(
    ...whileFits(pa, 16, end, [
      ...get(pa),
      ...v128Load(),
      ...set(AV),
      ...madd(fma, get(AV), get(AV), get(S)),
      ...set(S),
      ...advance(pa, 16),
    ]),
  );
  code.push(...lanes(S), ...set(ss));
  code.push(...get(pa), ...get(end), I32_LT_U, ...IF);
  code.push(...get(ss), ...get(pa), ...f64Load(), ...get(pa), ...f64Load(), F64_MUL, F64_ADD, ...set(ss), END);
  code.push(...get(ss), ...f64Const(0), F64_EQ, ...IF, ...f64Const(0), RETURN, END);
  // β = −sign(α)·√(α² + ss), τ = (β − α)/β, v = (1, x[1 …]/(α − β)), x ← (β, 0 …)
  code.push(...get(x), ...f64Load(), ...set(alpha));
  code.push(...get(alpha), ...get(alpha), F64_MUL, ...get(ss), F64_ADD, F64_SQRT, ...set(beta));
  code.push(...get(beta), F64_NEG, ...get(beta), ...get(alpha), ...f64Const(0), F64_GE, SELECT, ...set(beta));
  code.push(...get(beta), ...get(alpha), F64_SUB, ...get(beta), F64_DIV, ...set(tau));
  code.push(...f64Const(1), ...get(alpha), ...get(beta), F64_SUB, F64_DIV, ...set(s)); // s = 1/(α − β)
  code.push(...get(v), ...f64Const(1), ...f64Store());
  code.push(
    ...forRange(r, i32Const(1), get(len), [
      ...at(v, r),
      ...at(x, r),
      ...f64Load(),
      ...get(s),
      F64_MUL,
      ...f64Store(),
      ...at(x, r),
      ...f64Const(0),
      ...f64Store(),
    ]),
  );
  code.push(...get(x), ...get(beta), ...f64Store());
  // W = len + cols; v[len … W) = 0; w[0 … W) = 0
  code.push(...get(len), ...get(cols), I32_ADD, ...set(W));
  code.push(...forRange(r, get(len), get(W), [...at(v, r), ...f64Const(0), ...f64Store()]));
  code.push(...forRange(r, i32Const(0), get(W), [...at(w, r), ...f64Const(0), ...f64Store()]));
  // Right application to rows src + 1 … g0 − 1 (row r of them at x + r·ldb).
  code.push(...get(g0), ...get(src), I32_SUB, ...set(rows));
  code.push(
    ...forRange(r, i32Const(1), get(rows), [
      ...get(x),
      ...get(r),
      ...get(ldb),
      I32_MUL,
      I32_ADD,
      ...set(a),
      ...at(a, len),
      ...set(end),
      // s = row·v
      ...V128_ZERO,
      ...set(S),
      ...get(a),
      ...set(pa),
      ...get(v),
      ...set(pv),
      ...whileFits(pa, 16, end, [
        ...madd(fma, [...get(pa), ...v128Load()], [...get(pv), ...v128Load()], get(S)),
        ...set(S),
        ...advance(pa, 16),
        ...advance(pv, 16),
      ]),
      ...lanes(S),
      ...set(s),
      ...get(pa),
      ...get(end),
      I32_LT_U,
      ...IF,
      ...get(s),
      ...get(pa),
      ...f64Load(),
      ...get(pv),
      ...f64Load(),
      F64_MUL,
      F64_ADD,
      ...set(s),
      END,
      // row ← row − (τ s) v
      ...get(s),
      ...get(tau),
      F64_MUL,
      F64_NEG,
      ...set(s),
      ...get(s),
      ...F64X2_SPLAT,
      ...set(VR),
      ...get(a),
      ...set(pa),
      ...get(v),
      ...set(pv),
      ...whileFits(pa, 16, end, [
        ...get(pa),
        ...madd(fma, get(VR), [...get(pv), ...v128Load()], [...get(pa), ...v128Load()]),
        ...v128Store(),
        ...advance(pa, 16),
        ...advance(pv, 16),
      ]),
      ...get(pa),
      ...get(end),
      I32_LT_U,
      ...IF,
      ...get(pa),
      ...get(pa),
      ...f64Load(),
      ...get(s),
      ...get(pv),
      ...f64Load(),
      F64_MUL,
      F64_ADD,
      ...f64Store(),
      END,
    ]),
  );
  // Pass 1: p = D v ‖ vᵀE into w. Row r starts at its diagonal d0 + r·step and runs W − r entries.
  code.push(
    ...get(m),
    ...get(g0),
    ...get(ld),
    I32_MUL,
    ...get(g0),
    I32_ADD,
    ...i32Const(3),
    I32_SHL,
    I32_ADD,
    ...set(d0),
  );
  const rowStart = [
    ...get(d0),
    ...get(r),
    ...get(step),
    I32_MUL,
    I32_ADD,
    ...set(a),
    ...get(a),
    ...get(W),
    ...get(r),
    I32_SUB,
    ...i32Const(3),
    I32_SHL,
    I32_ADD,
    ...set(end),
  ];
  code.push(
    ...forRange(r, i32Const(0), get(len), [
      ...rowStart,
      ...at(v, r),
      ...f64Load(),
      ...tee(vr),
      ...F64X2_SPLAT,
      ...set(VR),
      ...V128_ZERO,
      ...set(S),
      // c from 1: pa = a + 8, pv = &v[r + 1], pw = &w[r + 1]
      ...get(a),
      ...i32Const(8),
      I32_ADD,
      ...set(pa),
      ...at(v, r),
      ...i32Const(8),
      I32_ADD,
      ...set(pv),
      ...at(w, r),
      ...i32Const(8),
      I32_ADD,
      ...set(pw),
      ...whileFits(pa, 16, end, [
        ...get(pa),
        ...v128Load(),
        ...set(AV),
        ...madd(fma, get(AV), [...get(pv), ...v128Load()], get(S)),
        ...set(S),
        ...get(pw),
        ...madd(fma, get(AV), get(VR), [...get(pw), ...v128Load()]),
        ...v128Store(),
        ...advance(pa, 16),
        ...advance(pv, 16),
        ...advance(pw, 16),
      ]),
      ...lanes(S),
      ...set(s),
      ...get(pa),
      ...get(end),
      I32_LT_U,
      ...IF,
      ...get(s),
      ...get(pa),
      ...f64Load(),
      ...get(pv),
      ...f64Load(),
      F64_MUL,
      F64_ADD,
      ...set(s),
      ...get(pw),
      ...get(pw),
      ...f64Load(),
      ...get(pa),
      ...f64Load(),
      ...get(vr),
      F64_MUL,
      F64_ADD,
      ...f64Store(),
      END,
      // w[r] += s + a[0]·v[r]
      ...at(w, r),
      ...at(w, r),
      ...f64Load(),
      ...get(s),
      ...get(a),
      ...f64Load(),
      ...get(vr),
      F64_MUL,
      F64_ADD,
      F64_ADD,
      ...f64Store(),
    ]),
  );
  // w ← τ w; half = −½ τ (wᵀv); w ← w + half·v
  code.push(...f64Const(0), ...set(s));
  code.push(
    ...forRange(r, i32Const(0), get(W), [
      ...at(w, r),
      ...at(w, r),
      ...f64Load(),
      ...get(tau),
      F64_MUL,
      ...tee(wr),
      ...f64Store(),
      ...get(s),
      ...get(wr),
      ...at(v, r),
      ...f64Load(),
      F64_MUL,
      F64_ADD,
      ...set(s),
    ]),
  );
  code.push(...f64Const(-0.5), ...get(tau), F64_MUL, ...get(s), F64_MUL, ...set(half));
  code.push(
    ...forRange(r, i32Const(0), get(W), [
      ...at(w, r),
      ...at(w, r),
      ...f64Load(),
      ...get(half),
      ...at(v, r),
      ...f64Load(),
      F64_MUL,
      F64_ADD,
      ...f64Store(),
    ]),
  );
  // Pass 2: row r ← row r − v[r]·w[r …] − w[r]·v[r …].
  code.push(
    ...forRange(r, i32Const(0), get(len), [
      ...rowStart,
      ...at(v, r),
      ...f64Load(),
      F64_NEG,
      ...tee(vr),
      ...F64X2_SPLAT,
      ...set(VR),
      ...at(w, r),
      ...f64Load(),
      F64_NEG,
      ...tee(wr),
      ...F64X2_SPLAT,
      ...set(WR),
      ...get(a),
      ...set(pa),
      ...at(v, r),
      ...set(pv),
      ...at(w, r),
      ...set(pw),
      ...whileFits(pa, 16, end, [
        ...get(pa),
        ...madd(
          fma,
          get(VR),
          [...get(pw), ...v128Load()],
          madd(fma, get(WR), [...get(pv), ...v128Load()], [...get(pa), ...v128Load()]),
        ),
        ...v128Store(),
        ...advance(pa, 16),
        ...advance(pv, 16),
        ...advance(pw, 16),
      ]),
      ...get(pa),
      ...get(end),
      I32_LT_U,
      ...IF,
      ...get(pa),
      ...get(pa),
      ...f64Load(),
      ...get(vr),
      ...get(pw),
      ...f64Load(),
      F64_MUL,
      F64_ADD,
      ...get(wr),
      ...get(pv),
      ...f64Load(),
      F64_MUL,
      F64_ADD,
      ...f64Store(),
      END,
    ]),
  );
  code.push(...get(tau), END);
  // locals: 12 × i32, 8 × f64, 4 × v128
  return [0x03, 0x0c, I32, 0x08, F64, 0x04, V128, ...code];
}

/**
 * Body of `packSymmetric(a, ld, i, t0, kc, dst)`: the 5-row panel of rows i … i + 4 of the symmetric matrix stored in
 * the upper triangle of the row-major matrix at `a` (row stride ld doubles), columns t0 … t0 + kc − 1, laid out
 * [t][r] at `dst` (element (r, t) at dst + 8(5t + r)) as the `block` kernel reads it. Column t < i comes from row t
 * (five consecutive entries: two v128 and one f64 copy); column t ≥ i + 5 from the five rows i … i + 4 (pairs of
 * columns loaded as v128 and stored lane by lane); the five columns in between entry by entry.
 */
export function packSymmetricBody(): number[] {
  const [a, ld, i, t0, kc, dst] = [0, 1, 2, 3, 4, 5];
  // i32 locals
  const [t, tEnd, src, d, lim, ldb, r, q] = [6, 7, 8, 9, 10, 11, 12, 13];
  const V = 14; // v128 × 5: 14 … 18
  const code: number[] = [];
  code.push(...get(ld), ...i32Const(3), I32_SHL, ...set(ldb));
  code.push(...get(t0), ...get(kc), I32_ADD, ...set(tEnd));
  code.push(...get(t0), ...set(t), ...get(dst), ...set(d));
  // Part 1: t < min(i, tEnd): row t, columns i … i + 4.
  code.push(...get(i), ...get(tEnd), ...get(i), ...get(tEnd), I32_LT_U, SELECT, ...set(lim));
  code.push(
    ...get(a),
    ...get(t),
    ...get(ld),
    I32_MUL,
    ...get(i),
    I32_ADD,
    ...i32Const(3),
    I32_SHL,
    I32_ADD,
    ...set(src),
  );
  code.push(
    ...BLOCK_LOOP,
    ...get(t),
    ...get(lim),
    I32_GE_U,
    ...BR_IF_OUT,
    ...get(d),
    ...get(src),
    ...v128Load(0),
    ...v128Store(0),
    ...get(d),
    ...get(src),
    ...v128Load(16),
    ...v128Store(16),
    ...get(d),
    ...get(src),
    ...f64Load(32),
    ...f64Store(32),
    ...advance(t, 1),
    ...advance(d, 40),
    ...get(src),
    ...get(ldb),
    I32_ADD,
    ...set(src),
    ...BR_LOOP_END,
  );
  // Part 2: i ≤ t < min(i + 5, tEnd): element (r, t) = A[min(i + r, t), max(i + r, t)].
  code.push(...get(i), ...i32Const(5), I32_ADD, ...set(lim));
  code.push(...get(lim), ...get(tEnd), ...get(lim), ...get(tEnd), I32_LT_U, SELECT, ...set(lim));
  code.push(
    ...BLOCK_LOOP,
    ...get(t),
    ...get(lim),
    I32_GE_U,
    ...BR_IF_OUT,
    ...forRange(r, i32Const(0), i32Const(5), [
      // q = i + r; address of A[min(q, t), max(q, t)]
      ...get(i),
      ...get(r),
      I32_ADD,
      ...set(q),
      ...get(d),
      ...get(r),
      ...i32Const(3),
      I32_SHL,
      I32_ADD,
      ...get(a),
      ...get(q),
      ...get(t),
      ...get(q),
      ...get(t),
      I32_LT_U,
      SELECT,
      ...get(ld),
      I32_MUL,
      ...get(t),
      ...get(q),
      ...get(t),
      ...get(q),
      I32_GT_U,
      SELECT,
      I32_ADD,
      ...i32Const(3),
      I32_SHL,
      I32_ADD,
      ...f64Load(),
      ...f64Store(),
    ]),
    ...advance(t, 1),
    ...advance(d, 40),
    ...BR_LOOP_END,
  );
  // Part 3: t ≥ i + 5: rows i … i + 4 from column t, two columns at a time, then one.
  code.push(
    ...get(a),
    ...get(i),
    ...get(ld),
    I32_MUL,
    ...get(t),
    I32_ADD,
    ...i32Const(3),
    I32_SHL,
    I32_ADD,
    ...set(src),
  );
  const rowLoads: number[] = [];
  for (let k = 0; k < 5; k++) {
    rowLoads.push(
      ...get(src),
      ...(k > 0 ? [...get(ldb), ...i32Const(k), I32_MUL, I32_ADD] : []),
      ...v128Load(),
      ...set(V + k),
    );
  }
  const laneStores: number[] = [];
  for (let k = 0; k < 5; k++) {
    laneStores.push(...get(d), ...get(V + k), ...store64Lane(8 * k, 0));
    laneStores.push(...get(d), ...get(V + k), ...store64Lane(40 + 8 * k, 1));
  }
  code.push(
    ...BLOCK_LOOP,
    ...get(t),
    ...i32Const(1),
    I32_ADD,
    ...get(tEnd),
    I32_GE_U,
    ...BR_IF_OUT,
    ...rowLoads,
    ...laneStores,
    ...advance(t, 2),
    ...advance(d, 80),
    ...advance(src, 16),
    ...BR_LOOP_END,
  );
  const scalarColumn: number[] = [];
  for (let k = 0; k < 5; k++) {
    scalarColumn.push(
      ...get(d),
      ...get(src),
      ...(k > 0 ? [...get(ldb), ...i32Const(k), I32_MUL, I32_ADD] : []),
      ...f64Load(),
      ...f64Store(8 * k),
    );
  }
  code.push(...get(t), ...get(tEnd), I32_LT_U, ...IF, ...scalarColumn, END);
  code.push(END);
  // locals: 8 × i32, 5 × v128
  return [0x02, 0x08, I32, 0x05, V128, ...code];
}
