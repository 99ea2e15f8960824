import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_RECORD_BYTES, readCifar10 } from '../src/cifar10.js';
import { tempDir } from './helpers.js';
import { expectSpecErrorAsync } from '@spec/testing';

const dir = tempDir();

/** A CIFAR-10 batch of `count` records; record r has label r mod 10 and pixel p = (r + 7p) mod 256 (R, G, B planes). */
function batch(count: number, first = 0): Buffer {
  const buf = Buffer.alloc(count * CIFAR10_RECORD_BYTES);
  for (let r = 0; r < count; r++) {
    const g = first + r;
    buf[r * CIFAR10_RECORD_BYTES] = g % 10;
    for (let p = 0; p < 3072; p++) buf[r * CIFAR10_RECORD_BYTES + 1 + p] = (g + 7 * p) % 256;
  }
  return buf;
}
const pixel = (g: number, p: number): number => ((g + 7 * p) % 256) / 255;

const cifarDir = join(dir, 'cifar-10-batches-bin');
mkdirSync(cifarDir);
writeFileSync(join(cifarDir, 'data_batch_1.bin'), batch(3, 0));
writeFileSync(join(cifarDir, 'data_batch_2.bin'), batch(2, 3));
writeFileSync(join(cifarDir, 'test_batch.bin'), batch(2, 5));
writeFileSync(join(cifarDir, 'batches.meta.txt'), 'airplane\n');

describe('readCifar10', () => {
  it('reads a directory in batch order with pixels / 255 as columns and labels', async () => {
    const c = await readCifar10(cifarDir);
    expect(c.available).toBe(7);
    expect(c.X.rows).toBe(3072);
    expect(c.X.cols).toBe(7);
    expect(Array.from(c.labels)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const [g, p] of [
      [0, 0],
      [4, 100],
      [6, 3071],
      [3, 1024],
    ])
      expect(c.X.data[p * 7 + g]).toBe(pixel(g, p));
  });

  it('takes n records from an offset across batch files', async () => {
    const c = await readCifar10(cifarDir, { n: 3, offset: 2 });
    expect(Array.from(c.labels)).toEqual([2, 3, 4]);
    expect(c.X.data[10 * 3 + 1]).toBe(pixel(3, 10));
  });

  it('reads a single batch file and converts to grayscale with luma weights', async () => {
    const c = await readCifar10(join(cifarDir, 'data_batch_2.bin'), { grayscale: true });
    expect(c.X.rows).toBe(1024);
    const g = 3;
    const p = 17;
    const want = 0.299 * pixel(g, p) + 0.587 * pixel(g, p + 1024) + 0.114 * pixel(g, p + 2048);
    expect(c.X.data[p * 2]).toBeCloseTo(want, 14); // rounding only
  });

  it('reports bad input as E_DATA naming the file', async () => {
    await expectSpecErrorAsync(readCifar10(join(dir, 'nope')), 'E_DATA', /file not found/, /nope/);
    const trunc = join(dir, 'trunc.bin');
    writeFileSync(trunc, batch(2).subarray(0, 2 * CIFAR10_RECORD_BYTES - 100));
    await expectSpecErrorAsync(readCifar10(trunc), 'E_DATA', /truncated CIFAR-10 record/, /trunc\.bin/);
    await expectSpecErrorAsync(readCifar10(cifarDir, { n: 8 }), 'E_DATA', /asked for 8 samples but it holds only 7/);
    const empty = join(dir, 'empty-dir');
    mkdirSync(empty);
    await expectSpecErrorAsync(readCifar10(empty), 'E_DATA', /no data_batch/);
    const badLabel = join(dir, 'cifar100.bin');
    const b = batch(1);
    b[0] = 42;
    writeFileSync(badLabel, b);
    await expectSpecErrorAsync(readCifar10(badLabel), 'E_DATA', /label 42/);
    await expectSpecErrorAsync(readCifar10(cifarDir, { n: 0 }), 'E_INPUT', /positive integer/);
  });
});
