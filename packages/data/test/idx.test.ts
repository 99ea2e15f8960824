import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openIdxImages, readIdx, readIdxLabels, readIdxShape } from '../src/idx.js';
import { tempDir } from './helpers.js';
import { expectSpecErrorAsync } from '@spec/testing';

const dir = tempDir();

/** An MNIST-style uint8 IDX file of `count` 4 × 3 images, image i pixel p = (5i + p) mod 256. */
function images(count: number): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x00000803, 0);
  head.writeUInt32BE(count, 4);
  head.writeUInt32BE(4, 8);
  head.writeUInt32BE(3, 12);
  const body = Buffer.alloc(count * 12);
  for (let i = 0; i < count; i++) for (let p = 0; p < 12; p++) body[i * 12 + p] = (5 * i + p) % 256;
  return Buffer.concat([head, body]);
}
function labels(count: number): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(0x00000801, 0);
  head.writeUInt32BE(count, 4);
  return Buffer.concat([head, Buffer.from(Array.from({ length: count }, (_, i) => (3 * i) % 10))]);
}

writeFileSync(join(dir, 'img.idx'), images(50));
writeFileSync(join(dir, 'img.idx.gz'), gzipSync(images(50)));
writeFileSync(join(dir, 'lab.idx'), labels(50));
writeFileSync(join(dir, 'lab.idx.gz'), gzipSync(labels(50)));

describe('readIdx', () => {
  it.each(['img.idx', 'img.idx.gz'])('reads the first n images of %s as columns scaled by 1/255', async (name) => {
    const a = await readIdx(join(dir, name), { n: 7 });
    expect(a.shape).toEqual([50, 4, 3]);
    expect(a.dtype).toBe('uint8');
    expect(a.X.rows).toBe(12);
    expect(a.X.cols).toBe(7);
    for (let i = 0; i < 7; i++)
      for (let p = 0; p < 12; p++) expect(a.X.data[p * 7 + i]).toBe(((5 * i + p) % 256) / 255);
  });

  it('reads labels (plain and gz) and the shape alone', async () => {
    const want = Array.from({ length: 50 }, (_, i) => (3 * i) % 10);
    expect(Array.from(await readIdxLabels(join(dir, 'lab.idx')))).toEqual(want);
    expect(Array.from(await readIdxLabels(join(dir, 'lab.idx.gz'), { n: 5 }))).toEqual(want.slice(0, 5));
    expect(await readIdxShape(join(dir, 'img.idx.gz'))).toEqual([50, 4, 3]);
  });

  it('reads big-endian float64 IDX', async () => {
    const buf = Buffer.alloc(8 + 16);
    buf.writeUInt32BE(0x00000e01, 0);
    buf.writeUInt32BE(2, 4);
    buf.writeDoubleBE(-1.25, 8);
    buf.writeDoubleBE(3.5, 16);
    const p = join(dir, 'f64.idx');
    writeFileSync(p, buf);
    expect(Array.from((await readIdx(p)).X.data)).toEqual([-1.25, 3.5]);
  });

  it('reports bad input as E_DATA naming the file', async () => {
    await expectSpecErrorAsync(readIdx(join(dir, 'missing.idx')), 'E_DATA', /file not found/, /missing\.idx/);
    const bad = join(dir, 'bad-magic.idx');
    const b = images(2);
    b[2] = 0x07;
    writeFileSync(bad, b);
    await expectSpecErrorAsync(readIdx(bad), 'E_DATA', /wrong IDX magic/, /bad-magic/);
    const badGz = join(dir, 'bad-magic.idx.gz');
    writeFileSync(badGz, gzipSync(Buffer.from('PK\u0003\u0004 not idx')));
    await expectSpecErrorAsync(readIdx(badGz), 'E_DATA', /wrong IDX magic/);
    const padded = join(dir, 'padded.idx');
    writeFileSync(padded, Buffer.concat([images(3), Buffer.alloc(5)]));
    await expectSpecErrorAsync(readIdx(padded, { n: 1 }), 'E_DATA', /5 bytes follow the last of the 3 items/);
    const cutGz = join(dir, 'cut.idx.gz');
    const gz = gzipSync(images(50));
    writeFileSync(cutGz, gz.subarray(0, gz.length - 8)); // the gzip trailer is lost
    await expectSpecErrorAsync(readIdx(cutGz, { n: 2 }), 'E_DATA', /not a valid gzip file, or is truncated/);
    await expectSpecErrorAsync(openIdxImages(join(dir, 'lab.idx')), 'E_DATA', /1-D IDX array of 50 values/);
    const trunc = join(dir, 'trunc.idx');
    writeFileSync(trunc, images(5).subarray(0, 16 + 40));
    await expectSpecErrorAsync(readIdx(trunc), 'E_DATA', /truncated IDX data/, /trunc\.idx/);
    await expectSpecErrorAsync(
      readIdx(join(dir, 'img.idx.gz'), { n: 51 }),
      'E_DATA',
      /asked for 51 samples but it holds only 50/,
    );
    const notGz = join(dir, 'plain.idx.gz');
    writeFileSync(notGz, images(1));
    await expectSpecErrorAsync(readIdx(notGz), 'E_DATA', /not a valid gzip/, /plain\.idx\.gz/);
    await expectSpecErrorAsync(readIdxLabels(join(dir, 'img.idx')), 'E_DATA', /must be 1-D uint8/);
    const nan = join(dir, 'nan.idx');
    const nb = Buffer.alloc(16);
    nb.writeUInt32BE(0x00000e01, 0);
    nb.writeUInt32BE(1, 4);
    nb.writeDoubleBE(Number.NaN, 8);
    writeFileSync(nan, nb.subarray(0, 16));
    await expectSpecErrorAsync(readIdx(nan), 'E_DATA', /non-finite/);
  });
});
