import { type Matrix, SpecError } from '@spec/core';
import { isGzip, openFile, readExact, readGzip, readGzipPrefix, statPath } from './file-access.js';
import { type RecordLayout, forEachRecordRun } from './record-file.js';
import { checkAvailable, checkSampleCount, firstIndices } from './sample-count.js';
import { type RecordDecoder, type SampleTable, recordTable } from './sample-table.js';

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

/** Reads the first `bytes` bytes (or fewer, if the file is shorter) of an IDX file, plain or `.gz`. */
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

/** An IDX file checked against its header, with its items as fixed-size records. */
interface IdxFile {
  readonly path: string;
  readonly type: { name: string; bytes: number };
  readonly shape: number[];
  /** Values per item: the product of the trailing dimensions (1 for a 1-D file). */
  readonly itemSize: number;
  readonly layout: RecordLayout;
}

/**
 * Opens an IDX file and checks that its length is exactly what the header promises, so a file truncated
 * anywhere (or with bytes appended) is `E_DATA` even when only its first items are wanted. A plain file is
 * checked by its size and read later by positioned reads; a `.gz` file is decompressed whole (60 000
 * Fashion-MNIST images are 47 MB), which also detects a truncated or corrupt gzip stream.
 */
async function openIdxFile(path: string): Promise<IdxFile> {
  const gz = isGzip(path);
  const body = gz ? await readGzip(path, 'IDX') : undefined;
  const header = parseHeader(path, body ?? (await readPrefix(path, 4 + 4 * 255)));
  const size = body ? body.length : (await statPath(path, 'IDX')).size;
  const itemSize = header.shape.slice(1).reduce((a, b) => a * b, 1);
  const expected = header.headerBytes + header.shape[0] * itemSize * header.type.bytes;
  const bytes = gz ? 'bytes once decompressed' : 'bytes';
  if (size < expected) {
    throw new SpecError(
      'E_DATA',
      `${path}: truncated IDX data: the header promises ${header.shape[0]} items of shape [${header.shape.slice(1).join(', ')}] (${expected} bytes) but the file has ${size} ${bytes}; download it again`,
    );
  }
  if (size > expected) {
    throw new SpecError(
      'E_DATA',
      `${path}: ${size - expected} ${bytes} follow the last of the ${header.shape[0]} items its IDX header promises; not an IDX file, or a damaged one`,
    );
  }
  const segment = { path, offset: header.headerBytes, count: header.shape[0], ...(body ? { buffer: body } : {}) };
  return {
    path,
    type: header.type,
    shape: header.shape,
    itemSize,
    layout: { segments: [segment], recordBytes: itemSize * header.type.bytes, what: 'IDX' },
  };
}

function idxDecoder(file: IdxFile): RecordDecoder {
  const { itemSize: d, path } = file;
  const type = file.type.name;
  if (type === 'uint8') {
    return (rec, _i, out, offset, stride) => {
      for (let p = 0; p < d; p++) out[offset + p * stride] = rec[p] / 255;
    };
  }
  const bytes = file.type.bytes;
  return (rec, i, out, offset, stride) => {
    for (let p = 0; p < d; p++) {
      const at = p * bytes;
      const v =
        type === 'int8'
          ? rec.readInt8(at)
          : type === 'int16'
            ? rec.readInt16BE(at)
            : type === 'int32'
              ? rec.readInt32BE(at)
              : type === 'float32'
                ? rec.readFloatBE(at)
                : rec.readDoubleBE(at);
      if (!Number.isFinite(v))
        throw new SpecError('E_DATA', `${path}: non-finite value (${v}) in item ${i} at position ${p}`);
      out[offset + p * stride] = v;
    }
  };
}

function idxTable(file: IdxFile): SampleTable {
  return recordTable({ source: file.path, layout: file.layout, d: file.itemSize, decode: idxDecoder(file) });
}

/**
 * Opens an IDX images file (MNIST / Fashion-MNIST `*-images-idx3-ubyte[.gz]`, any element type) as a
 * {@link SampleTable}: item i is sample i, its trailing dimensions flattened (28 · 28 = 784), uint8 values
 * divided by 255. `E_DATA` when the file is not IDX, is truncated or padded, or is 1-D (a labels file).
 */
export async function openIdxImages(path: string): Promise<SampleTable> {
  const file = await openIdxFile(path);
  if (file.shape.length < 2) {
    throw new SpecError(
      'E_DATA',
      `${path}: a 1-D IDX array of ${file.shape[0]} values (a labels file?) where images were expected; give the images file (e.g. train-images-idx3-ubyte)`,
    );
  }
  return idxTable(file);
}

/**
 * Reads an IDX array (MNIST / Fashion-MNIST images, plain or `.gz`) as a d × n matrix, item i in
 * column i: the first `n` items (default all). uint8 values are scaled to [0, 1] (÷ 255); other types are
 * returned as stored. The whole file is checked against its header first (see {@link openIdxImages}).
 * Errors (`E_DATA`): missing file, wrong magic number, truncated or padded data, a corrupt `.gz`, NaN/Inf
 * (float types), more items asked for than the file holds.
 */
export async function readIdx(path: string, options: ReadIdxOptions = {}): Promise<IdxData> {
  checkSampleCount(options.n, 'n');
  const file = await openIdxFile(path);
  const count = options.n ?? file.shape[0];
  checkAvailable(count, 0, file.shape[0], `IDX file ${path}`);
  const X = await idxTable(file).take(firstIndices(count));
  return { X, shape: file.shape, dtype: file.type.name };
}

/**
 * Reads an IDX label file (one dimension, uint8: MNIST `*-labels-idx1-ubyte`, plain or `.gz`), the first
 * `n` labels (default all). Errors as in {@link readIdx}, plus `E_DATA` when the file is not a 1-D uint8 array.
 */
export async function readIdxLabels(path: string, options: ReadIdxOptions = {}): Promise<Int32Array> {
  checkSampleCount(options.n, 'n');
  const file = await openIdxFile(path);
  if (file.shape.length !== 1 || file.type.name !== 'uint8') {
    throw new SpecError(
      'E_DATA',
      `${path}: an IDX label file must be 1-D uint8, got ${file.type.name} with shape [${file.shape.join(', ')}]`,
    );
  }
  const count = options.n ?? file.shape[0];
  checkAvailable(count, 0, file.shape[0], `IDX file ${path}`);
  const labels = new Int32Array(count);
  await forEachRecordRun(file.layout, 0, count, (bytes, first, m) => {
    for (let r = 0; r < m; r++) labels[first + r] = bytes[r];
  });
  return labels;
}

/** The number of items and full shape of an IDX file, reading only its header. */
export async function readIdxShape(path: string): Promise<number[]> {
  return parseHeader(path, await readPrefix(path, 4 + 4 * 255)).shape;
}
