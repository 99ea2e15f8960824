import { reflector } from './householder.js';
import type { WasmTiles } from './wasm-kernel.js';

/**
 * Stage two of the two-stage symmetric eigensolver: a symmetric band matrix of half-bandwidth b to tridiagonal form
 * by bulge chasing with Householder reflectors of length b (LAPACK `dsytrd_sb2st`; Haidar, Ltaief & Dongarra, SC'11;
 * Bischof, Lang & Sun, ACM TOMS 26, 2000).
 *
 * Storage ("skewed" band): row i of the band occupies 2b doubles from `off + i·2b`, entry A[i, i + d] at offset d
 * (d < 2b: the band to d = b, room for the bulge beyond). Equivalently element (i, j) of the matrix is at
 * `off + i·ld + j` with ld = 2b − 1, valid for i ≤ j < i + 2b — so every block the chase touches is an ordinary
 * row-major block with row stride ld.
 *
 * Sweep j zeroes row j beyond its first off-diagonal. With G_k = [j + 1 + kb, j + (k + 1)b] ∩ [0, n), task k:
 * - forms the reflector H_k over the columns G_k of row j (k = 0) or of row first(G_{k−1}) (k ≥ 1), keeping only the
 *   first entry;
 * - applies H_k from the right to the other rows of G_{k−1} (k ≥ 1),
 * - two-sided to the diagonal block A[G_k, G_k],
 * - from the left to A[G_k, G_{k+1}], which fills it: the bulge that task k + 1 chases one block further down.
 * Each task touches rows G_{k−1} ∪ G_k only, so task (j + 1, k) may run as soon as task (j, k + 2) is done (used by
 * the two-thread schedule).
 */

/** Row stride of the skewed band view for half-bandwidth b. */
export function bandStride(b: number): number {
  return 2 * b - 1;
}

/** Doubles of band storage for order n and half-bandwidth b (with room for the last rows' bulge entries). */
export function bandStorage(n: number, b: number): number {
  return n * 2 * b + 2 * b;
}

/**
 * Copies the band (entries A[i, i … i + b]) of the row-major n × n matrix at H[a] into the band storage at M[off]
 * (zeros beyond).
 */
export function copyBand(n: number, b: number, H: Float64Array, a: number, M: Float64Array, off: number): void {
  const L = 2 * b;
  M.fill(0, off, off + bandStorage(n, b));
  for (let i = 0; i < n; i++) {
    const len = Math.min(b + 1, n - i);
    const src = a + i * n + i;
    const dst = off + i * L;
    for (let d = 0; d < len; d++) M[dst + d] = H[src + d];
  }
}

/** The reflectors of the chase, kept for the back-transformation of eigenvectors (`applyChaseReflectors`). */
export interface ChaseReflectors {
  /** τ of each task in execution order (sweep by sweep). */
  tau: Float64Array;
  /** First column (head) of each task's reflector. */
  head: Int32Array;
  /** Length of each task's reflector. */
  len: Int32Array;
  /** The tails v[1 …] of each task's reflector, b − 1 doubles per task. */
  v: Float64Array;
  /** Tasks recorded. */
  count: number;
}

/** The number of chase tasks for order n and half-bandwidth b. */
export function chaseTasks(n: number, b: number): number {
  let count = 0;
  for (let j = 0; j + 2 < n; j++) count += sweepTasks(n, b, j);
  return count;
}

/** Storage for {@link ChaseReflectors} of an order-n, half-bandwidth-b chase. */
export function chaseReflectors(n: number, b: number): ChaseReflectors {
  const tasks = chaseTasks(n, b);
  return {
    tau: new Float64Array(tasks),
    head: new Int32Array(tasks),
    len: new Int32Array(tasks),
    v: new Float64Array(tasks * Math.max(b - 1, 1)),
    count: 0,
  };
}

/**
 * One task of sweep j (see the module comment) on the skewed band at M[off] in plain TypeScript; `v` is b doubles of
 * scratch holding the reflector, `w` 2b more. Returns false when the sweep has no task k (it ended).
 */
export function chaseTask(
  n: number,
  b: number,
  M: Float64Array,
  off: number,
  j: number,
  k: number,
  v: Float64Array,
  w: Float64Array,
  keep: ChaseReflectors | null,
): boolean {
  const ld = 2 * b - 1;
  const g0 = j + 1 + k * b;
  const len = Math.min(b, n - g0);
  if (len < 2) return false;
  const src = k === 0 ? j : g0 - b;
  // Reflector from M[src, g0 … g0 + len).
  const x = off + src * ld + g0;
  let ss = 0;
  for (let l = 1; l < len; l++) ss += M[x + l] * M[x + l];
  const tau = reflector(M, x, len, ss);
  v[0] = 1;
  for (let l = 1; l < len; l++) {
    v[l] = M[x + l];
    M[x + l] = 0;
  }
  if (keep !== null) record(keep, keep.count++, b, tau, g0, len, v, 0);
  if (tau === 0) return true;
  // Right application to the other rows of G_{k−1}: row ← row − τ (row·v) vᵀ.
  if (k > 0) {
    for (let r = src + 1; r < g0; r++) {
      const row = off + r * ld + g0;
      let s = 0;
      for (let l = 0; l < len; l++) s += M[row + l] * v[l];
      s *= tau;
      for (let l = 0; l < len; l++) M[row + l] -= s * v[l];
    }
  }
  // Two-sided on D = A[G_k, G_k] (upper): p = τ D v, w = p − (τ/2)(pᵀv) v, D ← D − v wᵀ − w vᵀ.
  w.fill(0, 0, len);
  for (let r = 0; r < len; r++) {
    const row = off + (g0 + r) * ld + g0;
    let s = M[row + r] * v[r];
    for (let c = r + 1; c < len; c++) {
      s += M[row + c] * v[c];
      w[c] += M[row + c] * v[r];
    }
    w[r] += s;
  }
  let pv = 0;
  for (let r = 0; r < len; r++) {
    w[r] *= tau;
    pv += w[r] * v[r];
  }
  const half = -0.5 * tau * pv;
  for (let r = 0; r < len; r++) w[r] += half * v[r];
  for (let r = 0; r < len; r++) {
    const row = off + (g0 + r) * ld + g0;
    for (let c = r; c < len; c++) M[row + c] -= v[r] * w[c] + w[r] * v[c];
  }
  // Left application to E = A[G_k, G_{k+1}]: E ← E − v (τ vᵀE).
  const e0 = g0 + b;
  const cols = Math.min(b, n - e0);
  if (cols > 0) {
    const u = b; // w[b …] holds τ vᵀE
    w.fill(0, u, u + cols);
    for (let r = 0; r < len; r++) {
      const row = off + (g0 + r) * ld + e0;
      const vr = v[r];
      for (let c = 0; c < cols; c++) w[u + c] += vr * M[row + c];
    }
    for (let c = 0; c < cols; c++) w[u + c] *= tau;
    for (let r = 0; r < len; r++) {
      const row = off + (g0 + r) * ld + e0;
      const vr = v[r];
      for (let c = 0; c < cols; c++) M[row + c] -= vr * w[u + c];
    }
  }
  return true;
}

/** The wasm form of {@link chaseTask}: `WasmTiles.chase` and two scratch vectors of 2b doubles (element offsets). */
export interface WasmChase {
  readonly chase: WasmTiles['chase'];
  readonly v: number;
  readonly w: number;
}

/** Sets task t's record in `keep` from its reflector (v[0] = 1 implicit, v[1 …] at V[v0 + 1 …]). */
function record(
  keep: ChaseReflectors,
  t: number,
  b: number,
  tau: number,
  g0: number,
  len: number,
  V: Float64Array,
  v0: number,
) {
  keep.tau[t] = tau;
  keep.head[t] = g0;
  keep.len[t] = len;
  const stride = Math.max(b - 1, 1);
  for (let l = 1; l < len; l++) keep.v[t * stride + l - 1] = V[v0 + l];
}

/**
 * Reduces the band at M[off] (see the module comment) to tridiagonal form: T's diagonal in d, its off-diagonal in
 * e[0 … n − 2] (e[n − 1] = 0). With `keep`, records every reflector for the back-transformation. With `wasm`, M is
 * the tile module's memory and each task runs as one call of its `chase`.
 */
export function bandToTridiagonal(
  n: number,
  b: number,
  M: Float64Array,
  off: number,
  d: Float64Array,
  e: Float64Array,
  keep: ChaseReflectors | null = null,
  wasm?: WasmChase,
): void {
  if (wasm === undefined) {
    const v = new Float64Array(b);
    const w = new Float64Array(2 * b);
    for (let j = 0; j + 2 < n; j++) for (let k = 0; chaseTask(n, b, M, off, j, k, v, w, keep); k++);
  } else {
    const ld = 2 * b - 1;
    const { chase } = wasm;
    for (let j = 0; j + 2 < n; j++) {
      for (let g0 = j + 1, src = j; g0 + 1 < n; src = g0, g0 += b) {
        const len = Math.min(b, n - g0);
        const tau = chase(8 * off, ld, src, g0, len, Math.max(0, Math.min(b, n - g0 - b)), 8 * wasm.v, 8 * wasm.w);
        if (keep !== null) record(keep, keep.count++, b, tau, g0, len, M, wasm.v);
      }
    }
  }
  readTridiagonal(n, b, M, off, d, e);
}

/** Reads T's diagonal and off-diagonal out of the reduced band. */
export function readTridiagonal(n: number, b: number, M: Float64Array, off: number, d: Float64Array, e: Float64Array) {
  const L = 2 * b;
  for (let i = 0; i < n; i++) {
    d[i] = M[off + i * L];
    e[i] = i + 1 < n ? M[off + i * L + 1] : 0;
  }
}

/** `WasmTiles.reflectLeft` in element offsets, or its TypeScript twin {@link reflectLeftTs}. */
export type ReflectLeft = (
  y: number,
  ldy: number,
  rows: number,
  cols: number,
  v: number,
  tau: number,
  w: number,
) => void;

/** Y ← (I − τ v vᵀ) Y for the rows × cols block at H[y] (row stride ldy), w (cols doubles) as scratch. */
export function reflectLeftTs(
  H: Float64Array,
  y: number,
  ldy: number,
  rows: number,
  cols: number,
  v: number,
  tau: number,
  w: number,
): void {
  H.fill(0, w, w + cols);
  for (let r = 0; r < rows; r++) {
    const vr = H[v + r];
    const a = y + r * ldy;
    for (let c = 0; c < cols; c++) H[w + c] += vr * H[a + c];
  }
  for (let r = 0; r < rows; r++) {
    const t = -tau * H[v + r];
    const a = y + r * ldy;
    for (let c = 0; c < cols; c++) H[a + c] += t * H[w + c];
  }
}

/**
 * Back-transformation of the chase: replaces the n × k matrix Y at H[y] (row stride ldY; eigenvectors of T as
 * columns) by Q₂ Y, where T = Q₂ᵀ B Q₂ and Q₂ is the product of the recorded reflectors in execution order — so they
 * are applied last first, each to the rows it spans (`reflect`, with a reflector at H[v] and k doubles at H[w]).
 */
export function applyChaseReflectors(
  b: number,
  keep: ChaseReflectors,
  H: Float64Array,
  y: number,
  ldY: number,
  k: number,
  v: number,
  w: number,
  reflect: ReflectLeft,
): void {
  const stride = Math.max(b - 1, 1);
  for (let t = keep.count - 1; t >= 0; t--) {
    const tau = keep.tau[t];
    if (tau === 0) continue;
    const len = keep.len[t];
    H[v] = 1;
    H.set(keep.v.subarray(t * stride, t * stride + len - 1), v + 1);
    reflect(y + keep.head[t] * ldY, ldY, len, k, v, tau, w);
  }
}

/** Tasks of sweep j (those whose reflector has length ≥ 2). */
export function sweepTasks(n: number, b: number, j: number): number {
  return j + 2 < n ? Math.floor((n - 3 - j) / b) + 1 : 0;
}

/** Polls of a progress counter before a chase thread sleeps on it. */
const SPIN = 1 << 12;

/**
 * Waits until progress[index] ≥ value: spins briefly, then sleeps with `sleeping` set so that the other thread's
 * {@link publish} wakes it (a 1 ms timeout guards against a lost wake-up).
 */
function awaitProgress(progress: Int32Array, index: number, value: number, sleeping: number): void {
  for (let spin = 0; spin < SPIN; spin++) if (Atomics.load(progress, index) >= value) return;
  Atomics.store(progress, sleeping, 1);
  for (let seen = Atomics.load(progress, index); seen < value; seen = Atomics.load(progress, index)) {
    Atomics.wait(progress, index, seen, 1);
  }
  Atomics.store(progress, sleeping, 0);
}

/** Publishes progress[index] = value and wakes the other thread if it sleeps. */
function publish(progress: Int32Array, index: number, value: number, otherSleeping: number): void {
  Atomics.store(progress, index, value);
  if (Atomics.load(progress, otherSleeping) !== 0) Atomics.notify(progress, index);
}

/** Int32 words of the progress block of a two-thread chase: tasks done by each parity, and each one's sleep flag. */
export const CHASE_PROGRESS_WORDS = 4;

/**
 * The sweeps j ≡ parity (mod 2) of the chase of {@link bandToTridiagonal}, for two threads sharing the band (one per
 * parity, on the same wasm memory). Task (j, k) touches rows G_{k−1} ∪ G_k only, so it may run once task (j − 1, k + 2)
 * is done: each thread publishes how many tasks it has finished in `progress` ({@link CHASE_PROGRESS_WORDS} words,
 * zeroed before either starts) and waits on the other's count. Every task runs the same code on the same data as in
 * the sequential order, so the result is bitwise that of one thread. Records into `keep` at each task's sequential
 * index.
 */
export function chaseSweeps(
  n: number,
  b: number,
  M: Float64Array,
  off: number,
  wasm: WasmChase,
  parity: number,
  progress: Int32Array,
  keep: ChaseReflectors | null,
): void {
  const ld = 2 * b - 1;
  const other = 1 - parity;
  let done = 0;
  let otherBefore = 0; // tasks of the other parity's sweeps before j − 1
  let seq = 0; // sequential index of the first task of sweep j
  for (let j = 0; j < parity; j++) seq += sweepTasks(n, b, j);
  for (let j = parity; j + 2 < n; j += 2) {
    const previous = j >= 1 ? sweepTasks(n, b, j - 1) : 0;
    let k = 0;
    for (let g0 = j + 1, src = j; g0 + 1 < n; src = g0, g0 += b, k++) {
      if (j >= 1) awaitProgress(progress, other, otherBefore + Math.min(k + 3, previous), 2 + parity);
      const len = Math.min(b, n - g0);
      const tau = wasm.chase(8 * off, ld, src, g0, len, Math.max(0, Math.min(b, n - g0 - b)), 8 * wasm.v, 8 * wasm.w);
      if (keep !== null) record(keep, seq + k, b, tau, g0, len, M, wasm.v);
      publish(progress, parity, ++done, 2 + other);
    }
    otherBefore += previous;
    seq += k + sweepTasks(n, b, j + 1);
  }
}
