/**
 * Products C += α·P·Qᵀ whose operands and result all live in one Float64Array `H` — the eigensolver's wasm memory
 * (then computed by the tile module's `block`, the 5 × 4 outer-product micro-kernel of the products) or a plain array
 * (then by {@link blockTs}, its TypeScript twin). The two-stage reduction (band-reduction.ts) runs all its level-3
 * work through {@link packedProduct}; each operand is described by strides into `H`, so nothing is copied but the
 * packed panels.
 */

/** Operand element (i, t) at `H[off + i·rs + t·ts]`. */
export interface Strided {
  readonly off: number;
  readonly rs: number;
  readonly ts: number;
}

/** A symmetric operand stored in the upper triangle of a row-major matrix: element (i, t) at `H[off + min·ld + max]`. */
export interface SymmetricUpper {
  readonly off: number;
  readonly ld: number;
  readonly symmetric: true;
}

/** An operand whose columns t < `split` come from `first` and the others from `second` (at t − split). */
export interface Joined {
  readonly split: number;
  readonly first: Strided;
  readonly second: Strided;
}

export type Operand = Strided | SymmetricUpper | Joined;

/**
 * The micro-kernel contract (element offsets into `H`; the wasm `block` takes the same in bytes): C[i, j] +=
 * Σ_{t<kc} P[i, t] Q[j, t] for 5 × 4 tiles, i < rows (step 5), roundDown(max(0, i + shift), 4) ≤ j < cols (step 4);
 * P in panels of 5 rows at pa + i·kc laid out [t][r], Q in panels of 4 rows at qb + j·kc laid out [t][c], C at
 * c + i·ldc + j; kc even.
 */
export type MicroKernel = (
  pa: number,
  qb: number,
  kc: number,
  rows: number,
  cols: number,
  c: number,
  ldc: number,
  shift: number,
) => void;

/** The kernels {@link packedProduct} runs on: the micro-kernel and, where available, a native symmetric packing. */
export interface ProductKernels {
  readonly block: MicroKernel;
  /** The 5-row panel of rows i … i + 4 of a {@link SymmetricUpper} operand (element offsets; see `WasmTiles.packSymmetric`). */
  readonly packSymmetric?: (a: number, ld: number, i: number, t0: number, kc: number, dst: number) => void;
}

/** What {@link packedProduct} computes: C[i, j] += α Σ_{t<k} P(i, t) Q(j, t) for r0 ≤ i < r1, j < cols. */
export interface ProductSpec {
  /** First row of C (a multiple of 5 where threads split the rows). */
  readonly r0: number;
  /** End of the rows; the kernel writes whole tiles, so C must have room up to r0 + ⌈(r1 − r0)/5⌉·5 rows. */
  readonly r1: number;
  /** Rows of P that exist (those at or past it are taken as zero). */
  readonly valid: number;
  /** Columns of C (rows of Q); C must have room up to ⌈cols/4⌉·4 (those extra entries get + 0). */
  readonly cols: number;
  readonly k: number;
  readonly alpha: number;
  readonly P: Operand;
  readonly Q: Operand;
  /** Offset of C[0, 0] and its row stride. */
  readonly c: number;
  readonly ldc: number;
  /** Only tiles whose columns reach the diagonal or beyond (j ≥ roundDown(i, 4)): an update of an upper triangle. */
  readonly upper: boolean;
  /**
   * Where Q already lies packed ({@link packOperand}, all its rows, depth k ≤ 256): threads that share a product in
   * many pieces then pack it once.
   */
  readonly packedQ?: number;
}

/** Depth of a K slab: a 5-row P panel (10 KiB) stays in L1. */
const KC = 256;
/** Columns per kernel call: a Q block of 256 × 256 doubles (512 KiB) stays in L2. */
const NC = 256;
/** Rows of P packed at once (a multiple of 5). */
const MC = 120;

/** Doubles of packing scratch {@link packedProduct} needs for products with at most `cols` columns of C. */
export function packScratch(cols: number): { p: number; q: number } {
  return { p: MC * KC, q: (((cols + 3) & ~3) + 4) * KC };
}

/** Writes P(i, t0 + t)·alpha to H[d + R·t] for t < kc (one row of a panel laid out [t][r]). */
function packRow(H: Float64Array, op: Operand, i: number, t0: number, kc: number, d: number, R: number, alpha: number) {
  if ('symmetric' in op) {
    const { off, ld } = op;
    // Columns left of the diagonal come from column i of the rows above (the stored upper triangle).
    const split = Math.max(0, Math.min(kc, i - t0));
    for (let t = 0, s = off + t0 * ld + i; t < split; t++, s += ld) H[d + R * t] = alpha * H[s];
    for (let t = split, s = off + i * ld + t0 + split; t < kc; t++, s++) H[d + R * t] = alpha * H[s];
    return;
  }
  if ('split' in op) {
    const { split, first, second } = op;
    const a = Math.max(0, Math.min(kc, split - t0));
    if (a > 0) packStrided(H, first, i, t0, a, d, R, alpha);
    if (a < kc) packStrided(H, second, i, t0 + a - split, kc - a, d + R * a, R, alpha);
    return;
  }
  packStrided(H, op, i, t0, kc, d, R, alpha);
}

function packStrided(
  H: Float64Array,
  op: Strided,
  i: number,
  t0: number,
  kc: number,
  d: number,
  R: number,
  alpha: number,
) {
  const { rs, ts } = op;
  let s = op.off + i * rs + t0 * ts;
  for (let t = 0; t < kc; t++, s += ts) H[d + R * t] = alpha * H[s];
}

/** Packs rows i0 … i0 + count − 1 of `op` (count a multiple of R; rows ≥ valid as zeros), columns t0 … t0 + kc − 1, zero-padded to kcp, into panels of R rows at H[dst]. */
function packPanels(
  H: Float64Array,
  packSymmetric: ProductKernels['packSymmetric'],
  R: number,
  op: Operand,
  i0: number,
  count: number,
  valid: number,
  t0: number,
  kc: number,
  kcp: number,
  dst: number,
  alpha: number,
): void {
  const sym = R === 5 && 'symmetric' in op && alpha === 1 ? op : null;
  const native = sym !== null ? packSymmetric : undefined;
  for (let p = 0; p < count; p += R) {
    const d = dst + p * kcp;
    if (native !== undefined && sym !== null && i0 + p + R <= valid) {
      native(sym.off, sym.ld, i0 + p, t0, kc, d);
      for (let t = kc; t < kcp; t++) for (let r = 0; r < R; r++) H[d + r + R * t] = 0;
      continue;
    }
    for (let r = 0; r < R; r++) {
      const i = i0 + p + r;
      if (i < valid) packRow(H, op, i, t0, kc, d + r, R, alpha);
      else for (let t = 0; t < kc; t++) H[d + r + R * t] = 0;
      for (let t = kc; t < kcp; t++) H[d + r + R * t] = 0;
    }
  }
}

/** Packs rows 0 … rows − 1 of `op` (all of it, depth k ≤ 256) into panels of 4 at H[dst], for {@link ProductSpec.packedQ}. */
export function packOperand(H: Float64Array, op: Operand, rows: number, k: number, dst: number): void {
  packPanels(H, undefined, 4, op, 0, (rows + 3) & ~3, rows, 0, k, k + (k & 1), dst, 1);
}

/** Doubles {@link packOperand} writes for `rows` rows of depth k. */
export function packedOperandSize(rows: number, k: number): number {
  return ((rows + 3) & ~3) * (k + (k & 1));
}

/**
 * C += α·P·Qᵀ on rows r0 … r1 − 1 of C (see {@link ProductSpec}), K in slabs of 256: for each slab Q's needed rows
 * are packed once into panels of 4 at H[scratch.q], then P in chunks of 120 rows into panels of 5 at H[scratch.p]
 * (α applied), and the micro-kernel runs over column blocks of 256. Threads sharing a product give each its own rows
 * and scratch; every tile is computed by the same code in the same order whichever thread runs it.
 */
export function packedProduct(
  H: Float64Array,
  kernels: ProductKernels,
  s: ProductSpec,
  scratch: { readonly p: number; readonly q: number },
): void {
  const { r0, r1, cols, k, alpha, P, Q, c, ldc, upper } = s;
  if (r1 <= r0 || cols <= 0 || k <= 0) return;
  const np = (cols + 3) & ~3;
  const jLo = upper ? r0 & ~3 : 0;
  const prepacked = s.packedQ !== undefined && k <= KC;
  for (let k0 = 0; k0 < k; k0 += KC) {
    const kc = Math.min(KC, k - k0);
    const kcp = kc + (kc & 1);
    const q = prepacked ? s.packedQ! + jLo * kcp : scratch.q;
    if (!prepacked) packPanels(H, kernels.packSymmetric, 4, Q, jLo, np - jLo, cols, k0, kc, kcp, q, 1);
    for (let i0 = r0; i0 < r1; i0 += MC) {
      const rows = Math.min(r1, i0 + MC) - i0;
      packPanels(H, kernels.packSymmetric, 5, P, i0, Math.ceil(rows / 5) * 5, s.valid, k0, kc, kcp, scratch.p, alpha);
      const jFirst = upper ? jLo + Math.floor((i0 - jLo) / NC) * NC : 0;
      for (let j0 = jFirst; j0 < np; j0 += NC) {
        const nc = Math.min(NC, np - j0);
        const shift = upper ? i0 - j0 : -(1 << 30);
        kernels.block(scratch.p, q + (j0 - jLo) * kcp, kcp, rows, nc, c + i0 * ldc + j0, ldc, shift);
      }
    }
  }
}

/** The TypeScript twin of the wasm `block` micro-kernel (same contract, element offsets; see {@link MicroKernel}). */
export function blockTs(
  H: Float64Array,
  pa: number,
  qb: number,
  kc: number,
  rows: number,
  cols: number,
  c: number,
  ldc: number,
  shift: number,
): void {
  for (let i = 0; i < rows; i += 5) {
    const p = pa + i * kc;
    const lo = i + shift;
    for (let j = lo > 0 ? lo & ~3 : 0; j < cols; j += 4) {
      const q = qb + j * kc;
      let a00 = 0,
        a01 = 0,
        a02 = 0,
        a03 = 0;
      let a10 = 0,
        a11 = 0,
        a12 = 0,
        a13 = 0;
      let a20 = 0,
        a21 = 0,
        a22 = 0,
        a23 = 0;
      let a30 = 0,
        a31 = 0,
        a32 = 0,
        a33 = 0;
      let a40 = 0,
        a41 = 0,
        a42 = 0,
        a43 = 0;
      for (let t = 0; t < kc; t++) {
        const x = p + 5 * t;
        const y = q + 4 * t;
        const y0 = H[y],
          y1 = H[y + 1],
          y2 = H[y + 2],
          y3 = H[y + 3];
        let xr = H[x];
        a00 += xr * y0;
        a01 += xr * y1;
        a02 += xr * y2;
        a03 += xr * y3;
        xr = H[x + 1];
        a10 += xr * y0;
        a11 += xr * y1;
        a12 += xr * y2;
        a13 += xr * y3;
        xr = H[x + 2];
        a20 += xr * y0;
        a21 += xr * y1;
        a22 += xr * y2;
        a23 += xr * y3;
        xr = H[x + 3];
        a30 += xr * y0;
        a31 += xr * y1;
        a32 += xr * y2;
        a33 += xr * y3;
        xr = H[x + 4];
        a40 += xr * y0;
        a41 += xr * y1;
        a42 += xr * y2;
        a43 += xr * y3;
      }
      let o = c + i * ldc + j;
      H[o] += a00;
      H[o + 1] += a01;
      H[o + 2] += a02;
      H[o + 3] += a03;
      o += ldc;
      H[o] += a10;
      H[o + 1] += a11;
      H[o + 2] += a12;
      H[o + 3] += a13;
      o += ldc;
      H[o] += a20;
      H[o + 1] += a21;
      H[o + 2] += a22;
      H[o + 3] += a23;
      o += ldc;
      H[o] += a30;
      H[o + 1] += a31;
      H[o + 2] += a32;
      H[o + 3] += a33;
      o += ldc;
      H[o] += a40;
      H[o + 1] += a41;
      H[o + 2] += a42;
      H[o + 3] += a43;
    }
  }
}

/**
 * The rows of `s` in chunks of `chunk` (a multiple of 5), each claimed from the shared `counter` (Atomics.add, from 0)
 * by whichever thread asks first: threads that start at different times share the work evenly. Each chunk runs
 * {@link packedProduct} on its rows, so every tile is computed the same way whichever thread claims it.
 */
export function claimedProduct(
  H: Float64Array,
  kernels: ProductKernels,
  s: ProductSpec,
  scratch: { readonly p: number; readonly q: number },
  counter: Int32Array,
  chunk: number,
): void {
  for (;;) {
    const r0 = s.r0 + Atomics.add(counter, 0, 1) * chunk;
    if (r0 >= s.r1) return;
    packedProduct(H, kernels, { ...s, r0, r1: Math.min(s.r1, r0 + chunk) }, scratch);
  }
}
