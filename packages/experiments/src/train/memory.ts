import { assertFitsInMemory, availableMemoryBytes } from '@spec/core';

/** Sizes that drive the memory of a training run. */
export interface TrainSizes {
  /** Training samples. */
  readonly n: number;
  /** Held-out samples. */
  readonly testN: number;
  readonly d0: number;
  /** Hidden widths. */
  readonly widths: ReadonlyArray<number>;
  /** Whether the CK/NTK monitors or kernel GD form (n + testN)² kernels. */
  readonly kernels: boolean;
}

/**
 * Estimated peak bytes of {@link train}: the data, the parameters with their gradients and (Adam) two moment
 * buffers, the forward pass's pre-activations and activations, and — with kernel monitors or kernel GD — about six
 * (n + testN)² matrices (the empirical CK and NTK, their step-0 references, the kernel-GD eigenvectors and the
 * infinite-width NTK).
 */
export function trainBytes({ n, testN, d0, widths, kernels }: TrainSizes): number {
  const dims = [d0, ...widths, 1];
  let params = 0;
  for (let i = 1; i < dims.length; i++) params += dims[i] * dims[i - 1] + dims[i];
  const hidden = widths.reduce((a, b) => a + b, 0);
  const m = n + testN;
  return 8 * (m * d0 + 4 * params + 2 * m * hidden + (kernels ? 6 * m * m : 0));
}

/** Refuses, before any data is drawn, a training run that would not fit in memory (E_MEMORY with its size). */
export function assertTrainFits(sizes: TrainSizes, limitBytes = availableMemoryBytes()): void {
  assertFitsInMemory(
    trainBytes(sizes),
    limitBytes,
    `training at n = ${sizes.n} (+ ${sizes.testN} test), d0 = ${sizes.d0}, widths ${sizes.widths.join(',')}`,
    'try a smaller --n or --test-n, a smaller --d0 or narrower --widths',
  );
}
