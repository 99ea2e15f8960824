import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { type Matrix, SpecError } from '@spec/core';
import type { CsvError } from 'csv-parse';
import { fileError, isGzip, statPath } from './file-access.js';
import { checkAvailable, checkSampleCount } from './sample-count.js';
import { type SampleTable, memoryTable, pick } from './sample-table.js';

/** Options of {@link readCsv} and {@link openCsv}. */
export interface ReadCsvOptions {
  /**
   * Whether the first row is a header: `true`, `false`, or `'auto'` (default): a header when every one of
   * its cells is text (not a number); a first row that mixes numbers and text is `E_DATA`, since it is
   * neither a header nor a data row.
   */
  readonly header?: boolean | 'auto';
  /**
   * Column holding the label / target, by 0-based index (negative counts from the end: −1 is the last
   * column) or by header name. Default: none, every column is a feature.
   */
  readonly labelColumn?: number | string;
  /** Number of rows (samples) to return (default: all). The rest of the file is still read and checked. */
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
  /** Data rows in the whole file. */
  readonly available: number;
}

/** The layout of a CSV, fixed by its first row. */
interface CsvShape {
  /** Cells per row. */
  readonly width: number;
  /** Header names, when the first row is a header. */
  readonly names?: string[];
  /** Index of the label column, or −1. */
  readonly labelIndex: number;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NAN = /^[+-]?nan$/i;
const INF = /^[+-]?inf(inity)?$/i;

/** A cell's number (NaN and ±Infinity for their spellings), or `undefined` when it is not a number. */
function parseCell(cell: string): number | undefined {
  const text = cell.trim(); // csv-parse trims outside quotes; " 3 " keeps its spaces
  // Number('') is 0 and Number('0x1f') is 31: accept only decimal notation.
  if (DECIMAL.test(text)) return Number(text);
  if (NAN.test(text)) return Number.NaN;
  if (INF.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

/** Data rows read and checked one at a time: `values` holds every cell of the row, label column included. */
type RowVisitor = (values: Float64Array, index: number, shape: CsvShape) => boolean | void;

/**
 * Parses a CSV (plain or `.gz`) with csv-parse — quoted fields (`"1,5"`), CRLF or LF line ends, a UTF-8
 * BOM, blank lines skipped, cells trimmed — and checks every data row: the same number of cells as the
 * first row, every cell a finite number (`E_DATA` naming line and column). `onRow` returning `false`
 * stops reading early; otherwise the whole file is read, so a truncated or corrupt `.gz` is `E_DATA`.
 */
async function streamCsv(
  path: string,
  options: ReadCsvOptions,
  onRow: RowVisitor,
): Promise<{ shape: CsvShape; rows: number }> {
  await statPath(path, 'CSV');
  // Imported here: csv-parse costs ≈ 20 ms to load, at every start of a program that imports @spec/data and never
  // reads a CSV (the `spec` command among them).
  const { parse } = await import('csv-parse');
  const source = createReadStream(path);
  const gunzip = isGzip(path) ? createGunzip() : null;
  const parser = parse({
    bom: true,
    delimiter: options.delimiter ?? ',',
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
  });
  source.on('error', (e) => parser.destroy(e));
  gunzip?.on('error', (e) => parser.destroy(e));
  (gunzip ? source.pipe(gunzip) : source).pipe(parser);

  let shape: CsvShape | undefined;
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (shape === undefined) {
        shape = firstRow(path, record, line, options);
        if (shape.names) continue;
      }
      if (record.length !== shape.width) {
        throw new SpecError(
          'E_DATA',
          `${path}: line ${line} has ${record.length} cells, expected ${shape.width} (as in the first line)`,
        );
      }
      const values = new Float64Array(shape.width);
      for (let j = 0; j < shape.width; j++) {
        const v = parseCell(record[j]);
        if (v === undefined || !Number.isFinite(v)) {
          const col = shape.names ? `column ${j + 1} ("${shape.names[j]}")` : `column ${j + 1}`;
          const what = v === undefined ? 'is not a number' : 'is not finite';
          throw new SpecError('E_DATA', `${path}: line ${line}, ${col}: ${JSON.stringify(record[j])} ${what}`);
        }
        values[j] = v;
      }
      if (onRow(values, rows++, shape) === false) break;
    }
  } catch (e) {
    if (e instanceof SpecError) throw e;
    const code = (e as CsvError | null)?.code;
    if (typeof code === 'string' && code.startsWith('CSV_')) {
      throw new SpecError('E_DATA', `${path}: not a valid CSV: ${(e as Error).message}`, { cause: e });
    }
    throw fileError(path, 'CSV', e);
  } finally {
    parser.destroy();
    gunzip?.destroy();
    source.destroy();
  }
  if (shape === undefined || rows === 0) throw new SpecError('E_DATA', `${path}: no data rows`);
  return { shape, rows };
}

/** Decides whether the first row is a header (see {@link ReadCsvOptions.header}) and finds the label column. */
function firstRow(path: string, cells: string[], line: number, options: ReadCsvOptions): CsvShape {
  const text = cells.map((c) => parseCell(c) === undefined);
  const mode = options.header ?? 'auto';
  let isHeader = mode === true;
  if (mode === 'auto') {
    if (text.every(Boolean)) isHeader = true;
    else if (text.some(Boolean)) {
      const j = text.indexOf(true);
      throw new SpecError(
        'E_DATA',
        `${path}: line ${line} is neither a header (every cell text) nor a row of numbers: column ${j + 1}, ${JSON.stringify(cells[j])}, is not a number`,
      );
    }
  }
  const names = isHeader ? cells : undefined;
  return {
    width: cells.length,
    ...(names ? { names } : {}),
    labelIndex: resolveLabel(path, options, cells.length, names),
  };
}

function resolveLabel(path: string, options: ReadCsvOptions, width: number, names: string[] | undefined): number {
  const label = options.labelColumn;
  if (label === undefined) return -1;
  if (typeof label === 'string') {
    if (/^-?\d+$/.test(label)) return resolveLabel(path, { labelColumn: Number(label) }, width, names);
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

/** Splits a row's values into the features (written to `out[offset + p * stride]`) and returns the label. */
function splitRow(values: Float64Array, labelIndex: number, out: Float64Array, offset: number, stride: number): number {
  let label = Number.NaN;
  for (let j = 0, p = 0; j < values.length; j++) {
    if (j === labelIndex) label = values[j];
    else out[offset + p++ * stride] = values[j];
  }
  return label;
}

function featureCount(path: string, shape: CsvShape): number {
  const d = shape.labelIndex >= 0 ? shape.width - 1 : shape.width;
  if (d === 0) throw new SpecError('E_DATA', `${path}: no feature columns besides the label column`);
  return d;
}

/**
 * Reads a numeric CSV (plain or `.gz`) with one sample per row, as pandas and numpy write it, into a
 * d × n matrix (samples as columns): the first `n` rows (default all). Every row of the file is checked, so
 * a file damaged after row n is still `E_DATA`. Errors (`E_DATA`, naming the file, line and column): a
 * non-numeric cell, a NaN or infinite value, a row with the wrong number of cells, a first row mixing text
 * and numbers, an unknown label column, a malformed quote, a corrupt `.gz`, fewer rows than `n`.
 */
export async function readCsv(path: string, options: ReadCsvOptions = {}): Promise<CsvData> {
  checkSampleCount(options.n, 'n');
  const kept: Float64Array[] = [];
  const { shape, rows } = await streamCsv(path, options, (values) => {
    if (options.n === undefined || kept.length < options.n) kept.push(values);
  });
  const n = options.n ?? rows;
  checkAvailable(n, 0, rows, `CSV file ${path}`);
  const d = featureCount(path, shape);
  const X = new Float64Array(d * n);
  const labels = shape.labelIndex >= 0 ? new Float64Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const label = splitRow(kept[i], shape.labelIndex, X, i, n);
    if (labels) labels[i] = label;
  }
  const columns = shape.names?.filter((_, j) => j !== shape.labelIndex);
  return {
    X: { rows: d, cols: n, data: X },
    ...(labels ? { labels } : {}),
    ...(columns ? { columns } : {}),
    available: rows,
  };
}

/** Values kept in memory by {@link openCsv} (128 MB of float64); a larger file is parsed again when read. */
const CSV_MEMORY_VALUES = 2 ** 24;

/** Integer labels when every value is an integer in the int32 range, else real-valued targets. */
function labelsOrTargets(y: Float64Array): { labels?: Int32Array; targets?: Float64Array } {
  return y.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31) ? { labels: Int32Array.from(y) } : { targets: y };
}

function grow(a: Float64Array, length: number): Float64Array {
  const b = new Float64Array(length);
  b.set(a);
  return b;
}

/**
 * Opens a numeric CSV as a {@link SampleTable}: the whole file is parsed and checked once (as in
 * {@link readCsv}); the label column becomes integer labels when every value is an integer, else targets.
 * Files up to 2²⁴ values are kept in memory; larger ones are parsed again to scan or take samples.
 */
export async function openCsv(path: string, options: Omit<ReadCsvOptions, 'n'> = {}): Promise<SampleTable> {
  let store: Float64Array | null = null;
  let y: Float64Array | null = null;
  let d = 0;
  const { shape, rows } = await streamCsv(path, options, (values, i, sh) => {
    if (i === 0) {
      d = featureCount(path, sh);
      store = new Float64Array(Math.min(CSV_MEMORY_VALUES, 1024 * d));
      if (sh.labelIndex >= 0) y = new Float64Array(1024);
    }
    if (y !== null && i >= y.length) y = grow(y, 2 * y.length);
    if (store !== null && (i + 1) * d > store.length) {
      store = (i + 1) * d > CSV_MEMORY_VALUES ? null : grow(store, Math.min(CSV_MEMORY_VALUES, 2 * (i + 1) * d));
    }
    if (store !== null) {
      const label = splitRow(values, sh.labelIndex, store, i * d, 1);
      if (y !== null) y[i] = label;
    } else if (y !== null) y[i] = values[sh.labelIndex];
  });
  const labelled = y === null ? {} : labelsOrTargets((y as Float64Array).slice(0, rows));
  if (store !== null) {
    return memoryTable({
      source: path,
      rows: (store as Float64Array).subarray(0, rows * d),
      count: rows,
      d,
      ...labelled,
    });
  }
  return {
    source: path,
    d,
    count: rows,
    labels: async () => labelled.labels,
    labelsAt: async (indices) => (labelled.labels ? pick(labelled.labels, indices) : undefined),
    targets: async () => labelled.targets,
    async scan(visit) {
      const chunkRows = 1024;
      let chunk = new Float64Array(chunkRows * d);
      let filled = 0;
      await streamCsv(path, options, (values) => {
        splitRow(values, shape.labelIndex, chunk, filled * d, 1);
        if (++filled === chunkRows) {
          visit(chunk, filled);
          chunk = new Float64Array(chunkRows * d);
          filled = 0;
        }
      });
      if (filled > 0) visit(chunk.subarray(0, filled * d), filled);
    },
    async take(indices) {
      const m = indices.length;
      const X = new Float64Array(d * m);
      const order = Int32Array.from(indices.keys()).sort((a, b) => indices[a] - indices[b]);
      let next = 0;
      if (m > 0) {
        await streamCsv(path, options, (values, i) => {
          while (next < m && indices[order[next]] === i) splitRow(values, shape.labelIndex, X, order[next++], m);
          return next < m;
        });
      }
      return { rows: d, cols: m, data: X };
    },
  };
}
