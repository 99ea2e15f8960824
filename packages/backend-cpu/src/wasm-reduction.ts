/**
 * WebAssembly SIMD (f64x2) bodies of the blocked Householder tridiagonalisation's vector kernels
 * (`tridiagonalize`): the symmetric product of the trailing block, and the dot / two-term
 * axpy that apply a panel's earlier reflectors. They are assembled into the tile module by
 * `tileModuleBytes` (wasm-kernel.ts) so that a worker thread instantiating that module on a shared
 * memory runs the same code on the same matrix. All addresses are byte offsets into the module's memory.
 */
import {
  BLOCK_LOOP,
  BR_IF_OUT,
  BR_LOOP_END,
  F64X2_SPLAT,
  F64_ADD,
  F64_MUL,
  I32_ADD,
  I32_AND,
  I32_GE_U,
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
  v128Load,
  v128Store,
} from './wasm-encoding.js';

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

/** `local += step` for an i32 local. */
const advance = (k: number, step: number): number[] => [...get(k), ...i32Const(step), I32_ADD, ...set(k)];
/** lane 0 + lane 1 of a v128 local, as an f64 on the stack. */
const lanes = (k: number): number[] => [...get(k), ...lane(0), ...get(k), ...lane(1), F64_ADD];
/** `(x << 3)` of an i32 local: an element index to a byte offset. */
const bytesOf = (k: number): number[] => [...get(k), ...i32Const(3), I32_SHL];
/** `f64.const 0`. */
const f64Zero = (): number[] => [0x44, 0, 0, 0, 0, 0, 0, 0, 0];

/**
 * Body of `symvRows(a, v, p, n, jStart, jEnd)`: rows jStart ≤ j < jEnd of the symmetric product p += B v, B
 * stored in the UPPER triangle of the row-major n × n matrix at `a` (entry (j, l), l ≥ j, at a + 8(jn + l)):
 *
 * ```
 * for j in [jStart, jEnd):  s = Σ_{l>j} B[j, l] v[l];  p[l] += B[j, l] v[j] (l > j);  p[j] += s + B[j, j] v[j]
 * ```
 *
 * Rows go in groups of four (then a pair and a single row for the rest) so that each load of v and p serves four
 * rows, and the column loop is unrolled twice: per 16 matrix entries, 12 loads, 2 stores and 16 f64x2
 * multiply-adds. The group's 4 × 4 triangle on the diagonal is done in scalar code. Every row's sums are formed in
 * one fixed order, so splitting the rows between threads (each with its own p) gives the same per-row results.
 */
export function symvRowsBody(fma: boolean): number[] {
  const [a, v, p, n, js, je] = [0, 1, 2, 3, 4, 5];
  // i32 locals
  const [j, vl, pl, pe, len, pj, nb] = [6, 7, 8, 9, 10, 11, 12];
  const X = 13; // x0 … x3: 13 … 16
  // v128 locals
  const S = 17; // S0 … S3: 17 … 20
  const VJ = 21; // VJ0 … VJ3: 21 … 24
  const [AV, VV, PV] = [25, 26, 27];
  // f64 locals
  const vj = 28; // 28 … 31
  const sc = 32; // scalar sums of the diagonal triangle: 32 … 35
  const tc = 36; // p contributions of the diagonal triangle: 36 … 39
  const [ax] = [40];
  /** Code for one group of R rows starting at row j; leaves j unchanged. */
  const group = (R: number): number[] => {
    const code: number[] = [
      // x_r = &B[j + r, j];  vl = &v[j];  pj = &p[j]
      ...get(a),
      ...get(j),
      ...get(n),
      I32_MUL,
      ...get(j),
      I32_ADD,
      ...i32Const(3),
      I32_SHL,
      I32_ADD,
      ...set(X),
    ];
    for (let r = 1; r < R; r++) code.push(...get(X + r - 1), ...get(nb), I32_ADD, ...set(X + r));
    code.push(...get(v), ...bytesOf(j), I32_ADD, ...set(vl), ...get(p), ...bytesOf(j), I32_ADD, ...set(pj));
    for (let r = 0; r < R; r++) {
      code.push(...get(vl), ...f64Load(8 * r), ...set(vj + r));
      code.push(...get(vj + r), ...F64X2_SPLAT, ...set(VJ + r));
      code.push(...V128_ZERO, ...set(S + r));
      code.push(...f64Zero(), ...set(sc + r));
      // t_r = B[j + r, j + r]·v[j + r]
      code.push(...get(X + r), ...f64Load(8 * r), ...get(vj + r), F64_MUL, ...set(tc + r));
    }
    // The triangle above the diagonal within the group: s_r += B[r, c]·v[c]; t_c += B[r, c]·v[r].
    for (let r = 0; r < R; r++) {
      for (let c = r + 1; c < R; c++) {
        code.push(...get(X + r), ...f64Load(8 * c), ...set(ax));
        code.push(...get(sc + r), ...get(ax), ...get(vj + c), F64_MUL, F64_ADD, ...set(sc + r));
        code.push(...get(tc + c), ...get(ax), ...get(vj + r), F64_MUL, F64_ADD, ...set(tc + c));
      }
    }
    // Columns j + R … n − 1: len of them; main loop over 4 at a time.
    for (let r = 0; r < R; r++) code.push(...advance(X + r, 8 * R));
    code.push(...advance(vl, 8 * R));
    code.push(...get(pj), ...i32Const(8 * R), I32_ADD, ...set(pl));
    code.push(...get(n), ...get(j), I32_SUB, ...i32Const(R), I32_SUB, ...set(len));
    code.push(...get(pl), ...get(len), ...i32Const(-4), I32_AND, ...i32Const(3), I32_SHL, I32_ADD, ...set(pe));
    /** One f64x2 column pair at byte offset `off` from the current pointers. */
    const pair = (off: number): number[] => {
      const out: number[] = [...get(vl), ...v128Load(off), ...set(VV), ...get(pl), ...v128Load(off), ...set(PV)];
      for (let r = 0; r < R; r++) {
        out.push(...get(X + r), ...v128Load(off), ...set(AV));
        out.push(...madd(fma, get(AV), get(VV), get(S + r)), ...set(S + r));
        out.push(...madd(fma, get(AV), get(VJ + r), get(PV)), ...set(PV));
      }
      out.push(...get(pl), ...get(PV), ...v128Store(off));
      return out;
    };
    const step = (bytes: number): number[] => {
      const out: number[] = [];
      for (let r = 0; r < R; r++) out.push(...advance(X + r, bytes));
      out.push(...advance(vl, bytes), ...advance(pl, bytes));
      return out;
    };
    code.push(
      ...BLOCK_LOOP,
      ...get(pl),
      ...get(pe),
      I32_GE_U,
      ...BR_IF_OUT,
      ...pair(0),
      ...pair(16),
      ...step(32),
      ...BR_LOOP_END,
    );
    // Two more columns, then one.
    code.push(...get(len), ...i32Const(2), I32_AND, 0x04, 0x40, ...pair(0), ...step(16), 0x0b);
    code.push(...get(len), ...i32Const(1), I32_AND, 0x04, 0x40, ...get(vl), ...f64Load(0), ...set(ax));
    for (let r = 0; r < R; r++) {
      // s_r += B[r, l]·v[l];  t (into p[l] directly) += B[r, l]·v[r]
      code.push(...get(sc + r), ...get(X + r), ...f64Load(0), ...get(ax), F64_MUL, F64_ADD, ...set(sc + r));
    }
    code.push(...get(pl), ...get(pl), ...f64Load(0));
    for (let r = 0; r < R; r++) code.push(...get(X + r), ...f64Load(0), ...get(vj + r), F64_MUL, F64_ADD);
    code.push(...f64Store(0), 0x0b);
    // p[j + r] += (lanes(S_r) + s_r) + t_r
    for (let r = 0; r < R; r++) {
      code.push(
        ...get(pj),
        ...get(pj),
        ...f64Load(8 * r),
        ...lanes(S + r),
        ...get(sc + r),
        F64_ADD,
        ...get(tc + r),
        F64_ADD,
        F64_ADD,
        ...f64Store(8 * r),
      );
    }
    return code;
  };
  const body: number[] = [
    ...get(n),
    ...i32Const(3),
    I32_SHL,
    ...set(nb),
    ...get(js),
    ...set(j),
    ...BLOCK_LOOP,
    ...get(j),
    ...i32Const(3),
    I32_ADD,
    ...get(je),
    I32_GE_U,
    ...BR_IF_OUT,
    ...group(4),
    ...advance(j, 4),
    ...BR_LOOP_END,
    ...get(j),
    ...i32Const(1),
    I32_ADD,
    ...get(je),
    0x49 /* i32.lt_u */,
    0x04,
    0x40,
    ...group(2),
    ...advance(j, 2),
    0x0b,
    ...get(j),
    ...get(je),
    0x49 /* i32.lt_u */,
    0x04,
    0x40,
    ...group(1),
    0x0b,
    0x0b,
  ];
  return [0x03, 0x0b, I32, 0x0b, V128, 0x0d, F64, ...body];
}

/** Body of `dot(x, y, len) → f64`: Σ_{l<len} x[l]·y[l] in f64x2 (pairs of lanes, then an odd last term). */
export function dotBody(fma: boolean): number[] {
  const [x, y, len] = [0, 1, 2];
  const [end, S, r] = [3, 4, 5];
  const body: number[] = [
    ...get(x),
    ...get(len),
    ...i32Const(-2),
    I32_AND,
    ...i32Const(3),
    I32_SHL,
    I32_ADD,
    ...set(end),
    ...V128_ZERO,
    ...set(S),
    ...BLOCK_LOOP,
    ...get(x),
    ...get(end),
    I32_GE_U,
    ...BR_IF_OUT,
    ...madd(fma, [...get(x), ...v128Load()], [...get(y), ...v128Load()], get(S)),
    ...set(S),
    ...advance(x, 16),
    ...advance(y, 16),
    ...BR_LOOP_END,
    ...lanes(S),
    ...set(r),
    ...get(len),
    ...i32Const(1),
    I32_AND,
    0x04,
    0x40,
    ...get(r),
    ...get(x),
    ...f64Load(0),
    ...get(y),
    ...f64Load(0),
    F64_MUL,
    F64_ADD,
    ...set(r),
    0x0b,
    ...get(r),
    0x0b,
  ];
  return [0x03, 0x01, I32, 0x01, V128, 0x01, F64, ...body];
}

/** Body of `axpy2(alpha, x, beta, z, y, len)`: y[l] += alpha·x[l] + beta·z[l] for l < len, in f64x2. */
export function axpy2Body(fma: boolean): number[] {
  const [alpha, x, beta, z, y, len] = [0, 1, 2, 3, 4, 5];
  const [end, AL, BE] = [6, 7, 8];
  const body: number[] = [
    ...get(y),
    ...get(len),
    ...i32Const(-2),
    I32_AND,
    ...i32Const(3),
    I32_SHL,
    I32_ADD,
    ...set(end),
    ...get(alpha),
    ...F64X2_SPLAT,
    ...set(AL),
    ...get(beta),
    ...F64X2_SPLAT,
    ...set(BE),
    ...BLOCK_LOOP,
    ...get(y),
    ...get(end),
    I32_GE_U,
    ...BR_IF_OUT,
    ...get(y),
    ...madd(
      fma,
      get(BE),
      [...get(z), ...v128Load()],
      madd(fma, get(AL), [...get(x), ...v128Load()], [...get(y), ...v128Load()]),
    ),
    ...v128Store(),
    ...advance(x, 16),
    ...advance(z, 16),
    ...advance(y, 16),
    ...BR_LOOP_END,
    ...get(len),
    ...i32Const(1),
    I32_AND,
    0x04,
    0x40,
    ...get(y),
    ...get(y),
    ...f64Load(0),
    ...get(alpha),
    ...get(x),
    ...f64Load(0),
    F64_MUL,
    F64_ADD,
    ...get(beta),
    ...get(z),
    ...f64Load(0),
    F64_MUL,
    F64_ADD,
    ...f64Store(0),
    0x0b,
    0x0b,
  ];
  return [0x02, 0x01, I32, 0x02, V128, ...body];
}
