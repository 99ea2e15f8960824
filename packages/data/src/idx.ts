import { type Matrix, SpecError } from '@spec/core';
import { isGzip, openFile, readExact, readGzipPrefix, statPath } from './file-access.js';
import { checkAvailable, checkSampleCount } from './sample-count.js';

/** IDX element types (third magic byte) and their sizes; all multi-byte types are big-endian. */
const IDX_TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
};

/** Options of {@link readIdx} and {@link readIdxLabels}. */
export interface ReadIdxOptions {
  /** Number of items (first dimension) to read (default: all). */
  readonly n?: number;
}

/** An IDX array read as samples-as-columns. */
export interface IdxData {
  /** d × n with d = product of the trailing dimensions (28 · 28 = 784 for MNIST); uint8 values are divided by 255. */
  readonly X: Matrix;
  /** The file's full shape, e.g. [60000, 28, 28]. */
  readonly shape: number[];
  /** Element type named by the magic number. */
  readonly dtype: string;
}

interface IdxHeader {
  readonly type: { name: string; bytes: number };
  readonly shape: number[];
  readonly headerBytes: number;
}

/**
 * Reads the first `bytes` bytes of an IDX file: positioned reads for a plain file, a streamed gunzip
 * that stops early for `.gz` (so only the needed prefix is decompressed).
 */
async function readPrefix(path: string, bytes: number): Promise<Buffer> {
  if (isGzip(path)) return readGzipPrefix(path, bytes, 'IDX');
  const handle = await openFile(path, 'IDX');
  try {
    const { size } = await statPath(path, 'IDX');
    return await readExact(handle, 0, Math.min(bytes, size), path, 'IDX data');
  } finally {
    await handle.close();
  }
}

function parseHeader(path: string, buf: Buffer): IdxHeader {
  if (buf.length < 4) throw new SpecError('E_DATA', `${path}: too short for an IDX file (${buf.length} bytes)`);
  const type = IDX_TYPES[buf[2]];
  if (buf[0] !== 0 || buf[1] !== 0 || type === undefined) {
    const magic = buf.subarray(0, 4).toString('hex');
    throw new SpecError(
      'E_DATA',
      `${path}: wrong IDX magic number 0x${magic} (expected 00 00 <type 08/09/0b/0c/0d/0e> <ndim>); is this an MNIST IDX file?`,
    );
  }
  const ndim = buf[3];
  if (ndim < 1) throw new SpecError('E_DATA', `${path}: IDX file with 0 dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (buf.length < headerBytes)
    throw new SpecError('E_DATA', `${path}: truncated IDX header (${buf.length} of ${headerBytes} bytes)`);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(buf.readUInt32BE(4 + 4 * i));
  return { type, shape, headerBytes };
}

function readValue(buf: Buffer, pos: number, type: string): number {
  switch (type) {
    case 'uint8':
      return buf[pos];
    case 'int8':
      return buf.readInt8(pos);
    case 'int16':
      return buf.readInt16BE(pos);
    case 'int32':
      return buf.readInt32BE(pos);
    case 'float32':
      return buf.readFloatBE(pos);
    default:
      return buf.readDoubleBE(pos);
  }
}

async function readIdxRaw(
  path: string,
  n: number | undefined,
): Promise<{ header: IdxHeader; body: Buffer; count: number; itemSize: number }> {
  checkSampleCount(n, 'n');
  const header = parseHeader(path, await readPrefix(path, 4 + 4 * 255));
  const itemSize = header.shape.slice(1).reduce((a, b) => a * b, 1);
  const available = header.shape[0];
  const count = n ?? available;
  checkAvailable(count, 0, available, `IDX file ${path}`);
  const need = header.headerBytes + count * itemSize * header.type.bytes;
  const buf = await readPrefix(path, need);
  if (buf.length < need) {
    throw new SpecError(
      'E_DATA',
      `${path}: truncated IDX data: the header promises ${available} items of ${itemSize} values but the file ends after ${buf.length} bytes (needed ${need})`,
    );
  }
  return { header, body: buf.subarray(header.headerBytes, need), count, itemSize };
}

/**
 * Reads an IDX array (MNIST / Fashion-MNIST images, plain or `.gz`) as a d × n matrix, item i in
 * column i. Only the first `n` items are read (for `.gz`, decompression stops once they are
 * available). uint8 values are scaled to [0, 1] (÷ 255); other types are returned as stored.
 * Errors (`E_DATA`): missing file, wrong magic number, truncated data, NaN/Inf (float types), more
 * items asked for than the file holds.
 */
export async function readIdx(path: string, options: ReadIdxOptions = {}): Promise<IdxData> {
  const { header, body, count, itemSize } = await readIdxRaw(path, options.n);
  const type = header.type.name;
  const bytes = header.type.bytes;
  const divisor = type === 'uint8' ? 255 : 1;
  const X = new Float64Array(itemSize * count);
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < itemSize; p++) {
      const v = readValue(body, (i * itemSize + p) * bytes, type) / divisor;
      if (!Number.isFinite(v))
        throw new SpecError('E_DATA', `${path}: non-finite value (${v}) in item ${i} at position ${p}`);
      X[p * count + i] = v;
    }
  }
  return { X: { rows: itemSize, cols: count, data: X }, shape: header.shape, dtype: type };
}

/**
 * Reads an IDX label file (one dimension, uint8: MNIST `*-labels-idx1-ubyte`, plain or `.gz`), the first
 * `n` labels. Errors as in {@link readIdx}, plus `E_DATA` when the file is not a 1-D uint8 array.
 */
export async function readIdxLabels(path: string, options: ReadIdxOptions = {}): Promise<Int32Array> {
  const { header, body, count } = await readIdxRaw(path, options.n);
  if (header.shape.length !== 1 || header.type.name !== 'uint8') {
    throw new SpecError(
      'E_DATA',
      `${path}: an IDX label file must be 1-D uint8, got ${header.type.name} with shape [${header.shape.join(', ')}]`,
    );
  }
  return Int32Array.from(body.subarray(0, count));
}

/** The number of items and full shape of an IDX file, reading only its header. */
export async function readIdxShape(path: string): Promise<number[]> {
  return parseHeader(path, await readPrefix(path, 4 + 4 * 255)).shape;
}
