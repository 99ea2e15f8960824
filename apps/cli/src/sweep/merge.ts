import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '@spec/core';

/** One row of the summary: column → value. */
export type SummaryRow = Record<string, string | number | boolean>;

/** Keys whose subtrees are not scalars worth a column (densities, eigenvalue lists). */
const SKIP = new Set(['limit', 'eigenvalues', 'outliers', 'command']);

/** Flattens the scalar leaves of a result document into dotted columns (arrays and limit curves skipped). */
function flatten(value: unknown, prefix: string, out: SummaryRow): void {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    if (typeof value !== 'number' || Number.isFinite(value)) out[prefix] = value;
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (SKIP.has(k)) continue;
    flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  }
}

/**
 * Reads DIR/runs/*.json (finished runs) into one row each, ordered by run index. Runs of different grids (their
 * `grid` identity differs) are refused with `E_INPUT` unless `mixed`, and then carry a `grid` column.
 */
export function collectRuns(dir: string, options: { readonly mixed?: boolean } = {}): SummaryRow[] {
  const runsDir = join(dir, 'runs');
  let files: string[];
  try {
    files = readdirSync(runsDir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
  } catch {
    throw new SpecError('E_INPUT', `${runsDir} does not exist: run spec sweep --grid FILE --out ${dir} first`);
  }
  const rows: Array<{ index: number; row: SummaryRow; grid: string; file: string }> = [];
  for (const f of files) {
    let doc: {
      index?: unknown;
      seed?: unknown;
      command?: unknown;
      flags?: unknown;
      result?: unknown;
      grid?: unknown;
    };
    try {
      doc = JSON.parse(readFileSync(join(runsDir, f), 'utf8')) as typeof doc;
    } catch (e) {
      throw new SpecError('E_DATA', `${join(runsDir, f)} is not a sweep result (${(e as Error).message})`);
    }
    if (
      typeof doc.index !== 'number' ||
      typeof doc.command !== 'string' ||
      typeof doc.flags !== 'object' ||
      doc.flags === null
    ) {
      throw new SpecError('E_DATA', `${join(runsDir, f)} is not a sweep result (no index/command/flags)`);
    }
    const row: SummaryRow = {
      run: doc.index,
      command: doc.command,
      seed: typeof doc.seed === 'number' ? doc.seed : '',
    };
    for (const [k, v] of Object.entries(doc.flags as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') row[k] = v;
    }
    flatten(doc.result, '', row);
    rows.push({ index: doc.index, row, grid: typeof doc.grid === 'string' ? doc.grid : 'unrecorded', file: f });
  }
  if (rows.length === 0) throw new SpecError('E_INPUT', `${runsDir} holds no finished runs`);
  const grids = [...new Set(rows.map((r) => r.grid))];
  if (grids.length > 1) {
    if (options.mixed !== true) {
      const example = grids.map((g) => `${rows.find((r) => r.grid === g)?.file} (grid ${g})`).slice(0, 2);
      throw new SpecError(
        'E_INPUT',
        `${runsDir} holds runs of ${grids.length} different grids, e.g. ${example.join(' and ')}; merge them anyway with --mixed-grids, or sweep into a fresh --out`,
      );
    }
    for (const r of rows) r.row.grid = r.grid;
  }
  return rows.sort((a, b) => a.index - b.index).map((r) => r.row);
}

function csvCell(v: string | number | boolean | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows as CSV: the union of columns in order of first appearance, empty cells where absent. */
export function toCsv(rows: ReadonlyArray<SummaryRow>): { columns: string[]; text: string } {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  const lines = [
    columns.map((c) => csvCell(c)).join(','),
    ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(',')),
  ];
  return { columns, text: lines.join('\n') + '\n' };
}
