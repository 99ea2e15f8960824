import { reflector } from './householder.js';
import { type ProductSpec, packOperand, packScratch, packedOperandSize } from './packed-product.js';

/**
 * What the dense-to-band reduction runs on: the array `H` holding the matrix and its workspace, two vector kernels
 * (wasm or TypeScript) and the product C += α·P·Qᵀ of packed-product.ts (which may split its rows across threads).
 * Offsets are in doubles.
 */
export interface BandContext {
  readonly H: Float64Array;
  dot(x: number, y: number, len: number): number;
  /** H[y + l] += alpha·H[x + l] for l < len. */
  axpy(alpha: number, x: number, y: number, len: number): void;
  product(spec: ProductSpec): void;
  /**
   * The same product, its rows taken in chunks by whichever thread is free, while the caller first runs `meanwhile`
   * (the next panel's factorisation, on data the product does not touch). On one thread: `meanwhile`, then the product.
   */
  sharedProduct(spec: ProductSpec, meanwhile: () => void): void;
}

/** Doubles after the n × n matrix that a product's whole tiles may touch (with + 0) past its last row. */
const PAD = 8;

/** Where {@link reduceToBand} keeps its work arrays (offsets into H, in doubles). */
export interface BandLayout {
  /**
   * The reflectors of a panel as explicit rows (zeros, then 1, then the tail): b × n, row stride n; two of them, for
   * the current panel and the next one factored ahead.
   */
  readonly vr: readonly [number, number];
  /** Y = B V, then Z = Y T, then W = Z − ½ V S₁: (n + 5) × b each, row stride b. */
  readonly y: number;
  readonly z: number;
  /** T (b × b, two of them as for vr), Vᵀ Z ((b + 5) × b) and S₁ = Tᵀ Vᵀ Z (b × b), row stride b. */
  readonly t: readonly [number, number];
  readonly g: number;
  readonly s1: number;
  /** The rank-2b update's right operand [W | V], packed once for both threads. */
  readonly q2: number;
  /** Packing scratch of two threads (see packedProduct). */
  readonly scratch: ReadonlyArray<{ readonly p: number; readonly q: number }>;
  /** Doubles used from the start of the matrix. */
  readonly end: number;
}

/** Rows past the matrix where each product's scratch and work arrays are placed, for an n × n matrix at `base`. */
export function bandLayout(n: number, b: number, base: number): BandLayout {
  const vr0 = base + n * n + PAD;
  const vr1 = vr0 + b * n;
  const y = vr1 + b * n;
  const z = y + (n + 5) * b;
  const t0 = z + (n + 5) * b;
  const t1 = t0 + b * b;
  const g = t1 + b * b;
  const s1 = g + (b + 5) * b;
  const q2 = s1 + b * b;
  // The products pack at most b columns of Q per K slab of 256 (the rank-2b update's Q is packed once, in q2).
  const { p, q } = packScratch(b);
  const scratch: Array<{ p: number; q: number }> = [];
  let at = q2 + packedOperandSize(n, 2 * b);
  for (let w = 0; w < 2; w++) {
    scratch.push({ p: at, q: at + p });
    at += p + q;
  }
  return { vr: [vr0, vr1], y, z, t: [t0, t1], g, s1, q2, scratch, end: at };
}

/** Doubles of workspace {@link reduceToBand} needs after the n × n matrix. */
export function bandWorkspace(n: number, b: number): number {
  return bandLayout(n, b, 0).end - n * n;
}

/**
 * Stage one of the two-stage symmetric eigensolver: reduces the symmetric n × n row-major matrix at H[base] (upper
 * triangle used; the lower is scratch) to a band of half-bandwidth b by orthogonal similarity, B = Q₁ᵀ A Q₁, as LAPACK
 * `dsytrd_sy2sb` (uplo = 'L' in column-major terms: panels of b rows, each reflector a contiguous row). Reference:
 * Bischof, Lang & Sun, "A framework for symmetric band reduction" (ACM TOMS 26, 2000); Golub & Van Loan apps/docs/theory/infinite-width.md#ntk-parametrisation.7 (WY).
 *
 * For each panel of rows s … s + b − 1, with the trailing block B at rows and columns s + b … n − 1 (m of them):
 * 1. LQ of the panel's block right of the band, X = L Q (Householder on rows; level 2, m × b).
 * 2. The compact WY form Q = I − V T Vᵀ (dlarft): T from the Gram matrix Vᵀ V.
 * 3. Y = B V (symmetric product), Z = Y T, W = Z − ½ V (Tᵀ Vᵀ Z), so that Qᵀ B Q = B − V Wᵀ − W Vᵀ.
 * 4. The rank-2b update of B's upper triangle.
 * Steps 3–4 hold all but O(n²b) of the 4n³/3 flops and run as products on the packed micro-kernel.
 *
 * On return row i holds the band entries A[i, i … i + b] (row i's outermost, A[i, i + b], is the LQ's β) and, in
 * entries i + b + 1 … n − 1, the tail of its reflector (head 1 implicit at i + b), with scale `tau[i]` (0 for rows
 * with no reflector): Q₁ = H₀ H₁ ⋯, Hᵢ = I − τᵢ vᵢ vᵢᵀ. `H` must hold {@link bandWorkspace}(n, b) free doubles past
 * the matrix, laid out by {@link bandLayout}. b must be a multiple of 4.
 */
export function reduceToBand(n: number, b: number, base: number, tau: Float64Array, ctx: BandContext): void {
  const { H } = ctx;
  tau.fill(0);
  const L = bandLayout(n, b, base);
  let factored = -1; // the last panel whose LQ, V and T are ready
  for (let s = 0, panel = 0; s + b + 1 < n; s += b, panel++) {
    const top = s + b;
    const m = n - top;
    const bp = Math.min(b, m - 1); // reflectors of length ≥ 2
    if (factored < panel) factorPanel(n, b, s, panel, base, tau, L, ctx);
    factored = panel;
    const vr = L.vr[panel & 1];
    const T = L.t[panel & 1];
    const B = base + top * n + top;
    const m5 = Math.ceil(m / 5) * 5;
    // Y = B V.
    H.fill(0, L.y, L.y + m5 * b);
    ctx.product({
      r0: 0,
      r1: m,
      valid: m,
      cols: bp,
      k: m,
      alpha: 1,
      P: { off: B, ld: n, symmetric: true },
      Q: { off: vr, rs: n, ts: 1 },
      c: L.y,
      ldc: b,
      upper: false,
    });
    // Z = Y T.
    H.fill(0, L.z, L.z + m5 * b);
    ctx.product({
      r0: 0,
      r1: m,
      valid: m,
      cols: bp,
      k: bp,
      alpha: 1,
      P: { off: L.y, rs: b, ts: 1 },
      Q: { off: T, rs: 1, ts: b },
      c: L.z,
      ldc: b,
      upper: false,
    });
    // G = Vᵀ Z (bp × bp), then S₁ = Tᵀ G.
    H.fill(0, L.g, L.g + (b + 5) * b);
    ctx.product({
      r0: 0,
      r1: bp,
      valid: bp,
      cols: bp,
      k: m,
      alpha: 1,
      P: { off: vr, rs: n, ts: 1 },
      Q: { off: L.z, rs: 1, ts: b },
      c: L.g,
      ldc: b,
      upper: false,
    });
    for (let i = 0; i < bp; i++) {
      for (let j = 0; j < bp; j++) {
        let acc = 0;
        for (let l = 0; l <= i; l++) acc += H[T + l * b + i] * H[L.g + l * b + j];
        H[L.s1 + i * b + j] = acc;
      }
    }
    // W = Z − ½ V S₁ (in Z).
    ctx.product({
      r0: 0,
      r1: m,
      valid: m,
      cols: bp,
      k: bp,
      alpha: -0.5,
      P: { off: vr, rs: 1, ts: n },
      Q: { off: L.s1, rs: 1, ts: b },
      c: L.z,
      ldc: b,
      upper: false,
    });
    // B ← B − V Wᵀ − W Vᵀ on the upper triangle: whole 5-row tiles in the kernel, the last m mod 5 rows here.
    const whole = m - (m % 5);
    const vCol = { off: vr, rs: 1, ts: n };
    const wRow = { off: L.z, rs: b, ts: 1 };
    const Q = { split: bp, first: wRow, second: vCol };
    packOperand(H, Q, m, 2 * bp, L.q2);
    const update = (r0: number, r1: number): ProductSpec => ({
      r0,
      r1,
      valid: m,
      cols: m,
      k: 2 * bp,
      alpha: -1,
      P: { split: bp, first: vCol, second: wRow },
      Q,
      c: B,
      ldc: n,
      upper: true,
      packedQ: L.q2,
    });
    // Look-ahead: the next panel's rows (the first b of B) are updated first, then its LQ runs while the other rows
    // are updated (it touches none of them).
    const lead = Math.ceil(b / 5) * 5;
    if (s + 2 * b + 1 < n && whole >= lead + 5) {
      ctx.product(update(0, lead));
      ctx.sharedProduct(update(lead, whole), () => factorPanel(n, b, top, panel + 1, base, tau, L, ctx));
      factored = panel + 1;
    } else {
      ctx.product(update(0, whole));
    }
    for (let r = whole; r < m; r++) {
      for (let j = r; j < m; j++) {
        let acc = 0;
        for (let t = 0; t < bp; t++) {
          acc += H[vr + t * n + r] * H[L.z + j * b + t] + H[L.z + r * b + t] * H[vr + t * n + j];
        }
        H[B + r * n + j] -= acc;
      }
    }
  }
}

/**
 * The factorisation of the panel at row s: its LQ (panelLq), the explicit reflector rows in `vr[panel mod 2]` and the
 * triangular factor in `t[panel mod 2]`.
 */
function factorPanel(
  n: number,
  b: number,
  s: number,
  panel: number,
  base: number,
  tau: Float64Array,
  L: BandLayout,
  ctx: BandContext,
): void {
  panelLq(n, s, b, Math.min(b, n - s - b - 1), base, tau, ctx);
  storedPanel(n, b, s, base, tau, L.vr[panel & 1], L.t[panel & 1], ctx);
}

/**
 * The compact WY form I − V T Vᵀ of the panel at row s from its stored reflectors: the explicit reflector rows at
 * H[vr] (b × n, row stride n: zeros, 1, then the stored tail) and T at H[T] (row stride b). Returns the number of
 * reflectors bp.
 */
function storedPanel(
  n: number,
  b: number,
  s: number,
  base: number,
  tau: Float64Array,
  vr: number,
  T: number,
  ctx: BandContext,
): number {
  const { H } = ctx;
  const top = s + b;
  const m = n - top;
  const bp = Math.min(b, m - 1);
  for (let k = 0; k < bp; k++) {
    const row = vr + k * n;
    H.fill(0, row, row + k);
    H[row + k] = 1;
    const src = base + (s + k) * n + top;
    for (let t = k + 1; t < m; t++) H[row + t] = H[src + t];
  }
  triangularFactor(n, m, bp, b, vr, T, tau, s, ctx);
  return bp;
}

/**
 * LQ of the panel's block X = A[s … s + b − 1, s + b … n − 1] (b × m, rows of the matrix): for k < bp, the reflector
 * of row s + k over columns s + b + k … (β stored at its head, the tail after it, τ in tau[s + k]), applied to the
 * panel's later rows.
 */
function panelLq(n: number, s: number, b: number, bp: number, base: number, tau: Float64Array, ctx: BandContext) {
  const { H } = ctx;
  const top = s + b;
  const rows = Math.min(b, n - s);
  for (let k = 0; k < bp; k++) {
    const x = base + (s + k) * n + top + k;
    const len = n - top - k;
    const t = reflector(H, x, len, ctx.dot(x + 1, x + 1, len - 1));
    tau[s + k] = t;
    if (t === 0) continue;
    // Rows below: y ← y − τ (y·v) v, v = (1, H[x + 1 …]).
    for (let q = k + 1; q < rows; q++) {
      const y = base + (s + q) * n + top + k;
      const w = t * (H[y] + ctx.dot(y + 1, x + 1, len - 1));
      H[y] -= w;
      ctx.axpy(-w, x + 1, y + 1, len - 1);
    }
  }
}

/**
 * T (bp × bp upper triangular, row stride b) of the compact WY form H₀ ⋯ H_{bp−1} = I − V T Vᵀ (LAPACK `dlarft`,
 * forward, columnwise): T[k, k] = τ_k and T[0 … k − 1, k] = −τ_k T[0 … k − 1, 0 … k − 1] (Vᵀ v_k), with Vᵀ v_k from
 * dot products of the explicit reflector rows (those of v_k start at k).
 */
function triangularFactor(
  n: number,
  m: number,
  bp: number,
  b: number,
  vr: number,
  T: number,
  tau: Float64Array,
  s: number,
  ctx: BandContext,
): void {
  const { H } = ctx;
  H.fill(0, T, T + b * b);
  const g = new Float64Array(bp);
  for (let k = 0; k < bp; k++) {
    const tk = tau[s + k];
    H[T + k * b + k] = tk;
    if (tk === 0) continue;
    for (let l = 0; l < k; l++) g[l] = ctx.dot(vr + l * n + k, vr + k * n + k, m - k);
    for (let j = 0; j < k; j++) {
      let acc = 0;
      for (let l = j; l < k; l++) acc += H[T + j * b + l] * g[l];
      H[T + j * b + k] = -tk * acc;
    }
  }
}

/** Where {@link applyBandReflectors} keeps Y and its work arrays, after the reduction's memory (offsets in doubles). */
export interface BackLayout {
  /** Y: n × k (+ 5 rows of padding), row stride ldY = k rounded up to 4; column j is vector j. */
  readonly y: number;
  readonly ldY: number;
  /** Mᵀ = Yᵀ V and M′ᵀ = Mᵀ Tᵀ, (k + 5) × b each, row stride b. */
  readonly m1: number;
  readonly m2: number;
  /** M′ packed once as the right operand of the update (packed-product.ts, `packOperand`). */
  readonly q: number;
  /** Scratch for the chase's back-transformation: a reflector (b doubles) and vᵀY (ldY doubles). */
  readonly v: number;
  readonly w: number;
  /** Doubles used from offset 0. */
  readonly end: number;
}

/** The back-transformation's layout for k vectors of order n, placed from offset `start`. */
export function backLayout(n: number, k: number, b: number, start: number): BackLayout {
  const ldY = Math.max(4, (k + 3) & ~3);
  const y = start;
  const m1 = y + (n + 5) * ldY;
  const m2 = m1 + (k + 5) * b;
  const q = m2 + (k + 5) * b;
  const v = q + packedOperandSize(k, b);
  const w = v + b;
  return { y, ldY, m1, m2, q, v, w, end: w + ldY };
}

/**
 * Back-transformation after {@link reduceToBand}: replaces the n × k matrix Y at `back.y` (eigenvectors of the band
 * as columns) by Q₁ Y, panel by panel from the last: Y ← Y − V (T (Vᵀ Y)) on rows s + b … n − 1, with V and T rebuilt
 * from the reflectors stored in the reduced matrix at H[base] (the layout's vr[0], t[0] as scratch) — three products
 * on the packed micro-kernel per panel, 4(n − s − b)·b·k flops.
 */
export function applyBandReflectors(
  n: number,
  b: number,
  k: number,
  base: number,
  tau: Float64Array,
  back: BackLayout,
  ctx: BandContext,
): void {
  if (k === 0) return;
  const { H } = ctx;
  const L = bandLayout(n, b, base);
  const vr = L.vr[0];
  const T = L.t[0];
  const { ldY } = back;
  let last = 0;
  while (last + 2 * b + 1 < n) last += b;
  for (let s = last; s >= 0 && s + b + 1 < n; s -= b) {
    const top = s + b;
    const m = n - top;
    const bp = storedPanel(n, b, s, base, tau, vr, T, ctx);
    const k5 = Math.ceil(k / 5) * 5;
    // Mᵀ = Yᵀ V (k × bp).
    H.fill(0, back.m1, back.m1 + k5 * b);
    ctx.product({
      r0: 0,
      r1: k,
      valid: k,
      cols: bp,
      k: m,
      alpha: 1,
      P: { off: back.y + top * ldY, rs: 1, ts: ldY },
      Q: { off: vr, rs: n, ts: 1 },
      c: back.m1,
      ldc: b,
      upper: false,
    });
    // M′ᵀ = Mᵀ Tᵀ.
    H.fill(0, back.m2, back.m2 + k5 * b);
    ctx.product({
      r0: 0,
      r1: k,
      valid: k,
      cols: bp,
      k: bp,
      alpha: 1,
      P: { off: back.m1, rs: b, ts: 1 },
      Q: { off: T, rs: b, ts: 1 },
      c: back.m2,
      ldc: b,
      upper: false,
    });
    // Y[top …] −= V M′ (M′ packed once: both threads take rows of Y).
    const Q = { off: back.m2, rs: b, ts: 1 };
    packOperand(H, Q, k, bp, back.q);
    ctx.product({
      r0: 0,
      r1: m,
      valid: m,
      cols: k,
      k: bp,
      alpha: -1,
      P: { off: vr, rs: 1, ts: n },
      Q,
      c: back.y + top * ldY,
      ldc: ldY,
      upper: false,
      packedQ: back.q,
    });
  }
}
