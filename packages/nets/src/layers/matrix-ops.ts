import {
  SpecError,
  ntkTermsContribution,
  type Activations,
  type Backend,
  type Matrix,
  type NtkTerm,
  type Shape,
} from '@spec/core';
import { assertActivations, assertShapeArg } from '../spatial/activations.js';
import { float64 } from '../spatial/sample-gram.js';

export { param as paramOf } from '../spatial/params.js';

/*
 * Small O(n·d) helpers shared by the MLP layers (dense, activation, residual), whose activations have no positions:
 * one row of d features per sample (apps/docs/theory/architectures.md#conventions). They run in plain loops on the
 * host: the O(n²·d) and O(n·d²) work always goes through the Backend.
 */

/**
 * Activations without positions as an n × C matrix over the same data (no copy), checked to be well formed and, when
 * given, to have `samples` rows and `channels` columns.
 *
 * @throws SpecError `E_SHAPE` naming `layer` when `x` has positions (flatten first) or the wrong size
 */
export function rowsOf(x: Activations, layer: string, what: string, samples?: number, channels?: number): Matrix {
  assertActivations(x, layer, what);
  if (x.spatial.length !== 0) {
    throw new SpecError(
      'E_SHAPE',
      `${layer}: ${what} has positions [${x.spatial.join(', ')}]; this layer takes one feature vector per sample ` +
        '(add flatten or global_avg_pool before it)',
    );
  }
  if ((samples !== undefined && x.samples !== samples) || (channels !== undefined && x.channels !== channels)) {
    throw new SpecError(
      'E_SHAPE',
      `${layer}: ${what} must be ${samples ?? x.samples} × ${channels ?? x.channels}, got ${x.samples} × ${x.channels}`,
    );
  }
  return { rows: x.samples, cols: x.channels, data: x.data };
}

/** An n × C matrix (one row per sample) as activations without positions; a float32 result is widened. */
export function features(M: Matrix): Activations {
  return { data: float64(M), samples: M.rows, spatial: [], channels: M.cols };
}

/** The feature count of a per-sample shape without positions. @throws SpecError `E_SHAPE` naming `layer` otherwise */
export function featureCount(shape: Shape, layer: string): number {
  assertShapeArg(shape, layer);
  if (shape.spatial.length !== 0) {
    throw new SpecError(
      'E_SHAPE',
      `${layer}: takes one feature vector per sample, got positions [${shape.spatial.join(', ')}] (add flatten first)`,
    );
  }
  return shape.channels;
}

/** A ← s·A in place (A must be a fresh matrix owned by the caller); returns A. */
export function scaleInPlace(A: Matrix, s: number): Matrix {
  if (s === 1) return A;
  const d = A.data;
  for (let i = 0; i < d.length; i++) d[i] *= s;
  return A;
}

/** a ← a + b in place (same length); returns a. */
export function addInPlace(a: Float64Array, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new SpecError('E_SHAPE', `cannot add ${b.length} entries to ${a.length}`);
  for (let i = 0; i < a.length; i++) a[i] += b[i];
  return a;
}

/** H ← H + s·1 bᵀ in place (b has H.cols entries: one per feature, added to every sample's row); returns H. */
export function addRowInPlace(H: Matrix, b: Float64Array, s: number): Matrix {
  if (b.length !== H.cols) throw new SpecError('E_SHAPE', `bias must have ${H.cols} entries, got ${b.length}`);
  const { rows, cols, data } = H;
  for (let j = 0; j < cols; j++) {
    const bj = s * b[j];
    for (let a = 0; a < rows; a++) data[a * cols + j] += bj;
  }
  return H;
}

/** s·(1ᵀ S): the sums over samples of every column, e.g. a bias gradient summed over samples. */
export function columnSums(S: Matrix, s = 1): Float64Array {
  const out = new Float64Array(S.cols);
  const { rows, cols, data } = S;
  for (let j = 0; j < cols; j++) {
    let t = 0;
    for (let a = 0; a < rows; a++) t += data[a * cols + j];
    out[j] = s * t;
  }
  return out;
}

/** A layer's n × n NTK share from its terms (`ntkTermsContribution`), as float64, or null without terms. */
export function ntkShare(terms: ReadonlyArray<NtkTerm>, backend: Backend): Float64Array | null {
  const K = ntkTermsContribution(terms, backend);
  return K === null ? null : float64(K);
}
