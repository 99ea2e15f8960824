import type { Rng } from '@spec/core';
import { loadDataset, parseDataSpec, type Dataset } from '@spec/data';
import type { NetworkFlags } from './network-flags.js';

/** Synthetic sources whose input Gram follows the MP law; others use the data's own spectrum. */
const MP_SOURCES = new Set(['gaussian', 'sphere']);

/** Loads `--data` with `--n/--d0/--classes` (real data: preprocessed as the theory assumes, d0 from the file). */
export async function loadData(
  flags: NetworkFlags,
  rng: Rng,
): Promise<{ dataset: Dataset; inputModel: 'mp' | 'data' }> {
  const spec = parseDataSpec(flags.data);
  const dataset = await loadDataset(spec, { n: flags.n, d0: flags.d0, classes: flags.classes, rng });
  return { dataset, inputModel: MP_SOURCES.has(spec.kind) ? 'mp' : 'data' };
}
