/**
 * WebAssembly SIMD (f64x2) bodies of the dense-to-band reduction's vector kernels (band-reduction.ts): the dot product
 * and two-term axpy of the panel's LQ. They are assembled into the tile module by `tileModuleBytes` (wasm-kernel.ts).
 * All addresses are byte offsets into the module's memory.
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
  I32_SHL,
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
