import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Matrix, SpecError } from '@spec/core';
import { fileError, statPath } from './file-access.js';
import { LUMA_WEIGHTS } from './grayscale.js';
import {
  type RecordLayout,
  type RecordSegment,
  forEachRecordAt,
  forEachRecordRun,
  recordCount,
} from './record-file.js';
import { checkAvailable, checkSampleCount } from './sample-count.js';
import { type RecordDecoder, type SampleTable, recordTable } from './sample-table.js';

/** Bytes of one CIFAR-10 binary record: 1 label byte + 3 × 32 × 32 pixel bytes (R plane, G plane, B plane). */
export const CIFAR10_RECORD_BYTES = 3073;
/** Pixels per CIFAR-10 image (3 colour planes of 32 × 32). */
export const CIFAR10_PIXELS = 3072;

/** Options of {@link readCifar10}. */
export interface ReadCifar10Options {
  /** Number of images to read (default: all that follow `offset`). */
  readonly n?: number;
  /** Images to skip first, counted across the batch files in order (default 0). */
  readonly offset?: number;
  /** Average the colour planes with the luma weights of {@link grayscale} → 1024 × n (default false). */
  readonly grayscale?: boolean;
}

/** Images and labels read from CIFAR-10 binary batches. */
export interface Cifar10Data {
  /** 3072 × n (or 1024 × n in grayscale), pixels / 255 in [0, 1]; column i is image i. */
  readonly X: Matrix;
  /** Class of each image, 0..9. */
  readonly labels: Int32Array;
  /** The batch files read from, in order. */
  readonly files: string[];
  /** Total images in those files (so a caller can cap `n`). */
  readonly available: number;
}

/**
 * The batch files of a CIFAR-10 binary directory in reading order: `data_batch_1.bin` … `data_batch_5.bin`,
 * then `test_batch.bin` (whichever exist), or the single file when `path` is a file.
 */
export async function cifar10Files(path: string): Promise<string[]> {
  const what = 'CIFAR-10';
  const s = await statPath(path, what);
  if (!s.isDirectory) return [path];
  let names: string[];
  try {
    names = await readdir(path);
  } catch (e) {
    throw fileError(path, what, e);
  }
  const batches = names
    .filter((f) => /^data_batch_\d+\.bin$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
  if (names.includes('test_batch.bin')) batches.push('test_batch.bin');
  if (batches.length === 0) {
    throw new SpecError(
      'E_DATA',
      `CIFAR-10: directory ${path} holds no data_batch_*.bin or test_batch.bin (download the "binary version" of CIFAR-10)`,
    );
  }
  return batches.map((f) => join(path, f));
}

/** Checks the batch files' sizes and lays out their records in reading order. */
async function cifar10Layout(path: string): Promise<{ files: string[]; layout: RecordLayout }> {
  const files = await cifar10Files(path);
  const segments: RecordSegment[] = [];
  for (const f of files) {
    const { size } = await statPath(f, 'CIFAR-10');
    if (size % CIFAR10_RECORD_BYTES !== 0) {
      const whole = Math.floor(size / CIFAR10_RECORD_BYTES);
      throw new SpecError(
        'E_DATA',
        `${f}: truncated CIFAR-10 record: ${size} bytes is ${whole} records of ${CIFAR10_RECORD_BYTES} bytes plus ${size % CIFAR10_RECORD_BYTES} extra bytes`,
      );
    }
    segments.push({ path: f, offset: 0, count: size / CIFAR10_RECORD_BYTES });
  }
  return { files, layout: { segments, recordBytes: CIFAR10_RECORD_BYTES, what: 'CIFAR-10' } };
}

function checkedLabel(record: Buffer, index: number, source: string): number {
  const label = record[0];
  if (label > 9) {
    throw new SpecError(
      'E_DATA',
      `${source}: record ${index} has label ${label}, expected 0..9 (is this a CIFAR-100 file?)`,
    );
  }
  return label;
}

/** Pixels / 255 of one record (or their luma, with `gray`), after checking its label. */
function cifar10Decoder(gray: boolean, source: string): RecordDecoder {
  const [wr, wg, wb] = LUMA_WEIGHTS;
  const plane = CIFAR10_PIXELS / 3;
  return (rec, index, out, offset, stride) => {
    checkedLabel(rec, index, source);
    if (gray) {
      for (let p = 0; p < plane; p++) {
        const v = wr * rec[1 + p] + wg * rec[1 + plane + p] + wb * rec[1 + 2 * plane + p];
        out[offset + p * stride] = v / 255;
      }
    } else {
      for (let p = 0; p < CIFAR10_PIXELS; p++) out[offset + p * stride] = rec[1 + p] / 255;
    }
  };
}

async function cifar10Labels(layout: RecordLayout, start: number, count: number, source: string): Promise<Int32Array> {
  const labels = new Int32Array(count);
  await forEachRecordRun(layout, start, count, (bytes, first, m) => {
    for (let r = 0; r < m; r++) {
      labels[first - start + r] = checkedLabel(bytes.subarray(r * CIFAR10_RECORD_BYTES), first + r, source);
    }
  });
  return labels;
}

/**
 * Opens CIFAR-10 binary batches (a directory, see {@link cifar10Files}, or one batch file) as a
 * {@link SampleTable} of 3072 pixels / 255 per image (1024 luma values with `grayscale`), labels 0..9. Records
 * are read with positioned reads only when taken or scanned. `E_DATA` for a file that is not a whole number
 * of records and, when read, a label outside 0..9.
 */
export async function openCifar10(path: string, options: { readonly grayscale?: boolean } = {}): Promise<SampleTable> {
  const { layout } = await cifar10Layout(path);
  const gray = options.grayscale ?? false;
  const table = recordTable({
    source: path,
    layout,
    d: gray ? CIFAR10_PIXELS / 3 : CIFAR10_PIXELS,
    decode: cifar10Decoder(gray, path),
    labels: () => cifar10Labels(layout, 0, recordCount(layout), path),
    async labelsAt(indices) {
      const labels = new Int32Array(indices.length);
      await forEachRecordAt(layout, indices, (rec, j) => (labels[j] = checkedLabel(rec, indices[j], path)));
      return labels;
    },
  });
  return table;
}

/**
 * Reads CIFAR-10 binary batches (records of 1 label byte + 3072 pixel bytes). `path` is a directory
 * (see {@link cifar10Files}) or one batch file. Only the records needed are read, with positioned
 * reads, so taking 2000 images reads 2000 records. A file whose size is not a whole number of
 * records is reported as truncated (`E_DATA`); so are labels outside 0..9.
 */
export async function readCifar10(path: string, options: ReadCifar10Options = {}): Promise<Cifar10Data> {
  const offset = options.offset ?? 0;
  checkSampleCount(options.n, 'n');
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new SpecError('E_INPUT', `offset must be a non-negative integer, got ${offset}`);
  const { files, layout } = await cifar10Layout(path);
  const available = recordCount(layout);
  const n = options.n ?? available - offset;
  checkAvailable(n, offset, available, `CIFAR-10 ${path}`);
  if (n < 1) throw new SpecError('E_DATA', `CIFAR-10 ${path}: no images after offset ${offset}`);
  const gray = options.grayscale ?? false;
  const table = recordTable({
    source: path,
    layout,
    d: gray ? CIFAR10_PIXELS / 3 : CIFAR10_PIXELS,
    decode: cifar10Decoder(gray, path),
  });
  const X = await table.take(Int32Array.from({ length: n }, (_, i) => offset + i));
  const labels = await cifar10Labels(layout, offset, n, path);
  return { X, labels, files, available };
}
