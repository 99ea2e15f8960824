import { type FloatArray, SpecError, tridiagonalQL } from '@spec/core';
import { checkSymmetric } from './symmetric-check.js';
import { type ThreadPool, sharedFloat64 } from './thread-pool.js';
import { type WasmTiles, instantiateTiles, sharedWasmMemory, tileModuleBytes } from './wasm-kernel.js';
import { tridiagonalInverseIteration } from './tridiagonal-inverse-iteration.js';
import { type SharedTiles, applyReflectorsToRows, tridiagonalize } from './tridiagonalize.js';

/** eigh uses inverse iteration when k ≤ n / 8 (else accumulating the QL rotations is competitive). */
const INVERSE_ITERATION_FRACTION = 8;

/** Result of {@link eigh}: ascending values and an n × k row-major matrix whose column j goes with values[j]. */
export interface EighResult {
  /** The k selected eigenvalues, ascending. */
  readonly values: Float64Array;
  /** n × k row-major; column j is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/**
 * The working copy of A for the reduction: in the eigensolver's own wasm memory (followed by 5n doubles
 * of work vectors) when WebAssembly SIMD is available, else in a SharedArrayBuffer when threads may help,
 * else a plain array. Only the lower triangle is used; copying all of it keeps this float32-safe.
 */
function workingCopy(n: number, A: FloatArray, pool?: ThreadPool): { work: Float64Array; wasm?: WasmTiles; shared?: SharedTiles } {
  const simd = n >= SIMD_MIN_N && (pool?.simd ?? true);
  // Two threads: the module on a shared memory, so a worker runs half of every step's rows on it.
  const shared = simd && pool !== undefined && pool.threads > 1 && n >= SHARED_MIN_N ? sharedEigenTiles() : null;
  const wasm = shared?.tiles ?? (simd ? eigenTiles() : null);
  if (wasm !== null && (n * n + 5 * n) * 8 <= 2 ** 31) {
    const need = (n * n + 5 * n) * 8;
    const have = wasm.memory.buffer.byteLength;
    if (need > have) wasm.memory.grow(Math.ceil((need - have) / 65536));
    const work = new Float64Array(wasm.memory.buffer, 0, n * n);
    work.set(A.subarray(0, n * n));
    return shared !== null ? { work, wasm, shared } : { work, wasm };
  }
  const work = pool !== undefined && pool.threads > 1 ? sharedFloat64(n * n) : new Float64Array(n * n);
  work.set(A.subarray(0, n * n));
  return { work };
}

/** Below this order the reduction stays in plain JavaScript (the wasm call per row would not pay). */
const SIMD_MIN_N = 64;

/** From this n the reduction's rows are split between the calling thread and a worker (as in `tridiagonalize`). */
const SHARED_MIN_N = 256;

let sharedInstance: SharedTiles | null | undefined;

/** The tile module on a shared wasm memory (one per process, grown on demand), or null where unavailable. */
function sharedEigenTiles(): SharedTiles | null {
  if (sharedInstance === undefined) {
    sharedInstance = null;
    const memory = sharedWasmMemory();
    const bytes = tileModuleBytes(false, true);
    const tiles = memory === null ? null : instantiateTiles(bytes, memory);
    if (tiles !== null) sharedInstance = { tiles, bytes };
  }
  return sharedInstance;
}

let eigenInstance: WasmTiles | null | undefined;

/** A separate wasm instance for the eigensolver, so its memory never aliases the products' scratch. */
function eigenTiles(): WasmTiles | null {
  if (eigenInstance === undefined) eigenInstance = instantiateTiles(tileModuleBytes());
  return eigenInstance;
}

/**
 * All eigenvalues (ascending) of the symmetric n × n row-major matrix `A` (float64 or float32; not
 * modified): Householder tridiagonalisation ({@link tridiagonalize}) then implicit QL without vectors.
 * Checks that A is finite and symmetric (`E_INPUT`); the lower triangle is the one used. With a
 * `pool` of more than one thread, a worker shares each step of the reduction (same results).
 */
export function eigvalsh(n: number, A: FloatArray, pool?: ThreadPool): Float64Array {
  checkDims(n, A);
  checkSymmetric(n, A, `eigvalsh: the ${n} × ${n} matrix`);
  const { work, wasm, shared } = workingCopy(n, A, pool);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(n);
  tridiagonalize(n, work, d, e, tau, pool, wasm, shared);
  tridiagonalQL(d, e, null);
  return d;
}

/**
 * Eigenvalues and eigenvectors of the symmetric n × n row-major matrix `A` (not modified). With `k`
 * (1 ≤ k ≤ n, default n) only the k largest are returned, still ascending, with an n × k matrix of
 * vectors. Route: Householder tridiagonalisation; then for k ≤ n/8 eigenvalues by QL and vectors by
 * verified inverse iteration ({@link tridiagonalInverseIteration}), otherwise (or if that check fails)
 * implicit QL accumulating the rotations on contiguous rows; finally back-transformation by the stored
 * reflectors of the k vectors kept.
 * `pool` as in {@link eigvalsh}.
 */
export function eigh(n: number, A: FloatArray, k: number = n, pool?: ThreadPool): EighResult {
  checkDims(n, A);
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new SpecError('E_INPUT', `eigh: k must be an integer in [0, ${n}] for a ${n} × ${n} matrix, got ${k}`);
  }
  checkSymmetric(n, A, `eigh: the ${n} × ${n} matrix`);
  const { work, wasm, shared } = workingCopy(n, A, pool);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(n);
  tridiagonalize(n, work, d, e, tau, pool, wasm, shared);
  const { values, Y } = tridiagonalVectors(d, e, k);
  // Back-transform the kept vectors and lay them out as columns.
  applyReflectorsToRows(n, work, tau, Y, k);
  const vectors = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    const row = j * n;
    for (let i = 0; i < n; i++) vectors[i * k + j] = Y[row + i];
  }
  return { values, vectors };
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
    throw new SpecError('E_SHAPE', `expected an n × n matrix with n = ${n} (${n * n} entries), got ${A.length} entries`);
  }
}
