import { assertFitsInMemory, availableMemoryBytes, type Rng } from '@spec/core';
import { DEFAULT_SYNTHETIC_D0, loadDataset, parseDataSpec, type DataSpec, type Dataset } from '@spec/data';
import type { NetworkFlags } from './network-flags.js';

/** Synthetic sources whose input Gram follows the MP law; others use the data's own spectrum. */
const MP_SOURCES = new Set(['gaussian', 'sphere']);
const SYNTHETIC = new Set(['gaussian', 'sphere', 'mixture']);

/** Sizes of synthetic data known before drawing it (n × d0 doubles), or undefined for data read from files. */
export function syntheticSizes(
  spec: DataSpec,
  flags: { readonly n: number; readonly d0?: number },
): { n: number; d0: number } | undefined {
  return SYNTHETIC.has(spec.kind) ? { n: flags.n, d0: flags.d0 ?? DEFAULT_SYNTHETIC_D0 } : undefined;
}

/** Refuses, before drawing it, synthetic data that would not fit in memory (E_MEMORY with its size). */
export function assertSyntheticDataFits(sizes: { n: number; d0: number } | undefined): void {
  if (sizes === undefined) return;
  assertFitsInMemory(
    8 * sizes.n * sizes.d0,
    availableMemoryBytes(),
    `the data (n = ${sizes.n} samples × d0 = ${sizes.d0}, float64)`,
    'try a smaller --n or --d0',
  );
}

/** Loads `--data` with `--n/--d0/--classes` (real data: preprocessed as the theory assumes, d0 from the file). */
export async function loadData(
  flags: NetworkFlags,
  rng: Rng,
): Promise<{ dataset: Dataset; inputModel: 'mp' | 'data' }> {
  const spec = parseDataSpec(flags.data);
  assertSyntheticDataFits(syntheticSizes(spec, flags));
  const dataset = await loadDataset(spec, { n: flags.n, d0: flags.d0, classes: flags.classes, rng });
  return { dataset, inputModel: MP_SOURCES.has(spec.kind) ? 'mp' : 'data' };
}
