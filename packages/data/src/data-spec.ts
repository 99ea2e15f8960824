import { SpecError } from '@spec/core';

/** Synthetic sources, drawn from the caller's seeded Rng. */
export type SyntheticDataSpec =
  { readonly kind: 'gaussian' } | { readonly kind: 'sphere' } | { readonly kind: 'mixture' };

/** Real-data sources read from a path. */
export type FileDataSpec =
  | { readonly kind: 'cifar10'; readonly path: string }
  | { readonly kind: 'mnist'; readonly path: string }
  | { readonly kind: 'npy'; readonly path: string }
  | { readonly kind: 'csv'; readonly path: string };

/** A split of Fashion-MNIST: 60 000 training or 10 000 test images. */
export type FashionMnistSplit = 'train' | 'test';

/**
 * Fashion-MNIST by name (`fashion-mnist[:train|test][:DIR]`): the IDX files of a split, from `dir` when
 * given, else from where Debian's `dataset-fashion-mnist` package installs them.
 */
export interface FashionMnistDataSpec {
  readonly kind: 'fashion-mnist';
  readonly split: FashionMnistSplit;
  /** Directory holding the split's IDX files (default: the Debian package's). */
  readonly dir?: string;
}

/**
 * Where data comes from, as the CLI's `--data` flag names it (shared by every command):
 * `gaussian | sphere | mixture | digits | fashion-mnist[:train|test][:DIR] | cifar10:PATH | mnist:PATH |
 * npy:PATH | csv:PATH`.
 */
export type DataSpec = SyntheticDataSpec | { readonly kind: 'digits' } | FashionMnistDataSpec | FileDataSpec;

/** Kinds without a path (`fashion-mnist` takes an optional split and directory). */
export const DATA_KINDS_PLAIN = ['gaussian', 'sphere', 'mixture', 'digits', 'fashion-mnist'] as const;
/** Kinds that need `:PATH`. */
export const DATA_KINDS_WITH_PATH = ['cifar10', 'mnist', 'npy', 'csv'] as const;

const VALID = `gaussian, sphere, mixture, digits, fashion-mnist[:train|test][:DIR], cifar10:PATH, mnist:PATH, npy:PATH, csv:PATH`;

/** `fashion-mnist` followed by `rest` (the text after its colon, if any). */
function parseFashionMnist(text: string, rest: string | undefined): FashionMnistDataSpec {
  if (rest === undefined) return { kind: 'fashion-mnist', split: 'train' };
  const m = /^(train|test)(?::(.*))?$/is.exec(rest);
  const split = (m ? m[1].toLowerCase() : 'train') as FashionMnistSplit;
  const dir = m ? m[2] : rest;
  if (dir === '') {
    throw new SpecError(
      'E_INPUT',
      `--data ${text}: give a directory after the colon, as in fashion-mnist:${split}:DIR`,
    );
  }
  return dir === undefined ? { kind: 'fashion-mnist', split } : { kind: 'fashion-mnist', split, dir };
}

/**
 * Parses a data-source string (`--data`): a plain kind, or `kind:PATH` for files (everything after the
 * first colon is the path, so Windows drive letters and colons in names survive). `fashion-mnist` takes
 * an optional split and directory: `fashion-mnist` (train split, Debian package's files),
 * `fashion-mnist:test`, `fashion-mnist:train:DIR`, or `fashion-mnist:DIR` (train split). Kinds are
 * case-insensitive. `E_INPUT` for an unknown kind (listing the valid ones), a missing path, or a path
 * given to a kind that takes none.
 */
export function parseDataSpec(text: string): DataSpec {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const kind = (colon < 0 ? trimmed : trimmed.slice(0, colon)).toLowerCase();
  const path = colon < 0 ? undefined : trimmed.slice(colon + 1);
  if (kind === 'fashion-mnist') return parseFashionMnist(text, path);
  if ((DATA_KINDS_PLAIN as readonly string[]).includes(kind)) {
    if (path !== undefined) throw new SpecError('E_INPUT', `--data ${text}: "${kind}" takes no path (valid: ${VALID})`);
    return { kind } as DataSpec;
  }
  if ((DATA_KINDS_WITH_PATH as readonly string[]).includes(kind)) {
    if (path === undefined || path === '')
      throw new SpecError('E_INPUT', `--data ${text}: "${kind}" needs a path, as in ${kind}:PATH`);
    return { kind, path } as DataSpec;
  }
  throw new SpecError('E_INPUT', `--data ${JSON.stringify(text)}: unknown data source "${kind}" (valid: ${VALID})`);
}

/** The string form of a spec, inverse of {@link parseDataSpec}. */
export function formatDataSpec(spec: DataSpec): string {
  if (spec.kind === 'fashion-mnist')
    return `fashion-mnist:${spec.split}${spec.dir === undefined ? '' : `:${spec.dir}`}`;
  return 'path' in spec ? `${spec.kind}:${spec.path}` : spec.kind;
}
