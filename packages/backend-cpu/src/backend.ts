import {
  type Activation,
  type Backend,
  type BackendOp,
  type Eigen,
  type FloatArray,
  type GemmOptions,
  type GramOptions,
  type Matrix,
  type Rng,
  SpecError,
  assertFinite,
  assertSquare,
} from '@spec/core';
import { eigh, eigvalsh } from './eigen.js';
import { dhadamard, dmap } from './elementwise.js';
import { dgemm } from './gemm.js';
import { dgram, dgramRows } from './gram.js';
import { dmatvec } from './matvec.js';
import {
  MAP_PARALLEL_MIN,
  PARALLEL_MIN_WORK,
  type ThreadPool,
  createThreadPool,
  sharedFloat64,
} from './thread-pool.js';
import { mapLoopBody } from './compiled-map.js';

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /**
   * Threads for large products (gemm, gram) and the eigensolver's reduction, the calling thread included; default
   * `SPEC_CPU_THREADS` from the environment if set, else the machine's available parallelism, at most 4. `1` never
   * starts a worker thread. Results do not depend on it.
   */
  readonly threads?: number;
  /**
   * Use the WebAssembly SIMD kernels where available (default true). `false` runs the pure-TypeScript kernels,
   * the fallback where WebAssembly SIMD is missing (same results within rounding; tested against each other).
   */
  readonly simd?: boolean;
}

function checkSize(rows: number, cols: number, what: string): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new SpecError('E_SHAPE', `${what}: dimensions must be non-negative integers, got ${rows} × ${cols}`);
  }
}

function checkMatrix(A: Matrix, what: string): void {
  checkSize(A.rows, A.cols, what);
  if (A.data.length !== A.rows * A.cols) {
    throw new SpecError(
      'E_SHAPE',
      `${what} is ${A.rows} × ${A.cols} but holds ${A.data.length} entries (expected ${A.rows * A.cols})`,
    );
  }
}

function gemm(pool: ThreadPool, A: Matrix, B: Matrix, options: GemmOptions = {}): Matrix {
  const { transA = false, transB = false, alpha = 1, beta = 0, C } = options;
  checkMatrix(A, 'gemm: A');
  checkMatrix(B, 'gemm: B');
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
    throw new SpecError('E_INPUT', `gemm: alpha and beta must be finite, got alpha = ${alpha}, beta = ${beta}`);
  }
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const kb = transB ? B.cols : B.rows;
  const n = transB ? B.rows : B.cols;
  if (k !== kb) {
    throw new SpecError(
      'E_SHAPE',
      `gemm: inner dimensions differ: op(A) is ${m} × ${k}, op(B) is ${kb} × ${n} (transA = ${transA}, transB = ${transB})`,
    );
  }
  let out: Matrix;
  if (C !== undefined) {
    checkMatrix(C, 'gemm: C');
    if (C.rows !== m || C.cols !== n)
      throw new SpecError('E_SHAPE', `gemm: C must be ${m} × ${n}, got ${C.rows} × ${C.cols}`);
    if (!(C.data instanceof Float64Array)) {
      throw new SpecError(
        'E_INPUT',
        'gemm: the cpu backend writes C in place and needs it float64; pass a Float64Array-backed C',
      );
    }
    out = C;
  } else {
    // Large products get a SharedArrayBuffer-backed result, so the worker threads write it in place.
    out = {
      rows: m,
      cols: n,
      data: pool.threads > 1 && m * n * k >= PARALLEL_MIN_WORK ? sharedFloat64(m * n) : new Float64Array(m * n),
    };
  }
  const effectiveBeta = C === undefined ? 0 : beta;
  dgemm(
    transA,
    transB,
    m,
    n,
    k,
    alpha,
    A.data,
    A.cols,
    0,
    B.data,
    B.cols,
    0,
    effectiveBeta,
    out.data as Float64Array,
    n,
    0,
    pool,
  );
  return out;
}

function gram(pool: ThreadPool, A: Matrix, options?: GramOptions): Matrix {
  checkMatrix(A, 'gram: A');
  const rows = options?.rows === true;
  const n = rows ? A.rows : A.cols;
  const d = rows ? A.cols : A.rows;
  const G = pool.threads > 1 && (n * n * d) / 2 >= PARALLEL_MIN_WORK ? sharedFloat64(n * n) : new Float64Array(n * n);
  if (rows) dgramRows(n, d, A.data, A.cols, 0, G, pool);
  else dgram(d, n, A.data, A.cols, 0, G, pool);
  return { rows: n, cols: n, data: G };
}

function checkMode(mode: string): void {
  if (mode !== 'value' && mode !== 'derivative') {
    throw new SpecError('E_INPUT', `map: mode must be 'value' or 'derivative', got ${JSON.stringify(mode)}`);
  }
}

/** A float64 output of `length` entries, shared with the workers when a parallel map may use it. */
function mapOutput(pool: ThreadPool, length: number, parallel: boolean): Float64Array {
  return parallel && pool.threads > 1 && length >= MAP_PARALLEL_MIN ? sharedFloat64(length) : new Float64Array(length);
}

/**
 * φ(A) or φ′(A). With an exact `source` (see `ActivationSource.exact`) and float64 data, the compiled expression runs
 * on all threads (identical results); otherwise the closure runs on the calling thread.
 */
function map(pool: ThreadPool, A: Matrix, activation: Activation, mode: 'value' | 'derivative'): Matrix {
  checkMatrix(A, 'map: A');
  checkMode(mode);
  const body = A.data instanceof Float64Array ? mapLoopBody(activation, mode === 'value', mode === 'derivative') : null;
  const out = mapOutput(pool, A.data.length, body !== null);
  if (
    body !== null &&
    pool.mapLoop(body, A.data as Float64Array, mode === 'value' ? out : null, mode === 'value' ? null : out)
  ) {
    return { rows: A.rows, cols: A.cols, data: out };
  }
  const f = mode === 'value' ? activation.fn : activation.deriv;
  dmap(out.length, (x) => f.call(activation, x), A.data, 1, 0, out, 1, 0);
  return { rows: A.rows, cols: A.cols, data: out };
}

/**
 * φ(A) and φ′(A) in one pass (`Backend.mapBoth`): the fused exact source on all threads, else `valueAndDeriv` on the
 * calling thread, else `fn` then `deriv`. Bit for bit the results of two {@link map} calls.
 */
function mapBoth(
  pool: ThreadPool,
  A: Matrix,
  activation: Activation,
  options: { readonly derivativeInPlace?: boolean } = {},
): { value: Matrix; derivative: Matrix } {
  checkMatrix(A, 'mapBoth: A');
  const inPlace = options.derivativeInPlace === true && A.data instanceof Float64Array;
  const x = A.data;
  const body = x instanceof Float64Array ? mapLoopBody(activation, true, true) : null;
  const v = mapOutput(pool, x.length, body !== null);
  const d = inPlace ? (x as Float64Array) : mapOutput(pool, x.length, body !== null);
  const shape = { rows: A.rows, cols: A.cols };
  const result = { value: { ...shape, data: v }, derivative: inPlace ? A : { ...shape, data: d } };
  if (body !== null && pool.mapLoop(body, x as Float64Array, v, d)) return result;
  const both = activation.valueAndDeriv;
  if (both !== undefined) {
    const pair = new Float64Array(2);
    for (let i = 0; i < x.length; i++) {
      both.call(activation, x[i], pair);
      v[i] = pair[0];
      d[i] = pair[1];
    }
    return result;
  }
  for (let i = 0; i < x.length; i++) v[i] = activation.fn(x[i]);
  for (let i = 0; i < x.length; i++) d[i] = activation.deriv(x[i]);
  return result;
}

function hadamard(A: Matrix, B: Matrix): Matrix {
  checkMatrix(A, 'hadamard: A');
  checkMatrix(B, 'hadamard: B');
  if (A.rows !== B.rows || A.cols !== B.cols) {
    throw new SpecError('E_SHAPE', `hadamard: shapes differ, A is ${A.rows} × ${A.cols}, B is ${B.rows} × ${B.cols}`);
  }
  const out = new Float64Array(A.data.length);
  dhadamard(out.length, A.data, 1, 0, B.data, 1, 0, out, 1, 0);
  return { rows: A.rows, cols: A.cols, data: out };
}

function squareFinite(S: Matrix, what: string): void {
  checkMatrix(S, what);
  assertSquare(S, what);
  assertFinite(S, what);
}

function eigvalshOp(pool: ThreadPool, S: Matrix): Float64Array {
  squareFinite(S, 'eigvalsh: S');
  return eigvalsh(S.rows, S.data, pool);
}

function eighOp(pool: ThreadPool, S: Matrix, options?: { readonly k?: number; readonly allValues?: boolean }): Eigen {
  squareFinite(S, 'eigh: S');
  const n = S.rows;
  const k = options?.k ?? n;
  const r = eigh(n, S.data, k, pool);
  const vectors = { rows: n, cols: k, data: r.vectors };
  if (options?.allValues !== true) return { values: r.values, vectors };
  return { values: r.values, vectors, allValues: r.allValues ?? eigvalsh(n, S.data, pool) };
}

function matvec(A: Matrix, x: FloatArray, options?: { readonly trans?: boolean }): Float64Array {
  checkMatrix(A, 'matvec: A');
  const trans = options?.trans ?? false;
  const need = trans ? A.rows : A.cols;
  if (x.length !== need) {
    throw new SpecError(
      'E_SHAPE',
      `matvec: x must have length ${need} for ${trans ? 'Aᵀ' : 'A'} x with A ${A.rows} × ${A.cols}, got ${x.length}`,
    );
  }
  const y = new Float64Array(trans ? A.cols : A.rows);
  dmatvec(trans, A.rows, A.cols, A.data, A.cols, 0, x, y);
  return y;
}

function randn(rows: number, cols: number, rng: Rng): Matrix {
  checkSize(rows, cols, 'randn');
  const data = new Float64Array(rows * cols);
  rng.fillNormal(data, 0, data.length);
  return { rows, cols, data };
}

/**
 * The float64 CPU {@link Backend}: register-tiled GEMM and Gram (exactly symmetric), element-wise
 * maps, and a Householder + implicit-QL symmetric eigensolver. Accepts float32- or float64-backed
 * matrices and always returns float64 (`precision: 'f64'`); every op is computed here
 * (`computedBy(op) === 'cpu'`). Inputs are never modified except an explicit gemm `C`. Large products
 * are shared with worker threads (see {@link CpuBackendOptions}); `dispose()` stops them.
 *
 * @example
 * ```ts
 * const cpu = createCpuBackend();
 * const K = cpu.gram(cpu.randn(100, 50, createRng(0))); // 50 × 50
 * const spectrum = cpu.eigvalsh(K);
 * ```
 */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend {
  if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
    throw new SpecError('E_INPUT', `createCpuBackend: threads must be a positive integer, got ${options.threads}`);
  }
  const pool = createThreadPool(options.threads, options.simd ?? true);
  return {
    name: 'cpu',
    precision: 'f64',
    gemm: (A, B, gemmOptions) => gemm(pool, A, B, gemmOptions),
    gram: (A, options) => gram(pool, A, options),
    map: (A, activation, mode) => map(pool, A, activation, mode),
    mapBoth: (A, activation, mapOptions) => mapBoth(pool, A, activation, mapOptions),
    hadamard,
    eigvalsh: (S) => eigvalshOp(pool, S),
    eigh: (S, eighOptions) => eighOp(pool, S, eighOptions),
    matvec,
    randn,
    computedBy: (_op: BackendOp) => 'cpu',
    dispose: () => pool.dispose(),
  };
}
