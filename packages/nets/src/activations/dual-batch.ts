import type { DualActivation } from '@spec/core';

/**
 * Many entries of a dual at once: `value[i] = E φ(u)φ(v)`, `derivative[i] = E φ′(u)φ′(v)` for
 * `(u, v) ~ N(0, [[q1[i], c[i]], [c[i], q2[i]]])`, i < `count` (apps/docs/theory/toolkit.md#gaussian-kernel-maps).
 */
export interface DualEntries {
  readonly q1: Float64Array;
  readonly q2: Float64Array;
  readonly c: Float64Array;
  readonly value: Float64Array;
  readonly derivative: Float64Array;
  readonly count: number;
}

/**
 * A closed-form dual (apps/docs/theory/toolkit.md#gaussian-kernel-maps) that also evaluates whole batches of entries in
 * one tight loop, for the kernel maps, which evaluate millions of entries per layer. `batch` must agree with `value`
 * and `derivative` to rounding and throw where they throw. Optional: any plugin's `dual` may add `batch` the same way.
 */
export interface BatchedDual extends DualActivation {
  /** Fills `entries.value` and `entries.derivative`. */
  batch(entries: DualEntries): void;
}

/** True when `dual` carries a batched form {@link BatchedDual.batch}. */
export function hasDualBatch(dual: DualActivation | undefined): dual is BatchedDual {
  return dual !== undefined && typeof (dual as Partial<BatchedDual>).batch === 'function';
}
