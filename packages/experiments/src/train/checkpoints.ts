import { SpecError } from '@spec/core';

/**
 * K checkpoint steps between 0 and `steps`, log-spaced (1, 2, 4, …-like), always including 0 and
 * `steps`; duplicates after rounding are merged, so fewer than K may come back for small `steps`.
 *
 * @throws SpecError `E_INPUT` unless steps ≥ 0 and K ≥ 2 are integers
 */
export function logCheckpoints(steps: number, count: number): number[] {
  if (!Number.isSafeInteger(steps) || steps < 0)
    throw new SpecError('E_INPUT', `checkpoints: steps must be a non-negative integer, got ${steps}`);
  if (!Number.isSafeInteger(count) || count < 2)
    throw new SpecError(
      'E_INPUT',
      `checkpoints: the number of checkpoints must be an integer ≥ 2 (step 0 and the last step), got ${count}`,
    );
  const out = new Set<number>([0]);
  // Steps 1..T on a log scale: t_k = T^{k/(K−2)} for k = 0..K−2 (t_0 = 1, t_{K−2} = T).
  if (steps >= 1) {
    const m = count - 1;
    for (let k = 0; k < m; k++) out.add(m === 1 ? steps : Math.round(Math.pow(steps, k / (m - 1))));
    out.add(steps);
  }
  return [...out].sort((a, b) => a - b);
}
