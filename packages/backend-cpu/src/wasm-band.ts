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

/** Multiply-add on f64: `acc + a·b` (no fused form in scalar wasm). */
const fmadd = (a: number[], b: number[], acc: number[]): number[] => [...acc, ...a, ...b, F64_MUL, F64_ADD];

/**
 * A loop over `count` consecutive doubles of several streams: pairs as f64x2 (`vec`), then one element in f64
 * (`scalar`); `lead` is the stream whose end bounds the loop, `ptrs` all the pointer locals advanced (by 16 per pair).
 * The pointers are left past the pairs, at the odd element if any.
 */
function streams(
  lead: number,
  end: number,
  count: number[],
  ptrs: number[],
  vec: number[],
  scalar: number[],
): number[] {
  return [
    ...get(lead),
    ...count,
    ...i32Const(3),
    I32_SHL,
    I32_ADD,
    ...set(end),
    ...whileFits(lead, 16, end, [...vec, ...ptrs.flatMap((p) => advance(p, 16))]),
    ...get(lead),
    ...get(end),
    I32_LT_U,
    ...IF,
    ...scalar,
    END,
  ];
}

/**
 * Body of `chase(m, ld, src, g0, len, cols, v, w) → τ`: one task of the bulge chase (band-tridiagonal.ts) on the
 * skewed band at byte offset m (element (i, j) at m + 8(i·ld + j)), with `v` and `w` two scratch vectors of 2b
 * doubles:
 *
 * ```
 * x = A[src, G], G = g0 … g0 + len − 1        ;; the row the reflector zeroes beyond its first entry
 * (β, τ, v) = dlarfg(x);  x ← (β, 0, …, 0)     ;; return 0 at once when x is already reduced
 * A[r, G] ← A[r, G] − τ (A[r, G]·v) vᵀ  for r = src + 1 … g0 − 1            ;; right application
 * p = D v, u = vᵀE   for D = A[G, G] (upper rows) and E = A[G, g0 + b … g0 + b + cols)   ;; one pass over the rows
 * w = τ p − ½ τ² (pᵀv)·v                       ;; then D ← D − v wᵀ − w vᵀ, E ← E − v (τ u)ᵀ: a second pass
 * ```
 *
 * The rows go two at a time, so that each load of v and of the accumulated p, u, w serves two rows; within a row,
 * the E columns continue the D columns in memory (row r of the band runs from its diagonal through both blocks), so
 * each pass runs one loop over D's columns (with the dot products of p = D v) and one over E's (without). Every loop
 * runs on f64x2 pairs with a scalar last element.
 */
export function chaseBody(fma: boolean): number[] {
  const [m, ld, src, g0, len, cols, v, w] = [0, 1, 2, 3, 4, 5, 6, 7];
  // i32 locals
  const [x, r, a0, a1, end, d0, step, ldb, pv, pw, rows, W, q] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
  // f64 locals
  const [alpha, ss, beta, tau, s0, s1, vr0, vr1, wr0, wr1, half] = [21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31];
  // v128 locals
  const [S0, S1, VR0, VR1, WR0, WR1, A0, A1, VV, PV] = [32, 33, 34, 35, 36, 37, 38, 39, 40, 41];
  const ld64 = (p: number, off = 0): number[] => [...get(p), ...f64Load(off)];
  const ldv = (p: number): number[] => [...get(p), ...v128Load()];
  const mad = (a: number[], b: number[], acc: number[]): number[] => madd(fma, a, b, acc);
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
  code.push(...V128_ZERO, ...set(S0), ...f64Const(0), ...set(ss), ...get(x), ...i32Const(8), I32_ADD, ...set(a0));
  code.push(
    ...streams(
      a0,
      end,
      [...get(len), ...i32Const(1), I32_SUB],
      [a0],
      [...ldv(a0), ...set(A0), ...mad(get(A0), get(A0), get(S0)), ...set(S0)],
      fmadd(ld64(a0), ld64(a0), get(ss)).concat(set(ss)),
    ),
  );
  code.push(...lanes(S0), ...get(ss), F64_ADD, ...set(ss));
  code.push(...get(ss), ...f64Const(0), F64_EQ, ...IF, ...f64Const(0), RETURN, END);
  // β = −sign(α)·√(α² + ss), τ = (β − α)/β, v = (1, x[1 …]/(α − β)), x ← (β, 0 …)
  code.push(...get(x), ...f64Load(), ...set(alpha));
  code.push(...get(alpha), ...get(alpha), F64_MUL, ...get(ss), F64_ADD, F64_SQRT, ...set(beta));
  code.push(...get(beta), F64_NEG, ...get(beta), ...get(alpha), ...f64Const(0), F64_GE, SELECT, ...set(beta));
  code.push(...get(beta), ...get(alpha), F64_SUB, ...get(beta), F64_DIV, ...set(tau));
  code.push(...f64Const(1), ...get(alpha), ...get(beta), F64_SUB, F64_DIV, ...set(s0)); // 1/(α − β)
  code.push(...get(v), ...f64Const(1), ...f64Store());
  code.push(
    ...forRange(r, i32Const(1), get(len), [
      ...at(v, r),
      ...at(x, r),
      ...f64Load(),
      ...get(s0),
      F64_MUL,
      ...f64Store(),
      ...at(x, r),
      ...f64Const(0),
      ...f64Store(),
    ]),
  );
  code.push(...get(x), ...get(beta), ...f64Store());
  // W = len + cols; w[0 … W) = 0 (p, then u)
  code.push(...get(len), ...get(cols), I32_ADD, ...set(W));
  code.push(...forRange(r, i32Const(0), get(W), [...at(w, r), ...f64Const(0), ...f64Store()]));

  // Right application to rows src + 1 … g0 − 1 (row q of them at x + q·ldb), two rows at a time.
  const rightRows = (two: boolean): number[] => {
    const out: number[] = [...get(x), ...get(q), ...get(ldb), I32_MUL, I32_ADD, ...set(a0)];
    if (two) out.push(...get(a0), ...get(ldb), I32_ADD, ...set(a1));
    // s = row·v
    out.push(
      ...V128_ZERO,
      ...set(S0),
      ...V128_ZERO,
      ...set(S1),
      ...f64Const(0),
      ...set(s0),
      ...f64Const(0),
      ...set(s1),
    );
    out.push(...get(v), ...set(pv));
    const dotVec = [...ldv(pv), ...set(VV), ...mad(ldv(a0), get(VV), get(S0)), ...set(S0)];
    const dotScalar = [...fmadd(ld64(a0), ld64(pv), get(s0)), ...set(s0)];
    if (two) {
      dotVec.push(...mad(ldv(a1), get(VV), get(S1)), ...set(S1));
      dotScalar.push(...fmadd(ld64(a1), ld64(pv), get(s1)), ...set(s1));
    }
    out.push(...streams(pv, end, get(len), two ? [pv, a0, a1] : [pv, a0], dotVec, dotScalar));
    // row ← row − τ s v (restart the pointers)
    out.push(...lanes(S0), ...get(s0), F64_ADD, ...get(tau), F64_MUL, F64_NEG, ...tee(s0), ...F64X2_SPLAT, ...set(VR0));
    out.push(...lanes(S1), ...get(s1), F64_ADD, ...get(tau), F64_MUL, F64_NEG, ...tee(s1), ...F64X2_SPLAT, ...set(VR1));
    out.push(...get(x), ...get(q), ...get(ldb), I32_MUL, I32_ADD, ...set(a0), ...get(v), ...set(pv));
    if (two) out.push(...get(a0), ...get(ldb), I32_ADD, ...set(a1));
    const axVec = [...ldv(pv), ...set(VV), ...get(a0), ...mad(get(VR0), get(VV), ldv(a0)), ...v128Store()];
    const axScalar = [...get(a0), ...fmadd(get(s0), ld64(pv), ld64(a0)), ...f64Store()];
    if (two) {
      axVec.push(...get(a1), ...mad(get(VR1), get(VV), ldv(a1)), ...v128Store());
      axScalar.push(...get(a1), ...fmadd(get(s1), ld64(pv), ld64(a1)), ...f64Store());
    }
    out.push(...streams(pv, end, get(len), two ? [pv, a0, a1] : [pv, a0], axVec, axScalar));
    return out;
  };
  code.push(...get(g0), ...get(src), I32_SUB, ...set(rows)); // rows src … g0 − 1; q from 1
  code.push(...i32Const(1), ...set(q));
  code.push(
    ...BLOCK_LOOP,
    ...get(q),
    ...i32Const(1),
    I32_ADD,
    ...get(rows),
    I32_GE_U,
    ...BR_IF_OUT,
    ...rightRows(true),
    ...advance(q, 2),
    ...BR_LOOP_END,
  );
  code.push(...get(q), ...get(rows), I32_LT_U, ...IF, ...rightRows(false), END);

  // Pass 1: p = D v into w[0 … len), u = vᵀE into w[len … W). Row r of the band starts at its diagonal d0 + r·step.
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
  /**
   * Rows r (and r + 1 when `two`): the pointers start at column r + 1 of row r and column r + 2 of row r + 1 after the
   * scalar terms of row r's column r + 1.
   */
  const pass1 = (two: boolean): number[] => {
    const out: number[] = [...get(d0), ...get(r), ...get(step), I32_MUL, I32_ADD, ...set(a0)];
    out.push(...at(v, r), ...f64Load(), ...tee(vr0), ...F64X2_SPLAT, ...set(VR0));
    out.push(
      ...V128_ZERO,
      ...set(S0),
      ...V128_ZERO,
      ...set(S1),
      ...f64Const(0),
      ...set(s0),
      ...f64Const(0),
      ...set(s1),
    );
    // the diagonal terms: p[r] += D[r, r]·v[r] (and row r + 1's)
    out.push(...at(w, r), ...fmadd(ld64(a0), get(vr0), [...at(w, r), ...f64Load()]), ...f64Store());
    if (two) {
      out.push(...get(a0), ...get(step), I32_ADD, ...set(a1));
      out.push(...at(v, r), ...f64Load(8), ...tee(vr1), ...F64X2_SPLAT, ...set(VR1));
      out.push(...at(w, r), ...fmadd(ld64(a1), get(vr1), [...at(w, r), ...f64Load(8)]), ...f64Store(8));
      // row r, column r + 1: s₀ += D[r, r + 1]·v[r + 1], p[r + 1] += D[r, r + 1]·v[r]
      out.push(...fmadd(ld64(a0, 8), [...at(v, r), ...f64Load(8)], get(s0)), ...set(s0));
      out.push(...at(w, r), ...fmadd(ld64(a0, 8), get(vr0), [...at(w, r), ...f64Load(8)]), ...f64Store(8));
      out.push(...advance(a0, 16), ...advance(a1, 8));
      out.push(...at(v, r), ...i32Const(16), I32_ADD, ...set(pv), ...at(w, r), ...i32Const(16), I32_ADD, ...set(pw));
    } else {
      out.push(...advance(a0, 8));
      out.push(...at(v, r), ...i32Const(8), I32_ADD, ...set(pv), ...at(w, r), ...i32Const(8), I32_ADD, ...set(pw));
    }
    // D columns: count = len − r − (two ? 2 : 1)
    const dCount = [...get(len), ...get(r), I32_SUB, ...i32Const(two ? 2 : 1), I32_SUB];
    const dVec = [...ldv(pv), ...set(VV), ...ldv(a0), ...set(A0), ...mad(get(A0), get(VV), get(S0)), ...set(S0)];
    const dScalar = [...fmadd(ld64(a0), ld64(pv), get(s0)), ...set(s0)];
    let pUpdate = mad(get(A0), get(VR0), ldv(pw));
    let pUpdateScalar = fmadd(ld64(a0), get(vr0), ld64(pw));
    if (two) {
      dVec.push(...ldv(a1), ...set(A1), ...mad(get(A1), get(VV), get(S1)), ...set(S1));
      dScalar.push(...fmadd(ld64(a1), ld64(pv), get(s1)), ...set(s1));
      pUpdate = mad(get(A1), get(VR1), pUpdate);
      pUpdateScalar = fmadd(ld64(a1), get(vr1), pUpdateScalar);
    }
    dVec.push(...get(pw), ...pUpdate, ...v128Store());
    dScalar.push(...get(pw), ...pUpdateScalar, ...f64Store());
    const moving = two ? [pw, pv, a0, a1] : [pw, pv, a0];
    out.push(...streams(pw, end, dCount, moving, dVec, dScalar));
    // the odd D column left the pointers on it: step past it (as the vector loop would have)
    out.push(...get(pw), ...get(end), I32_LT_U, ...IF, ...moving.flatMap((p) => advance(p, 8)), END);
    // E columns continue each row in memory, and u continues p in w.
    let eUpdate = mad(ldv(a0), get(VR0), ldv(pw));
    let eUpdateScalar = fmadd(ld64(a0), get(vr0), ld64(pw));
    if (two) {
      eUpdate = mad(ldv(a1), get(VR1), eUpdate);
      eUpdateScalar = fmadd(ld64(a1), get(vr1), eUpdateScalar);
    }
    out.push(
      ...streams(
        pw,
        end,
        get(cols),
        two ? [pw, a0, a1] : [pw, a0],
        [...get(pw), ...eUpdate, ...v128Store()],
        [...get(pw), ...eUpdateScalar, ...f64Store()],
      ),
    );
    // p[r] += s₀ (and p[r + 1] += s₁)
    out.push(...at(w, r), ...lanes(S0), ...get(s0), F64_ADD, ...at(w, r), ...f64Load(), F64_ADD, ...f64Store());
    if (two)
      out.push(...at(w, r), ...lanes(S1), ...get(s1), F64_ADD, ...at(w, r), ...f64Load(8), F64_ADD, ...f64Store(8));
    return out;
  };
  const rowPairs = (body: (two: boolean) => number[]): number[] => [
    ...i32Const(0),
    ...set(r),
    ...BLOCK_LOOP,
    ...get(r),
    ...i32Const(1),
    I32_ADD,
    ...get(len),
    I32_GE_U,
    ...BR_IF_OUT,
    ...body(true),
    ...advance(r, 2),
    ...BR_LOOP_END,
    ...get(r),
    ...get(len),
    I32_LT_U,
    ...IF,
    ...body(false),
    END,
  ];
  code.push(...rowPairs(pass1));

  // w ← τ w; half = −½ τ (wᵀv) over the D part; w[0 … len) += half·v
  code.push(
    ...forRange(r, i32Const(0), get(W), [...at(w, r), ...at(w, r), ...f64Load(), ...get(tau), F64_MUL, ...f64Store()]),
  );
  code.push(...f64Const(0), ...set(s0));
  code.push(
    ...forRange(r, i32Const(0), get(len), [
      ...fmadd([...at(w, r), ...f64Load()], [...at(v, r), ...f64Load()], get(s0)),
      ...set(s0),
    ]),
  );
  code.push(...f64Const(-0.5), ...get(tau), F64_MUL, ...get(s0), F64_MUL, ...set(half));
  code.push(
    ...forRange(r, i32Const(0), get(len), [
      ...at(w, r),
      ...fmadd(get(half), [...at(v, r), ...f64Load()], [...at(w, r), ...f64Load()]),
      ...f64Store(),
    ]),
  );

  // Pass 2: D[r, c] −= v[r] w[c] + w[r] v[c] (c ≥ r), E[r, c] −= v[r] w[len + c].
  const pass2 = (two: boolean): number[] => {
    const out: number[] = [...get(d0), ...get(r), ...get(step), I32_MUL, I32_ADD, ...set(a0)];
    out.push(...at(v, r), ...f64Load(), F64_NEG, ...tee(vr0), ...F64X2_SPLAT, ...set(VR0));
    out.push(...at(w, r), ...f64Load(), F64_NEG, ...tee(wr0), ...F64X2_SPLAT, ...set(WR0));
    /** a[off] += vr·w[c] + wr·v[c] for scalar column c at byte offset `off` from v, w (relative to element r). */
    const scalarTerm = (ptr: number, off: number, cOff: number, vrr: number, wrr: number): number[] => [
      ...get(ptr),
      ...fmadd(
        get(wrr),
        [...at(v, r), ...f64Load(cOff)],
        fmadd(get(vrr), [...at(w, r), ...f64Load(cOff)], ld64(ptr, off)),
      ),
      ...f64Store(off),
    ];
    out.push(...scalarTerm(a0, 0, 0, vr0, wr0));
    if (two) {
      out.push(...get(a0), ...get(step), I32_ADD, ...set(a1));
      out.push(...at(v, r), ...f64Load(8), F64_NEG, ...tee(vr1), ...F64X2_SPLAT, ...set(VR1));
      out.push(...at(w, r), ...f64Load(8), F64_NEG, ...tee(wr1), ...F64X2_SPLAT, ...set(WR1));
      out.push(...scalarTerm(a0, 8, 8, vr0, wr0), ...scalarTerm(a1, 0, 8, vr1, wr1));
      out.push(...advance(a0, 16), ...advance(a1, 8));
      out.push(...at(v, r), ...i32Const(16), I32_ADD, ...set(pv), ...at(w, r), ...i32Const(16), I32_ADD, ...set(pw));
    } else {
      out.push(...advance(a0, 8));
      out.push(...at(v, r), ...i32Const(8), I32_ADD, ...set(pv), ...at(w, r), ...i32Const(8), I32_ADD, ...set(pw));
    }
    const dCount = [...get(len), ...get(r), I32_SUB, ...i32Const(two ? 2 : 1), I32_SUB];
    const dVec = [
      ...ldv(pw),
      ...set(PV),
      ...ldv(pv),
      ...set(VV),
      ...get(a0),
      ...mad(get(WR0), get(VV), mad(get(VR0), get(PV), ldv(a0))),
      ...v128Store(),
    ];
    const dScalar = [...get(a0), ...fmadd(get(wr0), ld64(pv), fmadd(get(vr0), ld64(pw), ld64(a0))), ...f64Store()];
    if (two) {
      dVec.push(...get(a1), ...mad(get(WR1), get(VV), mad(get(VR1), get(PV), ldv(a1))), ...v128Store());
      dScalar.push(...get(a1), ...fmadd(get(wr1), ld64(pv), fmadd(get(vr1), ld64(pw), ld64(a1))), ...f64Store());
    }
    const moving = two ? [pw, pv, a0, a1] : [pw, pv, a0];
    out.push(...streams(pw, end, dCount, moving, dVec, dScalar));
    out.push(...get(pw), ...get(end), I32_LT_U, ...IF, ...moving.flatMap((p) => advance(p, 8)), END);
    const eVec = [...ldv(pw), ...set(PV), ...get(a0), ...mad(get(VR0), get(PV), ldv(a0)), ...v128Store()];
    const eScalar = [...get(a0), ...fmadd(get(vr0), ld64(pw), ld64(a0)), ...f64Store()];
    if (two) {
      eVec.push(...get(a1), ...mad(get(VR1), get(PV), ldv(a1)), ...v128Store());
      eScalar.push(...get(a1), ...fmadd(get(vr1), ld64(pw), ld64(a1)), ...f64Store());
    }
    out.push(...streams(pw, end, get(cols), two ? [pw, a0, a1] : [pw, a0], eVec, eScalar));
    return out;
  };
  code.push(...rowPairs(pass2));
  code.push(...get(tau), END);
  // locals: 13 × i32, 11 × f64, 10 × v128
  return [0x03, 0x0d, I32, 0x0b, F64, 0x0a, V128, ...code];
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

/**
 * Body of `reflectLeft(y, ldy, rows, cols, v, tau, w)`: the reflector I − τ v vᵀ (v at `v`, `rows` doubles) applied
 * from the left to the rows × cols block at `y` (row stride ldy bytes), with `w` (cols doubles) as scratch:
 *
 * ```
 * w = vᵀ Y;   Y ← Y − (τ v) wᵀ      ;; two rows per pass, columns as f64x2 pairs and a scalar last one
 * ```
 *
 * The eigenvectors' back-transformation through the chase's reflectors (rows = coordinates, columns = vectors).
 */
export function reflectLeftBody(fma: boolean): number[] {
  const [y, ldy, rows, cols, v, tau, w] = [0, 1, 2, 3, 4, 5, 6];
  const [r, a0, a1, pw, end] = [7, 8, 9, 10, 11];
  const [c0, c1] = [12, 13]; // f64
  const [V0, V1, WV] = [14, 15, 16]; // v128
  const ld64 = (p: number): number[] => [...get(p), ...f64Load()];
  const ldv = (p: number): number[] => [...get(p), ...v128Load()];
  const mad = (a: number[], b: number[], acc: number[]): number[] => madd(fma, a, b, acc);
  const code: number[] = [];
  code.push(...forRange(r, i32Const(0), get(cols), [...at(w, r), ...f64Const(0), ...f64Store()]));
  /** Rows r (and r + 1): coefficients c0, c1 (splat in V0, V1) from `coef`, then one pass over the columns. */
  const rowsPass = (two: boolean, coef: (k: number) => number[], vec: number[], scalar: number[]): number[] => {
    const out: number[] = [...get(y), ...get(r), ...get(ldy), I32_MUL, I32_ADD, ...set(a0)];
    out.push(...coef(0), ...tee(c0), ...F64X2_SPLAT, ...set(V0));
    if (two) out.push(...get(a0), ...get(ldy), I32_ADD, ...set(a1), ...coef(8), ...tee(c1), ...F64X2_SPLAT, ...set(V1));
    out.push(...get(w), ...set(pw));
    out.push(...streams(pw, end, get(cols), two ? [pw, a0, a1] : [pw, a0], vec, scalar));
    return out;
  };
  const pairs = (body: (two: boolean) => number[]): number[] => [
    ...i32Const(0),
    ...set(r),
    ...BLOCK_LOOP,
    ...get(r),
    ...i32Const(1),
    I32_ADD,
    ...get(rows),
    I32_GE_U,
    ...BR_IF_OUT,
    ...body(true),
    ...advance(r, 2),
    ...BR_LOOP_END,
    ...get(r),
    ...get(rows),
    I32_LT_U,
    ...IF,
    ...body(false),
    END,
  ];
  // Pass 1: w += v[r]·Y[r, :]
  code.push(
    ...pairs((two) =>
      rowsPass(
        two,
        (off) => [...at(v, r), ...f64Load(off)],
        [
          ...get(pw),
          ...(two ? mad(ldv(a1), get(V1), mad(ldv(a0), get(V0), ldv(pw))) : mad(ldv(a0), get(V0), ldv(pw))),
          ...v128Store(),
        ],
        [
          ...get(pw),
          ...(two ? fmadd(ld64(a1), get(c1), fmadd(ld64(a0), get(c0), ld64(pw))) : fmadd(ld64(a0), get(c0), ld64(pw))),
          ...f64Store(),
        ],
      ),
    ),
  );
  // Pass 2: Y[r, :] −= τ v[r]·w
  const update = (two: boolean): number[] => {
    const vec = [...ldv(pw), ...set(WV), ...get(a0), ...mad(get(V0), get(WV), ldv(a0)), ...v128Store()];
    const scalar = [...get(a0), ...fmadd(get(c0), ld64(pw), ld64(a0)), ...f64Store()];
    if (two) {
      vec.push(...get(a1), ...mad(get(V1), get(WV), ldv(a1)), ...v128Store());
      scalar.push(...get(a1), ...fmadd(get(c1), ld64(pw), ld64(a1)), ...f64Store());
    }
    return rowsPass(two, (off) => [...at(v, r), ...f64Load(off), ...get(tau), F64_MUL, F64_NEG], vec, scalar);
  };
  code.push(...pairs(update));
  code.push(END);
  // locals: 5 × i32, 2 × f64, 3 × v128
  return [0x03, 0x05, I32, 0x02, F64, 0x03, V128, ...code];
}
