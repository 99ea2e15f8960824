/**
 * Byte-level helpers for the WebAssembly modules assembled in this package (binary format, MVP + SIMD):
 * LEB128 integers and the few instructions the kernels use, so each kernel body reads as a short listing.
 */

/** Unsigned LEB128. */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** `local.get k`, `local.set k`, `local.tee k`. */
export const get = (k: number): number[] => [0x20, ...leb(k)];
export const set = (k: number): number[] => [0x21, ...leb(k)];
export const tee = (k: number): number[] => [0x22, ...leb(k)];
/** `i32.const x`. */
export const i32Const = (x: number): number[] => [0x41, ...sleb(x)];
/** `f64.load` / `f64.store` with a constant byte offset (alignment 8). */
export const f64Load = (offset = 0): number[] => [0x2b, 0x03, ...leb(offset)];
export const f64Store = (offset = 0): number[] => [0x39, 0x03, ...leb(offset)];
/** `v128.load` / `v128.store` with a constant byte offset (alignment hint 8). */
export const v128Load = (offset = 0): number[] => [0xfd, 0x00, 0x03, ...leb(offset)];
export const v128Store = (offset = 0): number[] => [0xfd, 0x0b, 0x03, ...leb(offset)];

export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;
export const I32_MUL = 0x6c;
export const I32_AND = 0x71;
export const I32_SHL = 0x74;
export const I32_LT_U = 0x49;
export const I32_GE_U = 0x4f;
export const F64_ADD = 0xa0;
export const F64_SUB = 0xa1;
export const F64_MUL = 0xa2;
export const F64X2_SPLAT = [0xfd, 0x14];
export const F64X2_ADD = [0xfd, 0xf0, 0x01];
export const F64X2_MUL = [0xfd, 0xf2, 0x01];
/** `f64x2.relaxed_madd(a, b, c)` = a·b + c, fused where the CPU has FMA (relaxed SIMD). */
export const F64X2_RELAXED_MADD = [0xfd, 0x87, 0x02];
/** A v128 of zeros. */
export const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
export const lane = (l: number): number[] => [0xfd, 0x21, l];
/** `block` and `loop` with no result, and the two `end`s plus back-branch that close them. */
export const BLOCK_LOOP = [0x02, 0x40, 0x03, 0x40];
export const BR_LOOP_END = [0x0c, 0x00, 0x0b, 0x0b];
/** `br_if 1`: leaves the enclosing block of a {@link BLOCK_LOOP}. */
export const BR_IF_OUT = [0x0d, 0x01];

/** Multiply-add on f64x2 accumulators: `acc + a·b` with `f64x2.relaxed_madd` (fma) or mul then add; a, b, acc pushed in that order by the caller's arrays. */
export function madd(fma: boolean, a: number[], b: number[], acc: number[]): number[] {
  return fma ? [...a, ...b, ...acc, ...F64X2_RELAXED_MADD] : [...acc, ...a, ...b, ...F64X2_MUL, ...F64X2_ADD];
}
