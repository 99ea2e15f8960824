import { type FloatArray, SpecError, tridiagonalEigenvalues, tridiagonalQL } from '@spec/core';
import { checkSymmetric } from './symmetric-check.js';
import type { ThreadPool } from './thread-pool.js';
import { type WasmTiles, instantiateTiles, relaxedSimd, sharedWasmMemory, tileModuleBytes } from './wasm-kernel.js';
import { tridiagonalInverseIteration } from './tridiagonal-inverse-iteration.js';
import {
  type TwoStage,
  type TwoStageMemory,
  halfBandwidth,
  twoStagePlan,
  twoStageTridiagonal,
  twoStageVectors,
} from './two-stage.js';

/** eigh uses inverse iteration when k ≤ n / 8 (else accumulating the QL rotations is competitive). */
const INVERSE_ITERATION_FRACTION = 8;

/** From this order a worker thread takes half of each product and every other sweep of the two-stage reduction. */
const SESSION_MIN_N = 256;

/** Result of {@link eigh}: ascending values and an n × k row-major matrix whose column j goes with values[j]. */
export interface EighResult {
  /** The k selected eigenvalues, ascending. */
  readonly values: Float64Array;
  /** n × k row-major; column j is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
  /**
   * All n eigenvalues, ascending, by the root-free QL of {@link eigvalsh} on the same tridiagonal form — the same bits
   * as `eigvalsh(n, A)` (absent for k = 0, where no reduction runs).
   */
  readonly allValues?: Float64Array;
}

/** The tile module on a shared memory, with the bytes a worker instantiates it from. */
interface SharedTiles {
  readonly tiles: WasmTiles;
  readonly bytes: Uint8Array;
}

let sharedInstance: SharedTiles | null | undefined;

/** The tile module on a shared wasm memory (one per process, grown on demand), or null where unavailable. */
function sharedEigenTiles(): SharedTiles | null {
  if (sharedInstance === undefined) {
    sharedInstance = null;
    const memory = sharedWasmMemory();
    const bytes = tileModuleBytes(relaxedSimd(), true);
    const tiles = memory === null ? null : instantiateTiles(bytes, memory);
    if (tiles !== null) sharedInstance = { tiles, bytes };
  }
  return sharedInstance;
}

let eigenInstance: WasmTiles | null | undefined;

/** A separate wasm instance for the eigensolver, so its memory never aliases the products' scratch. */
function eigenTiles(): WasmTiles | null {
  if (eigenInstance === undefined) eigenInstance = instantiateTiles(tileModuleBytes(relaxedSimd()));
  return eigenInstance;
}

/**
 * Runs `solve` on the two-stage reduction of A (two-stage.ts; with room for k eigenvectors) in the eigensolver's wasm
 * memory — on a shared memory with a worker session from {@link SESSION_MIN_N} when the pool has a second thread — or
 * in a plain array on the TypeScript kernels (without WebAssembly SIMD, with `simd: false`, or past the 2 GiB of a
 * wasm memory). A is copied, so float32 input is fine and A is not modified.
 */
function withTwoStage<R>(
  n: number,
  A: FloatArray,
  pool: ThreadPool | undefined,
  k: number,
  solve: (reduced: TwoStage, memory: TwoStageMemory, plan: ReturnType<typeof twoStagePlan>) => R,
): R {
  const b = halfBandwidth(n);
  const plan = twoStagePlan(n, b, k);
  const need = plan.size;
  const simd = pool?.simd ?? true;
  const threaded = simd && pool !== undefined && pool.threads > 1 && n >= SESSION_MIN_N;
  const shared = threaded ? sharedEigenTiles() : null;
  const wasm = shared?.tiles ?? (simd ? eigenTiles() : null);
  if (wasm !== null && need * 8 <= 2 ** 31) {
    const have = wasm.memory.buffer.byteLength;
    if (need * 8 > have) wasm.memory.grow(Math.ceil((need * 8 - have) / 65536));
    const H = new Float64Array(wasm.memory.buffer);
    const session = shared !== null ? pool!.startReductionSession(wasm.memory, shared.bytes) : null;
    try {
      const memory = { H, wasm, session };
      return solve(twoStageTridiagonal(n, A, memory, b, k > 0), memory, plan);
    } finally {
      session?.close();
    }
  }
  const memory = { H: new Float64Array(need), wasm: null, session: null };
  return solve(twoStageTridiagonal(n, A, memory, b, k > 0), memory, plan);
}

/**
 * All eigenvalues (ascending) of the symmetric n × n row-major matrix `A` (float64 or float32; not modified): the
 * two-stage reduction to tridiagonal form (two-stage.ts: dense → band on the packed products, band → tridiagonal by
 * bulge chasing), then the root-free QL/QR of `tridiagonalEigenvalues` (LAPACK `dsterf`). Checks that A is finite and
 * symmetric (`E_INPUT`); the upper triangle is the one used. With a `pool` of more than one thread, a worker shares
 * the reduction (bitwise the same results).
 */
export function eigvalsh(n: number, A: FloatArray, pool?: ThreadPool): Float64Array {
  checkDims(n, A);
  checkSymmetric(n, A, `eigvalsh: the ${n} × ${n} matrix`);
  return withTwoStage(n, A, pool, 0, ({ d, e }) => {
    tridiagonalEigenvalues(d, e);
    return d;
  });
}

/**
 * Eigenvalues and eigenvectors of the symmetric n × n row-major matrix `A` (not modified). With `k` (0 ≤ k ≤ n,
 * default n) only the k largest are returned, still ascending, with an n × k matrix of vectors. Route: the two-stage
 * reduction (as {@link eigvalsh}, keeping the chase's reflectors); then for k ≤ n/8 eigenvalues by QL and vectors by
 * verified inverse iteration ({@link tridiagonalInverseIteration}), otherwise (or if that check fails) implicit QL
 * accumulating the rotations on contiguous rows; finally the k vectors are taken back through both stages' reflectors.
 * `pool` as in {@link eigvalsh}.
 */
export function eigh(n: number, A: FloatArray, k: number = n, pool?: ThreadPool): EighResult {
  checkDims(n, A);
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new SpecError('E_INPUT', `eigh: k must be an integer in [0, ${n}] for a ${n} × ${n} matrix, got ${k}`);
  }
  checkSymmetric(n, A, `eigh: the ${n} × ${n} matrix`);
  if (k === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  return withTwoStage(n, A, pool, k, (reduced, memory, plan) => {
    // O(n) copies and O(n²) root-free QL: every eigenvalue for callers that want them too, no second reduction.
    const allValues = Float64Array.from(reduced.d);
    tridiagonalEigenvalues(allValues, Float64Array.from(reduced.e));
    const { values, Y } = tridiagonalVectors(reduced.d, reduced.e, k);
    return { values, vectors: twoStageVectors(n, reduced, memory, plan.back!, Y, k), allValues };
  });
}

/**
 * The k largest eigenvalues of the tridiagonal (d, e) and their eigenvectors as the rows of Y (k × n):
 * for k ≤ n/8 by QL without rotations plus verified inverse iteration, otherwise (or when the check
 * fails) by QL accumulating the rotations. Destroys d and e.
 */
function tridiagonalVectors(d: Float64Array, e: Float64Array, k: number): { values: Float64Array; Y: Float64Array } {
  const n = d.length;
  if (k <= n / INVERSE_ITERATION_FRACTION) {
    const dq = Float64Array.from(d);
    const eq = Float64Array.from(e);
    tridiagonalQL(dq, eq, null);
    const values = dq.slice(n - k);
    const Y = new Float64Array(n * k);
    if (tridiagonalInverseIteration(d, e, values, Y)) return { values, Y };
  }
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  tridiagonalQL(d, e, z);
  return { values: d.slice(n - k), Y: z.subarray((n - k) * n, n * n) };
}

function checkDims(n: number, A: FloatArray): void {
  if (!Number.isInteger(n) || n < 0 || A.length < n * n) {
    throw new SpecError(
      'E_SHAPE',
      `expected an n × n matrix with n = ${n} (${n * n} entries), got ${A.length} entries`,
    );
  }
}
