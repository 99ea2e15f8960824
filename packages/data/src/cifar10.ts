import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Matrix, SpecError } from '@spec/core';
import { fileError, openFile, readExact, statPath } from './file-access.js';
import { LUMA_WEIGHTS } from './grayscale.js';
import { checkAvailable, checkSampleCount } from './sample-count.js';

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
  const files = await cifar10Files(path);
  const counts: number[] = [];
  for (const f of files) {
    const { size } = await statPath(f, 'CIFAR-10');
    if (size % CIFAR10_RECORD_BYTES !== 0) {
      const whole = Math.floor(size / CIFAR10_RECORD_BYTES);
      throw new SpecError(
        'E_DATA',
        `${f}: truncated CIFAR-10 record: ${size} bytes is ${whole} records of ${CIFAR10_RECORD_BYTES} bytes plus ${size % CIFAR10_RECORD_BYTES} extra bytes`,
      );
    }
    counts.push(size / CIFAR10_RECORD_BYTES);
  }
  const available = counts.reduce((a, b) => a + b, 0);
  const n = options.n ?? available - offset;
  checkAvailable(n, offset, available, `CIFAR-10 ${path}`);
  if (n < 1) throw new SpecError('E_DATA', `CIFAR-10 ${path}: no images after offset ${offset}`);

  const gray = options.grayscale ?? false;
  const [wr, wg, wb] = LUMA_WEIGHTS;
  const d = gray ? CIFAR10_PIXELS / 3 : CIFAR10_PIXELS;
  const X = new Float64Array(d * n);
  const labels = new Int32Array(n);
  let skip = offset;
  let col = 0;
  for (let fi = 0; fi < files.length && col < n; fi++) {
    if (skip >= counts[fi]) {
      skip -= counts[fi];
      continue;
    }
    const take = Math.min(counts[fi] - skip, n - col);
    const handle = await openFile(files[fi], 'CIFAR-10');
    try {
      // Read in chunks of up to 256 records to bound memory for large n.
      for (let r = 0; r < take; r += 256) {
        const m = Math.min(256, take - r);
        const buf = await readExact(
          handle,
          (skip + r) * CIFAR10_RECORD_BYTES,
          m * CIFAR10_RECORD_BYTES,
          files[fi],
          'CIFAR-10 record',
        );
        for (let k = 0; k < m; k++, col++) {
          const base = k * CIFAR10_RECORD_BYTES;
          const label = buf[base];
          if (label > 9) {
            throw new SpecError(
              'E_DATA',
              `${files[fi]}: record ${skip + r + k} has label ${label}, expected 0..9 (is this a CIFAR-100 file?)`,
            );
          }
          labels[col] = label;
          if (gray) {
            for (let p = 0; p < d; p++) {
              const v = wr * buf[base + 1 + p] + wg * buf[base + 1 + d + p] + wb * buf[base + 1 + 2 * d + p];
              X[p * n + col] = v / 255;
            }
          } else {
            for (let p = 0; p < d; p++) X[p * n + col] = buf[base + 1 + p] / 255;
          }
        }
      }
    } finally {
      await handle.close();
    }
    skip = 0;
  }
  return { X: { rows: d, cols: n, data: X }, labels, files, available };
}
