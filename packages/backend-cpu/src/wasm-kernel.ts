/**
 * The WebAssembly SIMD (f64x2) kernels of the CPU backend: faster than scalar JavaScript kernels on x86-64
 * (bench/README.md#why-the-code-is-the-way-it-is; `pnpm bench gemm`).
 *
 * The module is built byte by byte below (no toolchain needed). It exports its memory `mem` and the functions of
 * {@link WasmTiles}: `block` (the products' 5 × 4 outer-product micro-kernel over packed panels, {@link blockBody}),
 * the dense-to-band reduction's vector kernels `dot`, `axpy2` (wasm-reduction.ts) and the two-stage eigensolver's
 * `chase`, `packSymmetric` and `reflectLeft` (wasm-band.ts).
 */

import { get, i32Const, leb, set, tee } from './wasm-encoding.js';
import { axpy2Body, dotBody } from './wasm-reduction.js';
import { chaseBody, packSymmetricBody, reflectLeftBody } from './wasm-band.js';

/** The part of a WebAssembly.Memory used here (the project's `lib` has no WebAssembly typings). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The part of the global `WebAssembly` object used here. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/** The instantiated tile kernel and its memory. */
export interface WasmTiles {
  /**
   * A whole (K block × column block) of a product over packed panels: C[i, j] += Σ_{t<kc} P[i, t] Q[j, t] over
   * 5 × 4 tiles for i < rows (step 5), roundDown(max(0, i + shift), 4) ≤ j < cols (step 4); P in panels of 5 rows at
   * pa + i·8kc laid out [t][r], Q in panels of 4 rows at qb + j·8kc laid out [t][c], C at c + i·ldc + 8j (all in
   * bytes); kc even, `ld` unused. See `blockBody`.
   */
  readonly block: (
    pa: number,
    qb: number,
    kc: number,
    ld: number,
    rows: number,
    cols: number,
    c: number,
    ldc: number,
    shift: number,
  ) => void;
  /** Σ_{l<len} x[l]·y[l] (byte offsets). */
  readonly dot: (x: number, y: number, len: number) => number;
  /** y[l] += alpha·x[l] + beta·z[l] for l < len (byte offsets). */
  readonly axpy2: (alpha: number, x: number, beta: number, z: number, y: number, len: number) => void;
  /**
   * One bulge-chasing task of the band-to-tridiagonal reduction on the skewed band at `m` (see `chaseBody` in
   * wasm-band.ts); returns the reflector's τ, its vector left in v[0 … len). Byte offsets.
   */
  readonly chase: (
    m: number,
    ld: number,
    src: number,
    g0: number,
    len: number,
    cols: number,
    v: number,
    w: number,
  ) => number;
  /** A 5-row panel of a symmetric matrix stored in its upper triangle, for `block` (see `packSymmetricBody`). */
  readonly packSymmetric: (a: number, ld: number, i: number, t0: number, kc: number, dst: number) => void;
  /** Y ← (I − τ v vᵀ) Y for a rows × cols block (see `reflectLeftBody`). Byte offsets and strides. */
  readonly reflectLeft: (y: number, ldy: number, rows: number, cols: number, v: number, tau: number, w: number) => void;
  /** The module's memory (grown on demand). */
  readonly memory: WasmMemory;
}

/**
 * Body of `block(pa, qb, kc, ld, rows, cols, c, ldc, shift)`: the whole register-blocked loop nest of one
 * (K block, column block) of a product over packed panels, in outer-product form (as BLAS micro-kernels):
 *
 * ```wat
 * ;; P: panels of 5 rows, panel i/5 at pa + i·8kc (bytes), element (r, t) at + 8(5t + r)   ([t][r], kc steps)
 * ;; Q: panels of 4 rows, panel j/4 at qb + j·8kc,          element (c, t) at + 8(4t + c)   ([t][c])
 * for i = 0, 5, … < rows:
 *   for j = roundDown(max(0, i + shift), 4), +4, … < cols:
 *     acc[r][h] = Σ_t splat(P[i + r, t]) * Q[j + 2h : j + 2h + 2, t]      ;; 10 f64x2 accumulators (5 × 4 tile)
 *     C[i + r][j + 2h : j + 2h + 2] += acc[r][h]                          ;; v128, C at c + i·ldc + 8j (bytes)
 * ```
 *
 * kc must be even (the t loop is unrolled twice; the driver zero-pads); `ld` is unused (kept for the signature).
 * Each t step loads 2 Q vectors (`v128.load`) and 5 P scalars (`v128.load64_splat`) at constant offsets from two
 * pointers, for 10 multiply-adds: no horizontal sums, no per-step address arithmetic.
 *
 * Registers: V8 has 15 allocatable xmm registers on x64 (xmm15 is its scratch), and TurboFan issues all the loads of a
 * basic block before its arithmetic, so a whole step (10 accumulators + 2 Q + 5 splats = 17) would spill. Never-taken
 * exit tests (`a + off ≥ aend`; distinct offsets, so that branch elimination keeps them) split each step into basic
 * blocks of at most 3 rows with fused multiply-add (10 + 2 + 3 = 15), 2 rows without (mul + add needs a temporary), and
 * put each step's Q loads in a block of their own. This beats both a spill-free 4 × 4 tile and the former 4 × 2
 * dot-product tile (bench/README.md#why-the-code-is-the-way-it-is; `pnpm bench gemm`). `shift` skips the tiles left of
 * the diagonal of a symmetric product (a large negative value computes all).
 */
function blockBody(fma: boolean): number[] {
  const MR: number = 5; // rows of P per tile (must match wasmDotKernel); 4 = the fallback tile that needs no splits
  const NR = 4; // rows of Q per tile (columns of C)
  const U = 2; // t steps per loop iteration
  const SPLIT = MR === 4 ? 4 : fma ? 3 : 2; // rows per basic block
  const load = (off: number): number[] => [0xfd, 0x00, 0x03, ...leb(off)]; // v128.load align 8
  const store = (off: number): number[] => [0xfd, 0x0b, 0x03, ...leb(off)]; // v128.store
  const splat = (off: number): number[] => [0xfd, 0x0a, 0x03, ...leb(off)]; // v128.load64_splat
  const mul = [0xfd, 0xf2, 0x01];
  const add = [0xfd, 0xf0, 0x01];
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
  const madd = [0xfd, 0x87, 0x02]; // f64x2.relaxed_madd(a, b, c) = a·b + c (fused where the CPU has FMA)
  const [I32_ADD, I32_MUL, I32_DIV_U, I32_GE_S, I32_GE_U, I32_LT_U, I32_GT_S, I32_SHL] = [
    0x6a, 0x6c, 0x6e, 0x4e, 0x4f, 0x49, 0x4a, 0x74,
  ];
  const NV = NR / 2; // Q vectors per step
  // params: pa 0, qb 1, kc 2, ld 3 (unused), rows 4, cols 5, c 6, ldc 7, shift 8
  // i32 locals: i 9, j 10, a 11, b 12, aend 13, pp 14, qp 15, crow 16, cr 17, pstride 18, qstride 19
  // v128 locals: acc 20..29 (acc[r][h] = 20 + 2r + h), x 30..34, y 35..36
  const [pa, qb, kc, rows, cols, c, ldc, shift] = [0, 1, 2, 4, 5, 6, 7, 8];
  const [i, j, a, b, aend, pp, qp, crow, cr, pstride, qstride] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const ACC = 20,
    X = ACC + MR * NV,
    Y = X + MR;
  const fmaOp = (acc: number, x: number, y: number): number[] =>
    fma
      ? [...get(x), ...get(y), ...get(acc), ...madd, ...set(acc)]
      : [...get(acc), ...get(x), ...get(y), ...mul, ...add, ...set(acc)];
  const body: number[] = [
    ...get(kc),
    ...i32Const(8 * MR),
    I32_MUL,
    ...set(pstride), // bytes per P panel
    ...get(kc),
    ...i32Const(8 * NR),
    I32_MUL,
    ...set(qstride), // bytes per Q panel
    ...get(pa),
    ...set(pp),
    0x02,
    0x40,
    0x03,
    0x40, // block, loop (i)
    ...get(i),
    ...get(rows),
    I32_GE_S,
    0x0d,
    0x01,
    // j = roundDown(max(0, i + shift), NR); qp = qb + (j / NR)·qstride; crow = c + i·ldc
    ...get(i),
    ...get(shift),
    I32_ADD,
    ...i32Const(0),
    ...get(i),
    ...get(shift),
    I32_ADD,
    ...i32Const(0),
    I32_GT_S,
    0x1b /* select */,
    ...i32Const(NR),
    I32_DIV_U,
    ...tee(j),
    ...get(qstride),
    I32_MUL,
    ...get(qb),
    I32_ADD,
    ...set(qp),
    ...get(j),
    ...i32Const(NR),
    I32_MUL,
    ...set(j),
    ...get(c),
    ...get(i),
    ...get(ldc),
    I32_MUL,
    I32_ADD,
    ...set(crow),
    0x02,
    0x40,
    0x03,
    0x40, // block, loop (j)
    ...get(j),
    ...get(cols),
    I32_GE_S,
    0x0d,
    0x01,
  ];
  for (let q = 0; q < MR * NV; q++) body.push(...zero, ...set(ACC + q));
  body.push(...get(pp), ...set(a), ...get(qp), ...set(b), ...get(pp), ...get(pstride), I32_ADD, ...set(aend));
  // Never taken (a + off < aend inside the loop), but TurboFan cannot know: splits the step into basic blocks.
  const split = (off: number): number[] => [...get(a), ...i32Const(off), I32_ADD, ...get(aend), I32_GE_U, 0x0d, 0x01];
  body.push(0x02, 0x40, 0x03, 0x40); // block, loop (t)
  for (let u = 0; u < U; u++) {
    if (u > 0) body.push(...split(8 * u * MR)); // before the step's Q loads, which would otherwise join the previous block
    for (let h = 0; h < NV; h++) body.push(...get(b), ...load(8 * (u * NR + 2 * h)), ...set(Y + h));
    for (let r = 0; r < MR; r++) {
      if (r > 0 && r % SPLIT === 0) body.push(...split(8 * (u * MR + r)));
      body.push(...get(a), ...splat(8 * (u * MR + r)), ...set(X + r));
      for (let h = 0; h < NV; h++) body.push(...fmaOp(ACC + r * NV + h, X + r, Y + h));
    }
  }
  body.push(
    ...get(b),
    ...i32Const(8 * NR * U),
    I32_ADD,
    ...set(b),
    ...get(a),
    ...i32Const(8 * MR * U),
    I32_ADD,
    ...tee(a),
    ...get(aend),
    I32_LT_U,
    0x0d,
    0x00, // br_if loop t
    0x0b,
    0x0b, // end loop t, block
  );
  // C tile: cr = crow + 8j, then + ldc per row
  body.push(...get(crow), ...get(j), ...i32Const(3), I32_SHL, I32_ADD, ...set(cr));
  for (let r = 0; r < MR; r++) {
    if (r > 0) body.push(...get(cr), ...get(ldc), I32_ADD, ...set(cr));
    for (let h = 0; h < NV; h++)
      body.push(...get(cr), ...get(cr), ...load(16 * h), ...get(ACC + r * NV + h), ...add, ...store(16 * h));
  }
  body.push(
    ...get(j),
    ...i32Const(NR),
    I32_ADD,
    ...set(j),
    ...get(qp),
    ...get(qstride),
    I32_ADD,
    ...set(qp),
    0x0c,
    0x00,
    0x0b,
    0x0b,
  ); // next j
  body.push(
    ...get(i),
    ...i32Const(MR),
    I32_ADD,
    ...set(i),
    ...get(pp),
    ...get(pstride),
    I32_ADD,
    ...set(pp),
    0x0c,
    0x00,
    0x0b,
    0x0b,
  ); // next i
  body.push(0x0b);
  return [0x02, 0x0b, 0x7f, ...leb(MR * NV + MR + NV), 0x7b, ...body]; // locals: 11 × i32, 17 × v128
}

/** A function of the tile module: its export name, signature and body. */
interface ModuleFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  readonly body: readonly number[];
}

const I32 = 0x7f;
const F64 = 0x7c;

/**
 * The bytes of the tile module (see the module comment at the top). With `fma` the kernels accumulate with
 * `f64x2.relaxed_madd` (relaxed SIMD: one fused multiply-add where the CPU has FMA); see {@link relaxedSimd}. With
 * `sharedMemory` the memory is imported as env.mem, shared, 1 page initially, at most 2 GiB (32768 pages), so that
 * several threads' instances work on the same memory (see {@link sharedWasmMemory}).
 */
export function tileModuleBytes(fma = false, sharedMemory = false): Uint8Array {
  const i32s = (count: number): number[] => new Array<number>(count).fill(I32);
  const functions: ModuleFunction[] = [
    { name: 'block', params: i32s(9), results: [], body: blockBody(fma) },
    { name: 'dot', params: i32s(3), results: [F64], body: dotBody(fma) },
    { name: 'axpy2', params: [F64, I32, F64, I32, I32, I32], results: [], body: axpy2Body(fma) },
    { name: 'chase', params: i32s(8), results: [F64], body: chaseBody(fma) },
    { name: 'packSymmetric', params: i32s(6), results: [], body: packSymmetricBody() },
    { name: 'reflectLeft', params: [...i32s(5), F64, I32], results: [], body: reflectLeftBody(fma) },
  ];
  const section = (id: number, bytes: number[]): number[] => [id, ...leb(bytes.length), ...bytes];
  const vector = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
  const name = (text: string): number[] => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // one type per function: (params) → (results)
    ...section(
      1,
      vector(
        functions.map((f) => [0x60, ...leb(f.params.length), ...f.params, ...leb(f.results.length), ...f.results]),
      ),
    ),
    ...(sharedMemory
      ? section(2, [0x01, ...name('env'), ...name('mem'), 0x02, 0x03, 0x01, ...leb(SHARED_MAX_PAGES)])
      : []),
    ...section(3, vector(functions.map((_, i) => leb(i)))),
    ...(sharedMemory ? [] : section(5, [0x01, 0x00, 0x01])), // memory, 1 page initially
    ...section(
      7,
      vector([...functions.map((f, i) => [...name(f.name), 0x00, ...leb(i)]), [...name('mem'), 0x02, 0x00]]),
    ),
    ...section(10, vector(functions.map((f) => [...leb(f.body.length), ...f.body]))),
  ]);
}

/**
 * Instantiates the tile module (on the `imported` shared memory for `tileModuleBytes(fma, true)`), or returns null
 * where WebAssembly SIMD is unavailable.
 * Self-contained: worker threads run its source too.
 */
export function instantiateTiles(bytes: Uint8Array, imported?: WasmMemory): WasmTiles | null {
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined || !wasm.validate(bytes)) return null;
    const instance = new wasm.Instance(
      new wasm.Module(bytes),
      imported === undefined ? {} : { env: { mem: imported } },
    );
    const block = instance.exports.block as WasmTiles['block'];
    const dot = instance.exports.dot as WasmTiles['dot'];
    const axpy2 = instance.exports.axpy2 as WasmTiles['axpy2'];
    const chase = instance.exports.chase as WasmTiles['chase'];
    const packSymmetric = instance.exports.packSymmetric as WasmTiles['packSymmetric'];
    const reflectLeft = instance.exports.reflectLeft as WasmTiles['reflectLeft'];
    const memory = instance.exports.mem as WasmMemory;
    return { block, dot, axpy2, chase, packSymmetric, reflectLeft, memory };
  } catch {
    return null;
  }
}

/** Maximum size of a shared tile-module memory, in 64 KiB pages (2 GiB). */
export const SHARED_MAX_PAGES = 32768;

/**
 * A shared WebAssembly memory for {@link tileModuleBytes}`(fma, true)` (its buffer is a SharedArrayBuffer, and the
 * Memory object itself can be posted to a worker thread, which instantiates the module on it), or null where shared
 * memories are unavailable.
 */
export function sharedWasmMemory(): WasmMemory | null {
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: { Memory: new (d: object) => WasmMemory } }).WebAssembly;
    if (wasm === undefined) return null;
    const memory = new wasm.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    return typeof SharedArrayBuffer !== 'undefined' && (memory.buffer as unknown) instanceof SharedArrayBuffer
      ? memory
      : null;
  } catch {
    return null;
  }
}

let relaxed: boolean | undefined;

/**
 * Whether WebAssembly relaxed SIMD (`f64x2.relaxed_madd`) can be used. Node 22+ ships it; on Node 20 it sits
 * behind V8's `--experimental-wasm-relaxed-simd`, which is switched on here at run time (process-wide, before
 * the module is compiled; worker threads inherit it). `SPEC_WASM_FMA=0` in the environment opts out.
 * Numerically the fused form rounds once per multiply-add instead of twice, within the same error bounds.
 */
export function relaxedSimd(): boolean {
  if (relaxed !== undefined) return relaxed;
  relaxed = false;
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined || (typeof process !== 'undefined' && process.env.SPEC_WASM_FMA === '0')) return relaxed;
    const bytes = tileModuleBytes(true);
    if (!wasm.validate(bytes) && typeof process !== 'undefined' && typeof process.getBuiltinModule === 'function') {
      process.getBuiltinModule('node:v8').setFlagsFromString('--experimental-wasm-relaxed-simd');
    }
    relaxed = wasm.validate(bytes);
  } catch {
    relaxed = false;
  }
  return relaxed;
}

let cached: WasmTiles | null | undefined;

/** The calling thread's tile kernel (instantiated on first use), or null without WebAssembly SIMD. */
export function wasmTiles(): WasmTiles | null {
  if (cached === undefined) cached = instantiateTiles(tileModuleBytes(relaxedSimd()));
  return cached;
}

/** Depth below which the scalar kernel is used (copying into wasm memory would dominate). */
export const WASM_MIN_DEPTH = 16;

/**
 * Same contract as {@link dotKernel} (C[i, j] += alpha Σ_t P[i, t] Q[j, t] for rows rowStart ≤ i < rowEnd,
 * `upper` for tiles on or above the diagonal), computed by {@link WasmTiles.block} (5 × 4 outer-product tiles on
 * packed panels, see `blockBody`). Rows are processed in super-chunks of SR rows whose part of C
 * (SR × ⌈n/4⌉·4 doubles, at most ~32 MiB unless one chunk of MC rows needs more) is copied into wasm memory and
 * back (memcpy); for each K slab of 256 the needed rows of Q are packed once into panels of 4 ([t][c]), then for
 * each chunk of MC rows its rows of P, times alpha, into panels of 5 ([t][r]), and `block` runs once per column
 * block of NC. Wasm memory O((MC + n)·KC + max(MC·n, 2²²)) doubles. Returns false (doing nothing) when that would
 * not fit in 2 GiB of wasm memory.
 *
 * Self-contained (no module-level references): worker threads run its source too.
 */
export function wasmDotKernel(
  tiles: WasmTiles,
  m: number,
  n: number,
  k: number,
  alpha: number,
  P: Float64Array,
  Q: Float64Array,
  C: Float64Array,
  ldc: number,
  offC: number,
  upper: boolean,
  rowStart: number,
  rowEnd: number,
): boolean {
  const MR: number = 5; // rows per tile (blockBody's MR: 5, or 4 for the fallback tile)
  const KC = 256; // depth of a K slab: a 5-row P panel (10 KiB) stays in L1
  const NC = 256; // columns per block call: the Q block (256 × 256 doubles = 512 KiB) stays in L2
  const MC = 500; // rows per P chunk, a multiple of L = lcm(MR, 4)
  const L = MR % 4 === 0 ? MR : MR % 2 === 0 ? 2 * MR : 4 * MR;
  const CB = 1 << 22; // doubles of C held in wasm memory before the rows are split into super-chunks
  const np = (n + 3) & ~3; // rows of Q (zero-padded by the caller), and the packed width of C
  const kcMax = Math.min(KC, k + (k & 1));
  const SR = Math.max(MC, Math.floor(Math.min(rowEnd - rowStart, CB / np) / L) * L); // rows per super-chunk, a multiple of L
  const pStart = 0;
  const qStart = pStart + (MC + MR) * kcMax;
  const cStart = qStart + np * kcMax;
  const needBytes = (cStart + (SR + MR) * np) * 8;
  if (needBytes > 2 ** 31) return false;
  const have = tiles.memory.buffer.byteLength;
  if (needBytes > have) tiles.memory.grow(Math.ceil((needBytes - have) / 65536));
  const H = new Float64Array(tiles.memory.buffer);
  const block = tiles.block;
  // Packing loops as small functions: they optimise early and well, unlike the same loops inlined in this large
  // function (bench/README.md#why-the-code-is-the-way-it-is). H is passed in (a parameter, not a captured variable).
  // Array elements, so that no bundler wraps them in a name-keeping helper (esbuild's keepNames adds `__name(…)` to
  // `const f = () => …`, undefined in a worker's eval).
  const [pack4, pack5] = [
    // 4 rows of S (stride ld, from s) times a → H[d + 4t + r], t < kc
    (H: Float64Array, S: Float64Array, s: number, ld: number, d: number, kc: number, a: number): void => {
      const s1 = s + ld,
        s2 = s1 + ld,
        s3 = s2 + ld;
      for (let t = 0; t < kc; t++, d += 4) {
        H[d] = a * S[s + t];
        H[d + 1] = a * S[s1 + t];
        H[d + 2] = a * S[s2 + t];
        H[d + 3] = a * S[s3 + t];
      }
    },
    // 5 rows of S times a → H[d + 5t + r], t < kc
    (H: Float64Array, S: Float64Array, s: number, ld: number, d: number, kc: number, a: number): void => {
      const s1 = s + ld,
        s2 = s1 + ld,
        s3 = s2 + ld,
        s4 = s3 + ld;
      for (let t = 0; t < kc; t++, d += 5) {
        H[d] = a * S[s + t];
        H[d + 1] = a * S[s1 + t];
        H[d + 2] = a * S[s2 + t];
        H[d + 3] = a * S[s3 + t];
        H[d + 4] = a * S[s4 + t];
      }
    },
  ] as const;
  for (let s0 = rowStart; s0 < rowEnd; s0 += SR) {
    const sEnd = Math.min(rowEnd, s0 + SR);
    const cEnd = Math.min(m, sEnd); // rows of C that exist
    const jLo = upper ? s0 : 0; // with upper, tiles (i, j) need j ≥ i&~3 ≥ s0
    for (let i = s0; i < cEnd; i++) {
      const o = offC + i * ldc;
      H.set(C.subarray(o, o + n), cStart + (i - s0) * np);
    }
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = Math.min(KC, k - k0);
      const kcp = kc + (kc & 1); // even: the kernel does 2 steps per iteration; the odd step is zero-padded
      for (let jp = jLo; jp < np; jp += 4) {
        const d = qStart + (jp - jLo) * kcp;
        pack4(H, Q, jp * k + k0, k, d, kc, 1);
        if (kcp !== kc) H.fill(0, d + 4 * kc, d + 4 * kcp);
      }
      for (let i0 = s0; i0 < sEnd; i0 += MC) {
        const iEnd = Math.min(sEnd, i0 + MC);
        for (let ip = i0; ip < iEnd; ip += MR) {
          const d = pStart + (ip - i0) * kcp;
          if (ip + MR <= rowEnd) (MR === 5 ? pack5 : pack4)(H, P, ip * k + k0, k, d, kc, alpha);
          else {
            // last panel: rows past rowEnd (absent from P) are zeros
            for (let r = 0; r < MR; r++) {
              const s = (ip + r) * k + k0;
              const ok = ip + r < rowEnd;
              for (let t = 0, e = d + r; t < kc; t++, e += MR) H[e] = ok ? alpha * P[s + t] : 0;
            }
          }
          if (kcp !== kc) H.fill(0, d + MR * kc, d + MR * kcp);
        }
        // with upper, column blocks entirely left of i0 are skipped
        const jFirst = upper ? jLo + Math.floor((i0 - jLo) / NC) * NC : 0;
        for (let j0 = jFirst; j0 < np; j0 += NC) {
          const nc = Math.min(NC, np - j0);
          const shift = upper ? i0 - j0 : -(1 << 30);
          block(
            pStart * 8,
            (qStart + (j0 - jLo) * kcp) * 8,
            kcp,
            0,
            iEnd - i0,
            nc,
            (cStart + (i0 - s0) * np + j0) * 8,
            np * 8,
            shift,
          );
        }
      }
    }
    for (let i = s0; i < cEnd; i++) {
      const j = upper ? i & ~3 : 0;
      if (j < n) C.set(H.subarray(cStart + (i - s0) * np + j, cStart + (i - s0) * np + n), offC + i * ldc + j);
    }
  }
  return true;
}
