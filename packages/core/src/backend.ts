import type { Activation } from './activation.js';
import type { FloatArray, Matrix } from './matrix.js';
import type { Rng } from './rng.js';

/** Options of {@link Backend.gemm}: C ← alpha · op(A) · op(B) + beta · C. */
export interface GemmOptions {
  /** Use Aᵀ instead of A. */
  readonly transA?: boolean;
  /** Use Bᵀ instead of B. */
  readonly transB?: boolean;
  /** Scale of the product (default 1). */
  readonly alpha?: number;
  /** Scale of the accumulated C (default 0; ignored without C). */
  readonly beta?: number;
  /** Accumulator; when given it is also the output (updated in place). */
  readonly C?: Matrix;
}

/** Options of {@link Backend.gram}. */
export interface GramOptions {
  /**
   * The Gram of A's rows, A Aᵀ (rows × rows), instead of its columns: for factors laid out one row per sample, as the
   * layers' activations are (apps/docs/theory/architectures.md#conventions). Same cost as the column Gram.
   */
  readonly rows?: boolean;
}

/** A symmetric eigendecomposition: ascending eigenvalues, eigenvectors as the columns of `vectors`. */
export interface Eigen {
  readonly values: Float64Array;
  /** n × k, column j is the unit eigenvector of values[j]. */
  readonly vectors: Matrix;
  /**
   * All n eigenvalues, ascending, from the same decomposition: present when `eigh` was asked for them with `allValues`
   * and the backend provides them (callers fall back to `eigvalsh`, one more decomposition).
   */
  readonly allValues?: Float64Array;
}

/** The operations of a backend, for {@link Backend.computedBy}. */
export type BackendOp = 'gemm' | 'gram' | 'map' | 'hadamard' | 'eigvalsh' | 'eigh' | 'matvec' | 'randn';

/**
 * One compute interface that every backend implements. Networks and kernels receive a Backend and never
 * import a concrete one. Inputs are never modified unless passed as an explicit output (`C` in gemm).
 */
export interface Backend {
  /** Name as reported in results, e.g. `"cpu"` or `"gpujs:webasm"`. */
  readonly name: string;
  /** Floating-point precision of the products. */
  readonly precision: 'f64' | 'f32';
  /** General matrix product alpha · op(A) · op(B) + beta · C. */
  gemm(A: Matrix, B: Matrix, options?: GemmOptions): Matrix;
  /** Gram matrix AᵀA (cols × cols), or A Aᵀ (rows × rows) with `rows`; exactly symmetric. */
  gram(A: Matrix, options?: GramOptions): Matrix;
  /** Element-wise φ(A) (`'value'`) or φ′(A) (`'derivative'`). */
  map(A: Matrix, activation: Activation, mode: 'value' | 'derivative'): Matrix;
  /**
   * Optional: φ(A) and φ′(A) in one pass, equal bit for bit to `map(A, act, 'value')` and `map(A, act, 'derivative')`.
   * With `derivativeInPlace`, φ′(A) is written over `A` (returned as `derivative`, saving an allocation); otherwise A is
   * not modified. Callers without it use two `map` calls.
   */
  mapBoth?(
    A: Matrix,
    activation: Activation,
    options?: { readonly derivativeInPlace?: boolean },
  ): { value: Matrix; derivative: Matrix };
  /** Element-wise product A ⊙ B. */
  hadamard(A: Matrix, B: Matrix): Matrix;
  /** All eigenvalues of a symmetric matrix, ascending (float64). */
  eigvalsh(S: Matrix): Float64Array;
  /**
   * Eigenvalues and eigenvectors of a symmetric matrix; with `k`, only the k largest. With `allValues`, a backend may
   * also return every eigenvalue (`Eigen.allValues`) from the same decomposition.
   */
  eigh(S: Matrix, options?: { readonly k?: number; readonly allValues?: boolean }): Eigen;
  /** A x, or Aᵀ x with `trans`. */
  matvec(A: Matrix, x: FloatArray, options?: { readonly trans?: boolean }): Float64Array;
  /** A rows × cols matrix of N(0, 1) draws from `rng` (drawn on the CPU so every backend samples the same numbers). */
  randn(rows: number, cols: number, rng: Rng): Matrix;
  /** Which backend actually computes `op` (a backend lacking an op falls back to the CPU one). */
  computedBy(op: BackendOp): string;
  /** Releases device resources. */
  dispose(): void;
}
