import { Option, type Command } from 'commander';
import { SpecError, assertFitsInMemory, availableMemoryBytes, type Backend, type Rng } from '@spec/core';
import {
  DEFAULT_SYNTHETIC_D0,
  loadDataset,
  orthonormalityDiagnostics,
  parseDataSpec,
  parsePreprocess,
  parseSubsetRule,
  type DataSpec,
  type Dataset,
  type OrthonormalityDiagnostics,
} from '@spec/data';
import { nonNegativeInt, oneOf } from './options.js';
import type { OutputContext } from './output/context.js';

/** Synthetic sources whose input Gram follows the MP law; others use the data's own spectrum. */
const MP_SOURCES = new Set(['gaussian', 'sphere']);
const SYNTHETIC = new Set(['gaussian', 'sphere', 'mixture']);

/** The data flags every data-taking command shares (`--data` and `--n`/`--d0` are declared by the command). */
export interface DataFlags {
  data: string;
  n?: number;
  d0?: number;
  classes?: number;
  preprocess?: string;
  subset?: string;
  class?: number;
  pcaFrom?: 'split' | 'subset';
}

/** Declares --preprocess, --subset, --class and --pca-from (real data) on a command. */
export function addDataFlags(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--preprocess <how>',
        'real data: none | center | whiten:K (PCA-whitened to K directions) | deflate:R (top R directions removed); then unit norm (default center)',
      ),
    )
    .addOption(
      new Option('--pca-from <which>', 'statistics of whiten/deflate: the whole split (default) or the subset itself')
        .argParser(oneOf('--pca-from', ['split', 'subset'] as const))
        .default('split'),
    )
    .addOption(new Option('--subset <rule>', 'real data: which samples: first (default), random or balanced (seeded)'))
    .addOption(
      new Option('--class <C>', 'real data: only samples of class C').argParser(nonNegativeInt('--class', 1e6)),
    );
}

/** Sizes of synthetic data known before drawing it (n × d0 doubles), or undefined for data read from files. */
export function syntheticSizes(
  spec: DataSpec,
  flags: { readonly n?: number; readonly d0?: number },
): { n: number; d0: number } | undefined {
  return SYNTHETIC.has(spec.kind) && flags.n !== undefined
    ? { n: flags.n, d0: flags.d0 ?? DEFAULT_SYNTHETIC_D0 }
    : undefined;
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

/** What {@link loadData} gives: the data, how its input Gram is modelled, and (real data) its diagnostics. */
export interface LoadedData {
  readonly dataset: Dataset;
  readonly inputModel: 'mp' | 'data';
  /** Real data only: how far the samples are from (ε, B)-orthonormal (every real-data run reports it). */
  readonly diagnostics?: OrthonormalityDiagnostics;
}

/**
 * Loads `--data` with the shared data flags (real data: subset, preprocessing, PCA through the backend's
 * eigensolver), prints the data set's notes on stderr, and for real data computes the orthonormality diagnostics and
 * warns on stderr when the Fan–Wang limit is not expected to hold.
 */
export async function loadData(
  flags: DataFlags,
  rng: Rng,
  context: { readonly backend: () => Promise<Backend>; readonly out: OutputContext },
): Promise<LoadedData> {
  const spec = parseDataSpec(flags.data);
  const synthetic = SYNTHETIC.has(spec.kind);
  if (synthetic) {
    for (const [flag, v] of [
      ['--preprocess', flags.preprocess],
      ['--subset', flags.subset],
      ['--class', flags.class],
    ] as const) {
      if (v !== undefined) throw new SpecError('E_INPUT', `${flag} applies to real data, not --data ${flags.data}`);
    }
  }
  assertSyntheticDataFits(syntheticSizes(spec, flags));
  const backend = await context.backend();
  const preprocess =
    flags.preprocess === undefined
      ? undefined
      : { ...parsePreprocess(flags.preprocess), statistics: flags.pcaFrom ?? 'split' };
  const dataset = await loadDataset(spec, {
    n: flags.n,
    d0: flags.d0,
    classes: flags.classes,
    rng,
    ...(preprocess !== undefined ? { preprocess } : {}),
    ...(flags.subset !== undefined ? { subset: parseSubsetRule(flags.subset) } : {}),
    ...(flags.class !== undefined ? { classLabel: flags.class } : {}),
    linalg: backend,
  });
  for (const note of dataset.notes) context.out.note(`note: ${note}`);
  const diagnostics = synthetic ? undefined : orthonormalityDiagnostics(dataset.X, { linalg: backend });
  if (diagnostics?.warning !== undefined) context.out.note(`warning: ${diagnostics.warning}`);
  return { dataset, inputModel: MP_SOURCES.has(spec.kind) ? 'mp' : 'data', diagnostics };
}

/** The diagnostics as they go into a command's JSON (the ten largest spikes, not all). */
export function diagnosticsJson(d: OrthonormalityDiagnostics): Record<string, unknown> {
  const { spikeValues, warning: _warning, ...rest } = d;
  return { ...rest, largestSpikes: Array.from(spikeValues.slice(0, 10)) };
}

/** One line of diagnostics for the text output. */
export function diagnosticsLine(d: OrthonormalityDiagnostics): string {
  return `data: max |xᵢᵀxⱼ| = ${d.maxInnerProduct.toPrecision(3)}, median ${d.medianInnerProduct.toPrecision(3)}, d_eff = ${d.effectiveDimension.toPrecision(4)}, √n/d_eff = ${d.orthogonalityRatio.toPrecision(3)}, ‖X‖_op = ${d.operatorNorm.toPrecision(4)}, ${d.spikes} spike${d.spikes === 1 ? '' : 's'} of XᵀX`;
}
