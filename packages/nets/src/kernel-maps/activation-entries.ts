import type { Activation } from '@spec/core';
import { tabulatedDual } from '../activations/tabulated-dual.js';
import { hasDualBatch, type DualEntries } from '../activations/dual-batch.js';
import { hasDualMean } from '../activations/dual-with-mean.js';
import { correlation, gaussianExpectation } from '../quadrature/gaussian-expectation.js';

/**
 * `value[i] = E φ(u)φ(v)` and `derivative[i] = E φ′(u)φ′(v)` for `(u, v) ~ N(0, [[q1[i], c[i]], [c[i], q2[i]]])`, for
 * the first `count` entries (apps/docs/theory/architectures.md#activations). The one place where the kernel maps
 * evaluate activation duals, the same way as `activationKernel` (closed form — its batched form when it has one —, else
 * the tabulated dual).
 */
export function activationDualsBatch(act: Activation, entries: DualEntries): void {
  const { q1, q2, c, value, derivative, count } = entries;
  const where = `kernel map of "${act.name}"`;
  const dual = act.dual;
  if (hasDualBatch(dual)) {
    dual.batch(entries);
    return;
  }
  // The same evaluation as activationKernel, without its per-call record: millions of entries per layer.
  if (dual !== undefined) {
    for (let i = 0; i < count; i++) {
      correlation(q1[i], q2[i], c[i], where);
      value[i] = dual.value(q1[i], q2[i], c[i]);
      derivative[i] = dual.derivative(q1[i], q2[i], c[i]);
    }
    return;
  }
  const table = tabulatedDual(act);
  const out = new Float64Array(2);
  for (let i = 0; i < count; i++) {
    correlation(q1[i], q2[i], c[i], where);
    table.both(q1[i], q2[i], c[i], out);
    value[i] = out[0];
    derivative[i] = out[1];
  }
}

/**
 * `E φ(u)`, u ~ N(0, q): the closed form `dual.mean` when the activation has one, otherwise Gaussian quadrature with
 * the kinks split (apps/docs/theory/architectures.md#activations).
 */
export function activationMean(act: Activation, q: number): number {
  if (hasDualMean(act.dual)) return act.dual.mean(q);
  if (q <= 0) return act.fn(0);
  const s = Math.sqrt(q);
  return gaussianExpectation((x) => act.fn(s * x), { kinks: act.kinks?.map((k) => k / s) });
}
