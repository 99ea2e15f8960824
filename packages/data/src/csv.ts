import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { type Matrix, SpecError } from '@spec/core';
import { fileError, isGzip, statPath } from './file-access.js';
import { checkAvailable, checkSampleCount } from './sample-count.js';

/** Options of {@link readCsv}. */
export interface ReadCsvOptions {
  /**
   * Whether the first line is a header: `true`, `false`, or `'auto'` (default): a header when any of
   * its cells is not a number.
   */
  readonly header?: boolean | 'auto';
  /**
   * Column holding the label / target, by 0-based index (negative counts from the end: −1 is the last
   * column) or by header name. Default: none, every column is a feature.
   */
  readonly labelColumn?: number | string;
  /** Number of rows (samples) to read (default: all). Reading stops after them. */
  readonly n?: number;
  /** Cell separator (default `','`). */
  readonly delimiter?: string;
}

/** A numeric CSV read as samples-as-columns. */
export interface CsvData {
  /** d × n: row i of the file is column i (the label column removed). */
  readonly X: Matrix;
  /** The label column's values, when `labelColumn` was given. */
  readonly labels?: Float64Array;
  /** Header names of the feature columns (when the file has a header). */
  readonly columns?: string[];
}

function parseCell(text: string): number {
  const t = text.trim();
  // Number('') is 0 and Number('0x1f') is 31: accept only decimal notation.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(nan|inf|infinity)$/i.test(t)) return Number.NaN;
  if (/^[+-]?nan$/i.test(t)) return Number.NaN;
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/**
 * Reads a numeric CSV (plain or `.gz`) with one sample per row, as pandas and numpy write it, into a
 * d × n matrix (samples as columns). Lines are streamed and reading stops after `n` rows. Empty lines
 * are skipped. Errors (`E_DATA`, naming the file, row and column): a non-numeric cell, a NaN or
 * infinite value, a row with the wrong number of cells, an unknown label column, fewer rows than `n`.
 */
export async function readCsv(path: string, options: ReadCsvOptions = {}): Promise<CsvData> {
  checkSampleCount(options.n, 'n');
  const delimiter = options.delimiter ?? ',';
  const headerOpt = options.header ?? 'auto';
  await statPath(path, 'CSV');
  const source = createReadStream(path);
  const gunzip = isGzip(path) ? createGunzip() : null;
  const input = gunzip ? source.pipe(gunzip) : source;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let streamError: unknown = null;
  const onError = (e: unknown): void => {
    streamError = e;
    lines.close();
  };
  source.on('error', onError);
  gunzip?.on('error', onError);

  const rows: Float64Array[] = [];
  let names: string[] | undefined;
  let width = -1;
  let labelIndex = -1;
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      const cells = line.split(delimiter);
      if (width < 0) {
        width = cells.length;
        const numeric = cells.map(parseCell);
        const looksHeader = cells.some((c, j) => Number.isNaN(numeric[j]) && !/^[+-]?nan$/i.test(c.trim()));
        const isHeader = headerOpt === 'auto' ? looksHeader : headerOpt;
        if (isHeader) names = cells.map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
        labelIndex = resolveLabel(path, options.labelColumn, width, names);
        if (isHeader) continue;
      }
      if (cells.length !== width) {
        throw new SpecError(
          'E_DATA',
          `${path}: line ${lineNo} has ${cells.length} cells, expected ${width} (as in the first line)`,
        );
      }
      const row = new Float64Array(width);
      for (let j = 0; j < width; j++) {
        const v = parseCell(cells[j]);
        if (!Number.isFinite(v)) {
          const col = names ? `column ${j + 1} ("${names[j]}")` : `column ${j + 1}`;
          const what = Number.isNaN(v) && !/^[+-]?nan$/i.test(cells[j].trim()) ? 'is not a number' : 'is not finite';
          throw new SpecError('E_DATA', `${path}: line ${lineNo}, ${col}: ${JSON.stringify(cells[j])} ${what}`);
        }
        row[j] = v;
      }
      rows.push(row);
      if (options.n !== undefined && rows.length >= options.n) break;
    }
  } finally {
    lines.close();
    source.destroy();
    gunzip?.destroy();
  }
  if (streamError !== null) throw fileError(path, 'CSV', streamError);
  const n = options.n ?? rows.length;
  checkAvailable(n, 0, rows.length, `CSV file ${path}`);
  if (n === 0) throw new SpecError('E_DATA', `${path}: no data rows`);
  const d = labelIndex >= 0 ? width - 1 : width;
  if (d === 0) throw new SpecError('E_DATA', `${path}: no feature columns besides the label column`);
  const X = new Float64Array(d * n);
  const labels = labelIndex >= 0 ? new Float64Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    for (let j = 0, p = 0; j < width; j++) {
      if (j === labelIndex) labels![i] = row[j];
      else X[p++ * n + i] = row[j];
    }
  }
  const columns = names?.filter((_, j) => j !== labelIndex);
  return { X: { rows: d, cols: n, data: X }, ...(labels ? { labels } : {}), ...(columns ? { columns } : {}) };
}

function resolveLabel(
  path: string,
  label: number | string | undefined,
  width: number,
  names: string[] | undefined,
): number {
  if (label === undefined) return -1;
  if (typeof label === 'string') {
    if (/^-?\d+$/.test(label)) return resolveLabel(path, Number(label), width, names);
    const k = names?.indexOf(label) ?? -1;
    if (k < 0) {
      const have = names ? `its columns are ${names.join(', ')}` : 'it has no header';
      throw new SpecError('E_DATA', `${path}: no label column named "${label}" (${have})`);
    }
    return k;
  }
  const k = label < 0 ? width + label : label;
  if (!Number.isInteger(label) || k < 0 || k >= width) {
    throw new SpecError(
      'E_INPUT',
      `${path}: label column ${label} is outside the ${width} columns (use 0..${width - 1} or −1 for the last)`,
    );
  }
  return k;
}
