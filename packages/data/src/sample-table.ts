import type { Matrix } from '@spec/core';
import { type RecordLayout, forEachRecordAt, forEachRecordRun, recordCount } from './record-file.js';

/**
 * A real data source opened but not loaded: its size, its labels, and two ways to read samples — a scan of
 * every sample in chunks (for statistics of the whole split, never holding it as one float64 matrix) and
 * the samples of a subset as a d × m matrix. The loader picks the subset from `count` and the labels, then
 * takes it.
 */
export interface SampleTable {
  /** Where the samples come from (a path), for messages and `Dataset.source`. */
  readonly source: string;
  /** Values per sample (d0). */
  readonly d: number;
  /** Samples in the source (the whole split). */
  readonly count: number;
  /** Class labels of every sample, when the source has them. */
  labels(): Promise<Int32Array | undefined>;
  /** Labels of the samples `indices` only (CIFAR-10 reads just their records), when the source has them. */
  labelsAt(indices: Int32Array): Promise<Int32Array | undefined>;
  /** Real-valued targets of every sample (a CSV label column with non-integer values). */
  targets(): Promise<Float64Array | undefined>;
  /** Visits every sample in source order, in chunks of `rows` samples stored as rows (`chunk[r * d + p]`). */
  scan(visit: (chunk: Float64Array, rows: number) => void): Promise<void>;
  /** Samples `indices[j]` (any order, each below `count`) as the columns j of a d × m matrix. */
  take(indices: Int32Array): Promise<Matrix>;
}

/**
 * Decodes one record's bytes into d float64 values, `out[offset + p * stride]` for p < d; `index` is the
 * record's number in the source (for messages).
 */
export type RecordDecoder = (record: Buffer, index: number, out: Float64Array, offset: number, stride: number) => void;

/** A table over fixed-size records ({@link RecordLayout}) decoded by `decode`. */
export function recordTable(options: {
  readonly source: string;
  readonly layout: RecordLayout;
  readonly d: number;
  readonly decode: RecordDecoder;
  readonly labels?: () => Promise<Int32Array | undefined>;
  readonly labelsAt?: (indices: Int32Array) => Promise<Int32Array | undefined>;
}): SampleTable {
  const { layout, d, decode } = options;
  const count = recordCount(layout);
  const size = layout.recordBytes;
  return {
    source: options.source,
    d,
    count,
    labels: options.labels ?? (async () => undefined),
    labelsAt: options.labelsAt ?? (async () => undefined),
    targets: async () => undefined,
    async scan(visit) {
      await forEachRecordRun(layout, 0, count, (bytes, first, rows) => {
        const chunk = new Float64Array(rows * d);
        for (let r = 0; r < rows; r++) decode(bytes.subarray(r * size, (r + 1) * size), first + r, chunk, r * d, 1);
        visit(chunk, rows);
      });
    },
    async take(indices) {
      const m = indices.length;
      const X = new Float64Array(d * m);
      await forEachRecordAt(layout, indices, (bytes, j) => decode(bytes, indices[j], X, j, m));
      return { rows: d, cols: m, data: X };
    },
  };
}

/** Samples per chunk of {@link memoryTable}'s scan. */
const MEMORY_CHUNK_ROWS = 1024;

/** A table over samples already in memory, stored as rows (`T[i * d + p]`, n × d as the files hold them). */
export function memoryTable(options: {
  readonly source: string;
  readonly rows: Float64Array;
  readonly count: number;
  readonly d: number;
  readonly labels?: Int32Array;
  readonly targets?: Float64Array;
}): SampleTable {
  const { rows: T, count, d } = options;
  return {
    source: options.source,
    d,
    count,
    labels: async () => options.labels,
    labelsAt: async (indices) => (options.labels ? pick(options.labels, indices) : undefined),
    targets: async () => options.targets,
    async scan(visit) {
      for (let i = 0; i < count; i += MEMORY_CHUNK_ROWS) {
        const rows = Math.min(MEMORY_CHUNK_ROWS, count - i);
        visit(T.subarray(i * d, (i + rows) * d), rows);
      }
    },
    async take(indices) {
      const m = indices.length;
      const X = new Float64Array(d * m);
      for (let j = 0; j < m; j++) {
        const base = indices[j] * d;
        for (let p = 0; p < d; p++) X[p * m + j] = T[base + p];
      }
      return { rows: d, cols: m, data: X };
    },
  };
}

/** `all[indices[j]]` for every j. */
export function pick(all: Int32Array, indices: Int32Array): Int32Array {
  return Int32Array.from(indices, (i) => all[i]);
}
