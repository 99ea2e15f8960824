import { createCpuBackend } from '@spec/backend-cpu';
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
  assertShape,
  toFloat64,
} from '@spec/core';
import { HADAMARD_SOURCE, chunkedElementwise, mapSource, probeIndices, unsafeExpressionReason } from './elementwise.js';
import { KernelCache } from './kernel-cache.js';
import { type GpujsMode, type RunMode, resolveMode } from './modes.js';
import { type ProductInput, type Tiles, checkProduct, tiledProduct } from './product.js';

/** Options of {@link createGpujsBackend}. */
export interface GpujsBackendOptions {
  /** gpu.js mode to run in (default `'auto'`, see {@link GpujsMode}). */
  readonly mode?: GpujsMode;
  /**
   * Largest output tile side per kernel call (default 1024; 256 in cpu mode). Products larger than
   * this are split so that gpu.js never receives an oversized texture.
   */
  readonly tile?: number;
  /** Largest inner dimension per kernel call (default 1024; 256 in cpu mode; at most 1024). */
  readonly kTile?: number;
  /** Largest number of entries per element-wise kernel call (default 2²⁰; 2¹⁶ in cpu mode). */
  readonly chunk?: number;
  /** Check every product with a probe vector and every element-wise result at sample points (default true). */
  readonly validate?: boolean;
}

/** The gpu.js backend: a {@link Backend} plus what mode selection found. */
export interface GpujsBackend extends Backend {
  /** `"gpujs:<mode>"`, the mode that actually runs, e.g. `"gpujs:webasm"`. */
  readonly name: string;
  readonly precision: 'f32';
  /** The gpu.js mode that runs. */
  readonly mode: RunMode;
  /** Modes tried before it and why each was skipped (empty when the first choice ran). */
  readonly skippedModes: ReadonlyArray<string>;
  /**
   * Why the last `map` call ran on the CPU (no `source` expression, an expression outside the allowed
   * grammar, or one gpu.js could not compile), or null when it ran in gpu.js. `computedBy('map')`
   * likewise reports the backend of the last `map` call.
   */
  mapFallbackReason(): string | null;
  /** The tile sizes in use. */
  readonly tiles: Tiles & { readonly chunk: number };
}

/** Float32 row-major copy of A (or Aᵀ with `transpose`); a Float32Array input is reused without copy. */
function rowMajorF32(A: Matrix, transpose: boolean): Float32Array {
  const { rows, cols, data } = A;
  if (!transpose) return data instanceof Float32Array ? data : Float32Array.from(data);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = data[base + j];
  }
  return out;
}

function checkSize(value: number | undefined, fallback: number, what: string, max: number): void {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new SpecError('E_INPUT', `gpujs backend option ${what} must be an integer in [1, ${max}], got ${value}`);
  }
}

/**
 * Creates the gpu.js backend: float32 GEMM (all transposes), Gram, element-wise activation
 * value/derivative and Hadamard product on gpu.js 2.24, tiled to respect texture limits and validated
 * cheaply (probe vectors, sample points) so that gpu.js's silent failures become `E_BACKEND` errors
 * instead of zeros. Eigensolvers and matvec run in float64 on the CPU (`computedBy` says so); `randn`
 * draws on the CPU from the same {@link Rng} stream as the CPU backend, then rounds to float32.
 *
 * Results are float32 matrices (`Float32Array` data). In webasm and cpu modes there is no device
 * memory to keep data on; in GL modes each call reads its result back (the {@link Matrix} contract is
 * host memory).
 *
 * @example
 * ```ts
 * const gpu = await createGpujsBackend({ mode: 'auto' });
 * gpu.name;                 // "gpujs:webasm" in Node without headless-gl
 * const K = gpu.gram(X);    // XᵀX, float32, exactly symmetric
 * gpu.dispose();
 * ```
 */
export async function createGpujsBackend(options: GpujsBackendOptions = {}): Promise<GpujsBackend> {
  // Reject bad sizes before a GPU context exists, then pick per-mode defaults.
  checkSize(options.tile, 1, 'tile', 4096);
  checkSize(options.kTile, 1, 'kTile', 1024);
  checkSize(options.chunk, 1, 'chunk', 1 << 22);
  const choice = resolveMode(options.mode ?? 'auto');
  const small = choice.mode === 'cpu';
  const tiles = {
    tile: options.tile ?? (small ? 256 : 1024),
    kTile: options.kTile ?? (small ? 256 : 1024),
    chunk: options.chunk ?? (small ? 1 << 16 : 1 << 20),
  };
  const validate = options.validate ?? true;
  const cpu = createCpuBackend();
  const name = `gpujs:${choice.mode}`;
  const cache = new KernelCache(choice.gpu);
  const failedExpressions = new Map<string, string>();
  let mapBy = name;
  let mapFallback: string | null = null;
  let disposed = false;

  function alive(op: string): void {
    if (disposed) throw new SpecError('E_BACKEND', `${name}: ${op} called after dispose()`);
  }

  function product(input: ProductInput): Float64Array {
    const P = tiledProduct(cache, input, tiles, name);
    if (validate) checkProduct(P, input, name);
    return P;
  }

  function cpuMap(A: Matrix, f: (x: number) => number): Matrix {
    const out = new Float64Array(A.data.length);
    for (let i = 0; i < out.length; i++) out[i] = f(A.data[i]);
    return { rows: A.rows, cols: A.cols, data: out };
  }

  const backend: GpujsBackend = {
    name,
    precision: 'f32',
    mode: choice.mode,
    skippedModes: choice.skipped,
    tiles,

    gemm(A: Matrix, B: Matrix, opts: GemmOptions = {}): Matrix {
      alive('gemm');
      const { transA = false, transB = false, alpha = 1, beta = 0, C } = opts;
      const m = transA ? A.cols : A.rows;
      const k = transA ? A.rows : A.cols;
      const kB = transB ? B.cols : B.rows;
      const n = transB ? B.rows : B.cols;
      if (k !== kB) {
        throw new SpecError(
          'E_SHAPE',
          `gemm: op(A) is ${m} × ${k} but op(B) is ${kB} × ${n} (transA = ${transA}, transB = ${transB}); inner dimensions must agree`,
        );
      }
      if (C) assertShape(C, m, n, 'gemm accumulator C');
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        throw new SpecError('E_INPUT', `gemm: alpha and beta must be finite, got alpha = ${alpha}, beta = ${beta}`);
      }
      assertFinite(A, 'gemm input A');
      assertFinite(B, 'gemm input B');
      const a = rowMajorF32(A, transA);
      // bt = op(B)ᵀ row-major (n × k): B itself when transB, else Bᵀ.
      const bt = A === B && transA !== transB ? a : rowMajorF32(B, !transB);
      const useC = C !== undefined && beta !== 0;
      if (C && useC) assertFinite(C, 'gemm accumulator C');
      const P = product({ a, bt, m, n, k, symmetric: a === bt });
      const out = C ? C.data : new Float32Array(m * n);
      for (let i = 0; i < out.length; i++) out[i] = alpha * P[i] + (useC ? beta * out[i] : 0);
      for (let i = 0; i < out.length; i++) {
        if (!Number.isFinite(out[i])) {
          throw new SpecError(
            'E_BACKEND',
            `${name}: gemm result overflows float32 at entry ${i} after scaling by alpha = ${alpha}, beta = ${beta}; use --backend cpu`,
          );
        }
      }
      return C ?? { rows: m, cols: n, data: out };
    },

    gram(A: Matrix, options?: GramOptions): Matrix {
      alive('gram');
      assertFinite(A, 'gram input A');
      // The product's operands are the Gram's n rows of length k: Aᵀ for the column Gram, A itself for the row Gram.
      const rows = options?.rows === true;
      const at = rowMajorF32(A, !rows);
      const n = rows ? A.rows : A.cols;
      const P = product({ a: at, bt: at, m: n, n, k: rows ? A.cols : A.rows, symmetric: true });
      return { rows: n, cols: n, data: Float32Array.from(P) };
    },

    map(A: Matrix, activation: Activation, mode: 'value' | 'derivative'): Matrix {
      alive('map');
      if (mode !== 'value' && mode !== 'derivative') {
        throw new SpecError('E_INPUT', `map: mode must be "value" or "derivative", got ${JSON.stringify(mode)}`);
      }
      const f = mode === 'value' ? (x: number) => activation.fn(x) : (x: number) => activation.deriv(x);
      const expr = activation.source ? (mode === 'value' ? activation.source.fn : activation.source.deriv) : undefined;
      assertFinite(A, 'map input A');
      let reason: string | null;
      if (expr === undefined) reason = `activation "${activation.name}" has no source expression`;
      else {
        const unsafe = unsafeExpressionReason(expr);
        reason =
          failedExpressions.get(expr) ??
          (unsafe === null ? null : `activation "${activation.name}" source ${mode}: ${unsafe}`);
      }
      if (expr === undefined || reason !== null) {
        mapBy = 'cpu';
        mapFallback = reason;
        return cpuMap(A, f);
      }
      const x = rowMajorF32(A, false);
      let out: Float32Array;
      try {
        out = chunkedElementwise(cache, `map:${expr}`, mapSource(expr), [x], tiles.chunk, name);
      } catch (e) {
        if (e instanceof SpecError) throw e;
        // gpu.js could not compile the expression (an unsupported Math function, say): remember and use the CPU.
        mapFallback = `gpu.js could not compile ${JSON.stringify(expr)}: ${e instanceof Error ? e.message : String(e)}`;
        failedExpressions.set(expr, mapFallback);
        mapBy = 'cpu';
        return cpuMap(A, f);
      }
      mapBy = name;
      mapFallback = null;
      if (validate) {
        // float32 evaluation of φ at a float32-rounded x: a few ulps of |φ(x)| from the arithmetic plus
        // |φ′(x)|·|x|·2⁻²⁴ from rounding x; 1e-4·(1 + |φ(x)|) is far above both for the smooth built-ins
        // and far below a wrong expression, a dropped chunk or zeros.
        for (const i of probeIndices(out.length)) {
          const want = f(x[i]);
          if (!(Math.abs(out[i] - want) <= 1e-4 * (1 + Math.abs(want)))) {
            throw new SpecError(
              'E_BACKEND',
              `${name}: map(${activation.name}, ${mode}) gave ${out[i]} at x = ${x[i]} where the activation's own function gives ${want}; ` +
                'check that source.fn/source.deriv match fn/deriv, or use --backend cpu',
            );
          }
        }
      }
      for (let i = 0; i < out.length; i++) {
        if (!Number.isFinite(out[i])) {
          throw new SpecError(
            'E_BACKEND',
            `${name}: map(${activation.name}, ${mode}) is not finite in float32 at x = ${x[i]} (overflow?); use --backend cpu`,
          );
        }
      }
      return { rows: A.rows, cols: A.cols, data: out };
    },

    hadamard(A: Matrix, B: Matrix): Matrix {
      alive('hadamard');
      assertShape(B, A.rows, A.cols, 'hadamard second factor');
      assertFinite(A, 'hadamard input A');
      assertFinite(B, 'hadamard input B');
      const a = rowMajorF32(A, false);
      const b = rowMajorF32(B, false);
      const out =
        a.length === 0
          ? new Float32Array(0)
          : chunkedElementwise(cache, 'hadamard', HADAMARD_SOURCE, [a, b], tiles.chunk, name);
      if (validate) {
        // One float32 rounding of the product of float32 inputs: relative error ≤ 2⁻²⁴ ≈ 6e-8; 1e-6
        // leaves room for GL's flush of subnormals (absolute 1e-37) and nothing for a wrong value.
        for (const i of probeIndices(out.length)) {
          const want = a[i] * b[i];
          if (!(Math.abs(out[i] - want) <= 1e-6 * Math.abs(want) + 1e-37)) {
            throw new SpecError(
              'E_BACKEND',
              `${name}: hadamard gave ${out[i]} at entry ${i} instead of ${want}; use --backend cpu`,
            );
          }
        }
      }
      for (let i = 0; i < out.length; i++) {
        if (!Number.isFinite(out[i]))
          throw new SpecError('E_BACKEND', `${name}: hadamard overflows float32 at entry ${i}; use --backend cpu`);
      }
      return { rows: A.rows, cols: A.cols, data: out };
    },

    eigvalsh(S: Matrix): Float64Array {
      return cpu.eigvalsh(S.data instanceof Float64Array ? S : toFloat64(S));
    },

    eigh(S: Matrix, opts?: { readonly k?: number }): Eigen {
      return cpu.eigh(S.data instanceof Float64Array ? S : toFloat64(S), opts);
    },

    matvec(A: Matrix, x: FloatArray, opts?: { readonly trans?: boolean }): Float64Array {
      return cpu.matvec(A, x, opts);
    },

    randn(rows: number, cols: number, rng: Rng): Matrix {
      if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
        throw new SpecError('E_SHAPE', `randn: dimensions must be non-negative integers, got ${rows} × ${cols}`);
      }
      const draws = new Float64Array(rows * cols);
      rng.fillNormal(draws);
      return { rows, cols, data: Float32Array.from(draws) };
    },

    computedBy(op: BackendOp): string {
      switch (op) {
        case 'gemm':
        case 'gram':
        case 'hadamard':
          return name;
        case 'map':
          return mapBy;
        default:
          return 'cpu';
      }
    },

    mapFallbackReason(): string | null {
      return mapFallback;
    },

    dispose(): void {
      if (disposed) return;
      disposed = true;
      cache.clear();
      void choice.gpu.destroy().catch(() => undefined);
    },
  };
  return backend;
}
