import { openFile, readExact } from './file-access.js';

/**
 * Fixed-size records (one sample each) laid end to end in one or more segments: a byte range of a file, read
 * with positioned reads, or a buffer already in memory (a decompressed `.gz`). Record i of the whole layout is
 * record i − (records of the earlier segments) of its segment.
 */
export interface RecordSegment {
  /** File the records are in (named in errors). */
  readonly path: string;
  /** Byte offset of the segment's first record in the file (or in `buffer`). */
  readonly offset: number;
  /** Records in this segment. */
  readonly count: number;
  /** The file's bytes, when they are held in memory instead of read from disk. */
  readonly buffer?: Buffer;
}

/** Where the records of a data source are. */
export interface RecordLayout {
  readonly segments: readonly RecordSegment[];
  /** Bytes per record. */
  readonly recordBytes: number;
  /** The format, named in errors (`IDX`, `CIFAR-10`, `.npy`). */
  readonly what: string;
}

/** Records read per positioned read: 256 CIFAR-10 images are 0.8 MB. */
const RECORDS_PER_READ = 256;

/** Total records of a layout. */
export function recordCount(layout: RecordLayout): number {
  return layout.segments.reduce((s, g) => s + g.count, 0);
}

/**
 * Calls `visit(bytes, first, count)` for consecutive runs of records [start, start + total), in order, each
 * run within one segment and at most {@link RECORDS_PER_READ} records; `bytes` holds the run's records.
 */
export async function forEachRecordRun(
  layout: RecordLayout,
  start: number,
  total: number,
  visit: (bytes: Buffer, first: number, count: number) => void,
): Promise<void> {
  const size = layout.recordBytes;
  let base = 0;
  for (const seg of layout.segments) {
    const lo = Math.max(start, base);
    const hi = Math.min(start + total, base + seg.count);
    if (lo < hi) {
      if (seg.buffer) {
        for (let r = lo; r < hi; r += RECORDS_PER_READ) {
          const m = Math.min(RECORDS_PER_READ, hi - r);
          const at = seg.offset + (r - base) * size;
          visit(seg.buffer.subarray(at, at + m * size), r, m);
        }
      } else {
        const handle = await openFile(seg.path, layout.what);
        try {
          for (let r = lo; r < hi; r += RECORDS_PER_READ) {
            const m = Math.min(RECORDS_PER_READ, hi - r);
            const at = seg.offset + (r - base) * size;
            visit(await readExact(handle, at, m * size, seg.path, `${layout.what} record`), r, m);
          }
        } finally {
          await handle.close();
        }
      }
    }
    base += seg.count;
  }
}

/**
 * Calls `visit(bytes, j)` with the bytes of record `indices[j]` for every j (indices in any order, each
 * below {@link recordCount}). Runs of consecutive indices are read together, so a sorted selection reads
 * each needed byte range once.
 */
export async function forEachRecordAt(
  layout: RecordLayout,
  indices: Int32Array,
  visit: (bytes: Buffer, j: number) => void,
): Promise<void> {
  const order = Int32Array.from(indices.keys()).sort((a, b) => indices[a] - indices[b]);
  const size = layout.recordBytes;
  let k = 0;
  while (k < order.length) {
    // A run of consecutive record numbers (duplicates allowed) starting at order[k].
    let end = k + 1;
    while (end < order.length && indices[order[end]] - indices[order[end - 1]] <= 1) end++;
    const first = indices[order[k]];
    const count = indices[order[end - 1]] - first + 1;
    let next = k;
    await forEachRecordRun(layout, first, count, (bytes, runFirst, runCount) => {
      while (next < end && indices[order[next]] < runFirst + runCount) {
        const r = indices[order[next]] - runFirst;
        visit(bytes.subarray(r * size, (r + 1) * size), order[next]);
        next++;
      }
    });
    k = end;
  }
}
