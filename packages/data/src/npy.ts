import { writeFile } from 'node:fs/promises';
import { SpecError } from '@spec/core';
import { fileError, openFile, readExact, statPath } from './file-access.js';
import { checkAvailable, checkSampleCount } from './sample-count.js';
import { type SampleTable, memoryTable, recordTable } from './sample-table.js';

/** Element types spec reads from and writes to .npy files. */
export type NpyDtype = 'float64' | 'float32' | 'uint8';

/** A (prefix of an) array read from a .npy file. */
export interface NpyArray {
  /** Values in C (row-major) order, whatever the file's order, as float64. */
  readonly data: Float64Array;
  /** Shape of `data`: the file's shape with the first axis cut to the rows read. */
  readonly shape: number[];
  /** The file's element type. */
  readonly dtype: NpyDtype;
  /** Whether the file stores the array in Fortran (column-major) order. */
  readonly fortranOrder: boolean;
  /** The file's full shape. */
  readonly fileShape: number[];
}

/** Options of {@link readNpy}. */
export interface ReadNpyOptions {
  /** Read only the first `rows` entries of the first axis (default: all). */
  readonly rows?: number;
}

const MAGIC = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY (a plain Uint8Array: importing must work in browsers)

interface Descr {
  readonly dtype: NpyDtype;
  readonly bytes: number;
  readonly littleEndian: boolean;
}

function parseDescr(path: string, descr: string): Descr {
  const m = /^([<>|=])([fu])(\d)$/.exec(descr);
  if (m) {
    const [, order, kind, size] = m;
    const littleEndian = order !== '>';
    if (kind === 'f' && size === '8') return { dtype: 'float64', bytes: 8, littleEndian };
    if (kind === 'f' && size === '4') return { dtype: 'float32', bytes: 4, littleEndian };
    if (kind === 'u' && size === '1') return { dtype: 'uint8', bytes: 1, littleEndian: true };
  }
  throw new SpecError(
    'E_DATA',
    `${path}: unsupported .npy dtype '${descr}' (supported: float64 '<f8', float32 '<f4', uint8 '|u1'); convert with arr.astype(np.float64)`,
  );
}

interface NpyHeader {
  readonly descr: Descr;
  readonly fortranOrder: boolean;
  readonly shape: number[];
  readonly dataOffset: number;
}

function malformed(path: string, why: string): SpecError {
  return new SpecError('E_DATA', `${path}: malformed .npy header: ${why}`);
}

/** Parses the magic string, version, and header dictionary of a .npy file held in `buf`. */
function parseHeader(path: string, buf: Buffer): NpyHeader {
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw new SpecError('E_DATA', `${path}: not a .npy file (missing the \\x93NUMPY magic string)`);
  }
  const major = buf[6];
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw malformed(path, 'file ends inside the header length');
    headerLen = buf.readUInt32LE(8);
    start = 12;
  } else {
    throw malformed(path, `unknown format version ${major}.${buf[7]}`);
  }
  if (buf.length < start + headerLen)
    throw malformed(path, `header of ${headerLen} bytes runs past the end of the file`);
  const text = buf.subarray(start, start + headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const descrM = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(text);
  const fortranM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descrM) throw malformed(path, `no 'descr' entry in ${JSON.stringify(text.trim())}`);
  if (!fortranM) throw malformed(path, `no 'fortran_order' entry in ${JSON.stringify(text.trim())}`);
  if (!shapeM) throw malformed(path, `no 'shape' entry in ${JSON.stringify(text.trim())}`);
  const parts = shapeM[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const shape = parts.map((s) => {
    if (!/^\d+L?$/.test(s)) throw malformed(path, `shape entry '${s}' is not a non-negative integer`);
    return Number.parseInt(s, 10);
  });
  return {
    descr: parseDescr(path, descrM[1]),
    fortranOrder: fortranM[1] === 'True',
    shape,
    dataOffset: start + headerLen,
  };
}

function decode(buf: Buffer, descr: Descr, count: number, out: Float64Array, outOffset: number): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const le = descr.littleEndian;
  for (let i = 0; i < count; i++) {
    if (descr.dtype === 'float64') out[outOffset + i] = view.getFloat64(8 * i, le);
    else if (descr.dtype === 'float32') out[outOffset + i] = view.getFloat32(4 * i, le);
    else out[outOffset + i] = buf[i];
  }
}

/**
 * Reads a .npy file (format versions 1–3; float64, float32 or uint8, either byte order; C or Fortran
 * order) into float64 values in C order. With `rows`, only the header and the first `rows` entries of
 * the first axis are read: one contiguous read for C order, one read per column for a 2-D Fortran array
 * (Fortran arrays of 3 or more dimensions are read whole). Errors (`E_DATA`): missing file, bad magic or
 * header, unsupported dtype, truncated data, NaN/Inf values, more rows asked for than the file holds.
 */
export async function readNpy(path: string, options: ReadNpyOptions = {}): Promise<NpyArray> {
  checkSampleCount(options.rows, 'rows');
  const { size } = await statPath(path, '.npy');
  const handle = await openFile(path, '.npy');
  try {
    const head = await readExact(handle, 0, Math.min(size, 65536 + 12), path, '.npy header');
    const header = parseHeader(path, head);
    const { shape, descr, fortranOrder, dataOffset } = header;
    const total = shape.reduce((a, b) => a * b, 1);
    if (dataOffset + total * descr.bytes > size) {
      throw new SpecError(
        'E_DATA',
        `${path}: truncated .npy data: shape [${shape.join(', ')}] needs ${total * descr.bytes} bytes after the header, the file has ${size - dataOffset}`,
      );
    }
    let rows = shape.length === 0 ? 1 : shape[0];
    if (options.rows !== undefined) {
      if (shape.length === 0) throw new SpecError('E_INPUT', `${path}: rows given for a 0-dimensional .npy array`);
      checkAvailable(options.rows, 0, shape[0], `.npy file ${path}`);
      rows = options.rows;
    }
    const rest = shape.slice(1).reduce((a, b) => a * b, 1);
    const outShape = shape.length === 0 ? [] : [rows, ...shape.slice(1)];
    const out = new Float64Array(rows * rest);
    if (!fortranOrder || shape.length <= 1) {
      const buf = await readExact(handle, dataOffset, rows * rest * descr.bytes, path, '.npy data');
      decode(buf, descr, rows * rest, out, 0);
    } else if (shape.length === 2) {
      // Column j of a Fortran array is contiguous: read its first `rows` entries and scatter them.
      const col = new Float64Array(rows);
      for (let j = 0; j < rest; j++) {
        const buf = await readExact(
          handle,
          dataOffset + j * shape[0] * descr.bytes,
          rows * descr.bytes,
          path,
          '.npy data',
        );
        decode(buf, descr, rows, col, 0);
        for (let i = 0; i < rows; i++) out[i * rest + j] = col[i];
      }
    } else {
      const all = new Float64Array(total);
      decode(await readExact(handle, dataOffset, total * descr.bytes, path, '.npy data'), descr, total, all, 0);
      fortranToC(all, shape, rows, out);
    }
    for (let k = 0; k < out.length; k++) {
      if (!Number.isFinite(out[k])) {
        throw new SpecError(
          'E_DATA',
          `${path}: non-finite value (${out[k]}) at flat index ${k} (C order); clean the data (np.nan_to_num) or drop the sample`,
        );
      }
    }
    return { data: out, shape: outShape, dtype: descr.dtype, fortranOrder, fileShape: shape };
  } finally {
    await handle.close();
  }
}

/**
 * Opens a 2-D .npy array of n samples × d features as a {@link SampleTable}. C order is read by
 * positioned reads of the rows needed; a Fortran-order file is read whole. `E_DATA` for a bad header, an
 * unsupported dtype, truncated data, a shape that is not 2-D, and (when read) NaN/Inf values.
 */
export async function openNpy(path: string): Promise<SampleTable> {
  const { size } = await statPath(path, '.npy');
  const handle = await openFile(path, '.npy');
  let header: NpyHeader;
  try {
    header = parseHeader(path, await readExact(handle, 0, Math.min(size, 65536 + 12), path, '.npy header'));
  } finally {
    await handle.close();
  }
  const { shape, descr, fortranOrder, dataOffset } = header;
  if (shape.length !== 2) {
    throw new SpecError(
      'E_DATA',
      `${path}: expected a 2-D array of n samples × d features, got shape [${shape.join(', ')}]`,
    );
  }
  const [n, d] = shape;
  if (dataOffset + n * d * descr.bytes > size) {
    throw new SpecError(
      'E_DATA',
      `${path}: truncated .npy data: shape [${shape.join(', ')}] needs ${n * d * descr.bytes} bytes after the header, the file has ${size - dataOffset}`,
    );
  }
  if (fortranOrder) {
    const a = await readNpy(path);
    return memoryTable({ source: path, rows: a.data, count: n, d });
  }
  return recordTable({
    source: path,
    layout: { segments: [{ path, offset: dataOffset, count: n }], recordBytes: d * descr.bytes, what: '.npy' },
    d,
    decode(rec, i, out, offset, stride) {
      const row = new Float64Array(d);
      decode(rec, descr, d, row, 0);
      for (let p = 0; p < d; p++) {
        if (!Number.isFinite(row[p])) {
          throw new SpecError(
            'E_DATA',
            `${path}: non-finite value (${row[p]}) in row ${i}, column ${p}; clean the data (np.nan_to_num) or drop the sample`,
          );
        }
        out[offset + p * stride] = row[p];
      }
    },
  });
}

/** Copies the entries with first index < rows of a Fortran-ordered array into C order. */
function fortranToC(src: Float64Array, shape: number[], rows: number, out: Float64Array): void {
  const nd = shape.length;
  const outShape = [rows, ...shape.slice(1)];
  const stride = new Array<number>(nd); // Fortran strides of the full array
  stride[0] = 1;
  for (let a = 1; a < nd; a++) stride[a] = stride[a - 1] * shape[a - 1];
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < out.length; k++) {
    let off = 0;
    for (let a = 0; a < nd; a++) off += idx[a] * stride[a];
    out[k] = src[off];
    for (let a = nd - 1; a >= 0; a--) {
      if (++idx[a] < outShape[a]) break;
      idx[a] = 0;
    }
  }
}

/**
 * Encodes an array as a .npy file (format 1.0, C order, little-endian): float64 `'<f8'`, float32
 * `'<f4'` or uint8 `'|u1'` by the array type. The header is padded with spaces and ends in a newline
 * so that the data starts at a multiple of 64 bytes, as numpy writes it. `E_SHAPE` when
 * `data.length` is not the product of `shape`.
 */
export function encodeNpy(data: Float64Array | Float32Array | Uint8Array, shape: ReadonlyArray<number>): Uint8Array {
  for (const s of shape) {
    if (!Number.isSafeInteger(s) || s < 0)
      throw new SpecError('E_SHAPE', `.npy shape entries must be non-negative integers, got [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new SpecError('E_SHAPE', `.npy shape [${shape.join(', ')}] needs ${count} values, got ${data.length}`);
  const descr = data instanceof Float64Array ? '<f8' : data instanceof Float32Array ? '<f4' : '|u1';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (dict.length > 65535) throw new SpecError('E_SHAPE', `.npy header too long for format 1.0 (${dict.length} bytes)`);
  const out = new Uint8Array(10 + dict.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  const base = 10 + dict.length;
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(base + 8 * i, data[i], true);
  else if (data instanceof Float32Array)
    for (let i = 0; i < data.length; i++) view.setFloat32(base + 4 * i, data[i], true);
  else out.set(data, base);
  return out;
}

/** Writes {@link encodeNpy}`(data, shape)` to `path` (`E_DATA` naming the path when it cannot be written). */
export async function writeNpy(
  path: string,
  data: Float64Array | Float32Array | Uint8Array,
  shape: ReadonlyArray<number>,
): Promise<void> {
  const bytes = encodeNpy(data, shape);
  try {
    await writeFile(path, bytes);
  } catch (e) {
    throw fileError(path, '.npy', e);
  }
}

/**
 * The shape of the array in a .npy file, from its header alone (nothing else is read). `E_DATA` for a missing file or
 * a bad header.
 */
export async function readNpyShape(path: string): Promise<number[]> {
  const { size } = await statPath(path, '.npy');
  const handle = await openFile(path, '.npy');
  try {
    return parseHeader(path, await readExact(handle, 0, Math.min(size, 65536 + 12), path, '.npy header')).shape;
  } finally {
    await handle.close();
  }
}
