import type { Backend } from './backend.js';
import type { NtkTerm } from './layer.js';
import { SpecError } from './errors.js';
import type { Matrix } from './matrix.js';

/** Options of {@link ntkTermsContribution}. */
export interface NtkTermsContributionOptions {
  /**
   * The Gram `left leftᵀ` when the caller already holds it (e.g. the Gram of a layer's input, shared with the CK);
   * undefined to let it be computed. The result is read, never written.
   */
  readonly gramOf?: (left: Matrix) => Matrix | undefined;
}

/**
 * The n × n sum of the shares `(a2 · left leftᵀ + b2) ⊙ (right rightᵀ)` of `terms` (factors with one row per sample) (apps/docs/theory/fan-wang.md#network-and-kernels,
 * #simulation-notes), or null when there are none: a layer's `ntkContribution` derived from its `ntkTerms`, so that the
 * stored and the factored NTK routes share one formula. Per term, in this order (the rounding every route reproduces):
 * `K = (left leftᵀ ⊙ right rightᵀ)·a2`, then `K += b2·right rightᵀ`. Gram and Hadamard products go through `backend`.
 *
 * @throws SpecError `E_SHAPE` when a factor does not have the n rows of the first term's `right`, or a Gram from
 *   `gramOf` is not n × n
 */
export function ntkTermsContribution(
  terms: ReadonlyArray<NtkTerm>,
  backend: Backend,
  options: NtkTermsContributionOptions = {},
): Matrix | null {
  let K: Matrix | null = null;
  for (const term of terms) {
    const share = termShare(term, backend, options.gramOf);
    if (K === null) K = share;
    else {
      if (share.rows !== K.rows || share.cols !== K.cols)
        throw new SpecError(
          'E_SHAPE',
          `NTK terms: every factor must have ${K.cols} rows (one per sample), got ${share.cols}`,
        );
      const k = K.data;
      const d = share.data;
      for (let j = 0; j < k.length; j++) k[j] += d[j];
    }
  }
  return K;
}

function termShare(term: NtkTerm, backend: Backend, gramOf: NtkTermsContributionOptions['gramOf']): Matrix {
  const { left, right, a2, b2 } = term;
  const n = right.rows;
  const SS = backend.gram(right, { rows: true });
  const s = SS.data;
  if (left === null) {
    for (let j = 0; j < s.length; j++) s[j] = b2 * s[j];
    return SS;
  }
  if (left.rows !== n)
    throw new SpecError('E_SHAPE', `NTK term: left has ${left.rows} rows but right has ${n} (one per sample)`);
  const XX = gramOf?.(left) ?? backend.gram(left, { rows: true });
  if (XX.rows !== n || XX.cols !== n)
    throw new SpecError('E_SHAPE', `NTK term: the Gram of left must be ${n} × ${n}, got ${XX.rows} × ${XX.cols}`);
  const K = backend.hadamard(XX, SS);
  const k = K.data;
  if (a2 !== 1) for (let j = 0; j < k.length; j++) k[j] *= a2;
  if (b2 !== 0) for (let j = 0; j < k.length; j++) k[j] += b2 * s[j];
  return K;
}
