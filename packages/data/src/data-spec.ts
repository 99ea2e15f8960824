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

/**
 * Where data comes from, as the CLI's `--data` flag names it (shared by every command):
 * `gaussian | sphere | mixture | digits | cifar10:PATH | mnist:PATH | npy:PATH | csv:PATH`.
 */
export type DataSpec = SyntheticDataSpec | { readonly kind: 'digits' } | FileDataSpec;

/** Kinds without a path. */
export const DATA_KINDS_PLAIN = ['gaussian', 'sphere', 'mixture', 'digits'] as const;
/** Kinds that need `:PATH`. */
export const DATA_KINDS_WITH_PATH = ['cifar10', 'mnist', 'npy', 'csv'] as const;

const VALID = `gaussian, sphere, mixture, digits, cifar10:PATH, mnist:PATH, npy:PATH, csv:PATH`;

/**
 * Parses a data-source string (`--data`): a plain kind, or `kind:PATH` for files (everything after the
 * first colon is the path, so Windows drive letters and colons in names survive). Kinds are
 * case-insensitive. `E_INPUT` for an unknown kind (listing the valid ones), a missing path, or a path
 * given to a kind that takes none.
 */
export function parseDataSpec(text: string): DataSpec {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const kind = (colon < 0 ? trimmed : trimmed.slice(0, colon)).toLowerCase();
  const path = colon < 0 ? undefined : trimmed.slice(colon + 1);
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
  return 'path' in spec ? `${spec.kind}:${spec.path}` : spec.kind;
}
