import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, readNpy, writeNpy } from '../src/npy.js';
import { tempDir } from './helpers.js';
import { expectSpecErrorAsync } from '@spec/testing';

const dir = tempDir();

/** A .npy file written byte by byte, independent of encodeNpy (numpy's layout, format 1.0). */
function handNpy(descr: string, fortran: boolean, shape: string, body: Uint8Array, version = 1): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const pre = version === 1 ? 10 : 12;
  while ((pre + dict.length + 1) % 64 !== 0) dict += ' ';
  dict += '\n';
  const head = new Uint8Array(pre + dict.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) new DataView(head.buffer).setUint16(8, dict.length, true);
  else new DataView(head.buffer).setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) head[pre + i] = dict.charCodeAt(i);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function le64(values: number[]): Uint8Array {
  const b = new Uint8Array(8 * values.length);
  values.forEach((v, i) => new DataView(b.buffer).setFloat64(8 * i, v, true));
  return b;
}

describe('encodeNpy', () => {
  it('writes the header byte layout numpy writes (magic, version 1.0, padded dict, data at a multiple of 64)', () => {
    const bytes = encodeNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const expected = handNpy('<f8', false, '(2, 3)', le64([1, 2, 3, 4, 5, 6]));
    expect(Array.from(bytes)).toEqual(Array.from(expected));
    // numpy 1.x writes this array with a 118-byte header (total 128 bytes before the data).
    expect(new DataView(bytes.buffer).getUint16(8, true)).toBe(118);
    expect(bytes.length).toBe(128 + 48);
    expect(new TextDecoder().decode(bytes.subarray(10, 128))).toBe(
      `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }${' '.repeat(58)}\n`,
    );
  });

  it('writes 1-D shapes with a trailing comma and uint8 / float32 descriptors', () => {
    expect(Array.from(encodeNpy(Uint8Array.from([7, 8]), [2]))).toEqual(
      Array.from(handNpy('|u1', false, '(2,)', Uint8Array.from([7, 8]))),
    );
    const f32 = new Uint8Array(4);
    new DataView(f32.buffer).setFloat32(0, 0.5, true);
    expect(Array.from(encodeNpy(Float32Array.from([0.5]), [1, 1]))).toEqual(
      Array.from(handNpy('<f4', false, '(1, 1)', f32)),
    );
  });

  it('rejects a shape that does not match the data (E_SHAPE)', async () => {
    await expectSpecErrorAsync(() => encodeNpy(new Float64Array(5), [2, 3]), 'E_SHAPE', /needs 6 values, got 5/);
  });
});

describe('readNpy', () => {
  const x = Float64Array.from({ length: 12 }, (_, k) => k * 0.25 - 1);

  it.each([
    ['float64', Float64Array.from(x)],
    ['float32', Float32Array.from(x)],
    ['uint8', Uint8Array.from({ length: 12 }, (_, k) => 20 * k)],
  ] as const)('round-trips readNpy(encodeNpy(x)) for %s', async (dtype, data) => {
    const path = join(dir, `rt-${dtype}.npy`);
    await writeNpy(path, data, [4, 3]);
    const a = await readNpy(path);
    expect(a.dtype).toBe(dtype);
    expect(a.shape).toEqual([4, 3]);
    expect(a.fortranOrder).toBe(false);
    expect(Array.from(a.data)).toEqual(Array.from(data, Number)); // all values exactly representable
  });

  it('reads only the first rows of a C-order file', async () => {
    const path = join(dir, 'rows.npy');
    await writeNpy(path, x, [4, 3]);
    const a = await readNpy(path, { rows: 2 });
    expect(a.shape).toEqual([2, 3]);
    expect(a.fileShape).toEqual([4, 3]);
    expect(Array.from(a.data)).toEqual(Array.from(x.subarray(0, 6)));
  });

  it('reads Fortran order (2-D with rows, and 3-D) into C order', async () => {
    // Array A[i][j] = 10 i + j, shape (3, 2), stored column by column.
    const colMajor = [0, 10, 20, 1, 11, 21];
    const path = join(dir, 'fortran.npy');
    writeFileSync(path, handNpy('<f8', true, '(3, 2)', le64(colMajor)));
    const full = await readNpy(path);
    expect(full.fortranOrder).toBe(true);
    expect(Array.from(full.data)).toEqual([0, 1, 10, 11, 20, 21]);
    expect(Array.from((await readNpy(path, { rows: 2 })).data)).toEqual([0, 1, 10, 11]);
    // B[i][j][k] = 100 i + 10 j + k, shape (2, 2, 2), Fortran: i fastest.
    const f3: number[] = [];
    for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) f3.push(100 * i + 10 * j + k);
    const p3 = join(dir, 'fortran3.npy');
    writeFileSync(p3, handNpy('<f8', true, '(2, 2, 2)', le64(f3)));
    expect(Array.from((await readNpy(p3)).data)).toEqual([0, 1, 10, 11, 100, 101, 110, 111]);
    expect(Array.from((await readNpy(p3, { rows: 1 })).data)).toEqual([0, 1, 10, 11]);
  });

  it('reads big-endian float64 and format version 2.0', async () => {
    const be = new Uint8Array(16);
    new DataView(be.buffer).setFloat64(0, 1.5, false);
    new DataView(be.buffer).setFloat64(8, -2, false);
    const p = join(dir, 'be.npy');
    writeFileSync(p, handNpy('>f8', false, '(2,)', be, 2));
    expect(Array.from((await readNpy(p)).data)).toEqual([1.5, -2]);
  });

  it('reports bad input as E_DATA naming the file', async () => {
    await expectSpecErrorAsync(readNpy(join(dir, 'missing.npy')), 'E_DATA', /file not found/, /missing\.npy/);
    const i8 = join(dir, 'int64.npy');
    writeFileSync(i8, handNpy('<i8', false, '(1,)', new Uint8Array(8)));
    await expectSpecErrorAsync(readNpy(i8), 'E_DATA', /unsupported \.npy dtype '<i8'/, /int64\.npy/);
    const bad = join(dir, 'notnpy.npy');
    writeFileSync(bad, 'hello world, not numpy');
    await expectSpecErrorAsync(readNpy(bad), 'E_DATA', /not a \.npy file/, /notnpy/);
    const noShape = join(dir, 'noshape.npy');
    writeFileSync(
      noShape,
      handNpy('<f8', false, '(2,)', le64([1, 2])).map((b) => (b === 0x73 ? 0x74 : b)),
    ); // 'shape' → 'thape'
    await expectSpecErrorAsync(readNpy(noShape), 'E_DATA', /malformed \.npy header/);
    const short = join(dir, 'short.npy');
    writeFileSync(short, handNpy('<f8', false, '(3,)', le64([1, 2])));
    await expectSpecErrorAsync(readNpy(short), 'E_DATA', /truncated/, /short\.npy/);
    const nan = join(dir, 'nan.npy');
    await writeNpy(nan, Float64Array.from([1, Number.NaN]), [2]);
    await expectSpecErrorAsync(readNpy(nan), 'E_DATA', /non-finite/, /nan\.npy/);
    const few = join(dir, 'few.npy');
    await writeNpy(few, new Float64Array(6), [3, 2]);
    await expectSpecErrorAsync(readNpy(few, { rows: 4 }), 'E_DATA', /asked for 4 samples but it holds only 3/);
  });
});
