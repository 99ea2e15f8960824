import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { parseDataSpec } from '../src/data-spec.js';
import { loadDataset } from '../src/load-dataset.js';
import { FASHION_MNIST_DIR, openFashionMnist, openMnist } from '../src/mnist.js';
import { tempDir } from './helpers.js';
import { expectSpecErrorAsync } from '@spec/testing';

const dir = tempDir();
const rng = createRng(0);

/** An IDX uint8 images file of `count` 28 × 28 images; pixel p of image i is (7i + 3p) mod 256. */
function images(count: number): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x803, 0);
  head.writeUInt32BE(count, 4);
  head.writeUInt32BE(28, 8);
  head.writeUInt32BE(28, 12);
  const body = Buffer.alloc(count * 784);
  for (let i = 0; i < count; i++) for (let p = 0; p < 784; p++) body[i * 784 + p] = (7 * i + 3 * p) % 256;
  return Buffer.concat([head, body]);
}
/** An IDX labels file; label of item i is `label(i)`. */
function labels(count: number, label: (i: number) => number): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(0x801, 0);
  head.writeUInt32BE(count, 4);
  return Buffer.concat([head, Buffer.from(Array.from({ length: count }, (_, i) => label(i)))]);
}

// A Fashion-MNIST-shaped directory: train (40 images, class i mod 10, gzipped as Debian ships them) and
// test (12 images, class ⌊i/4⌋ ∈ {0, 1, 2}, plain files).
const fm = join(dir, 'fashion');
mkdirSync(fm);
writeFileSync(join(fm, 'train-images-idx3-ubyte.gz'), gzipSync(images(40)));
writeFileSync(join(fm, 'train-labels-idx1-ubyte.gz'), gzipSync(labels(40, (i) => i % 10)));
writeFileSync(join(fm, 't10k-images-idx3-ubyte'), images(12));
writeFileSync(
  join(fm, 't10k-labels-idx1-ubyte'),
  labels(12, (i) => Math.floor(i / 4)),
);

const raw = { method: 'none', normalize: false } as const;

describe('Fashion-MNIST from a directory of IDX files', () => {
  it('reads the train split (gz) and the test split (plain) with labels, pixels / 255', async () => {
    const train = await loadDataset(parseDataSpec(`fashion-mnist:train:${fm}`), { rng, preprocess: raw });
    expect(train).toMatchObject({ name: 'fashion-mnist', n: 40, d0: 784, available: 40, classes: 10 });
    expect(Array.from(train.labels!.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    for (const [i, p] of [
      [0, 0],
      [39, 783],
      [17, 400],
    ])
      expect(train.X.data[p * 40 + i]).toBe(((7 * i + 3 * p) % 256) / 255);
    const test = await loadDataset(parseDataSpec(`fashion-mnist:test:${fm}`), { rng, n: 5, preprocess: raw });
    expect(Array.from(test.labels!)).toEqual([0, 0, 0, 0, 1]);
    expect(test.X.data[3 * 5 + 4]).toBe(((7 * 4 + 9) % 256) / 255);
  });

  it('takes a balanced subset and one class', async () => {
    const spec = parseDataSpec(`fashion-mnist:test:${fm}`);
    const bal = await loadDataset(spec, { rng, n: 6, subset: 'balanced' });
    expect([...bal.labels!].sort()).toEqual([0, 0, 1, 1, 2, 2]);
    const one = await loadDataset(spec, { rng, classLabel: 2, subset: 'random' });
    expect(one.n).toBe(4);
    expect(Array.from(one.indices!).sort((a, b) => a - b)).toEqual([8, 9, 10, 11]);
    await expectSpecErrorAsync(
      loadDataset(spec, { rng, classLabel: 7 }),
      'E_INPUT',
      /--class 7: .*\(classes present: 0, 1, 2\)/,
    );
    await expectSpecErrorAsync(
      loadDataset(spec, { rng, classLabel: 1, n: 5 }),
      'E_INPUT',
      /--n 5 with --class 1: .*only 4/,
    );
  });

  it('says how to install the package or where to point when files are missing', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expectSpecErrorAsync(
      openFashionMnist('train', empty),
      'E_DATA',
      /Fashion-MNIST train split: no train-images-idx3-ubyte\[\.gz\] in .*empty; give the directory that holds them as fashion-mnist:train:DIR/,
    );
    const noLabels = join(dir, 'no-labels');
    mkdirSync(noLabels);
    writeFileSync(join(noLabels, 't10k-images-idx3-ubyte'), images(2));
    await expectSpecErrorAsync(openFashionMnist('test', noLabels), 'E_DATA', /no t10k-labels-idx1-ubyte/);
    if (!existsSync(FASHION_MNIST_DIR)) {
      await expectSpecErrorAsync(openFashionMnist('train'), 'E_DATA', /apt-get install dataset-fashion-mnist/);
    }
  });

  it('rejects labels of another split, a 1-D labels file given as images, and files truncated after the first images', async () => {
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    writeFileSync(join(mixed, 'train-images-idx3-ubyte'), images(5));
    writeFileSync(
      join(mixed, 'train-labels-idx1-ubyte'),
      labels(4, () => 0),
    );
    await expectSpecErrorAsync(openFashionMnist('train', mixed), 'E_DATA', /holds 4 labels but .* holds 5 images/);
    await expectSpecErrorAsync(
      openMnist(join(fm, 't10k-labels-idx1-ubyte')),
      'E_DATA',
      /1-D IDX array of 12 values \(a labels file\?\)/,
    );
    // Asking for the first 2 images still checks the whole file: plain by its size, gzip by its stream.
    const cut = join(dir, 'cut');
    mkdirSync(cut);
    writeFileSync(join(cut, 'train-images-idx3-ubyte'), images(10).subarray(0, 16 + 5 * 784));
    await expectSpecErrorAsync(
      loadDataset(parseDataSpec(`mnist:${cut}`), { rng, n: 2 }),
      'E_DATA',
      /truncated IDX data: the header promises 10 items/,
    );
    const gz = gzipSync(images(10));
    writeFileSync(join(cut, 'cut-images-idx3-ubyte.gz'), gz.subarray(0, Math.floor(gz.length * 0.8)));
    await expectSpecErrorAsync(
      loadDataset(parseDataSpec(`mnist:${join(cut, 'cut-images-idx3-ubyte.gz')}`), { rng, n: 2 }),
      'E_DATA',
      /not a valid gzip file, or is truncated/,
    );
  });
});

describe('Fashion-MNIST from the Debian package (installed by .ci/run)', () => {
  it('reads both splits: 60 000 + 10 000 images of 784 pixels, 6000 / 1000 per class, known first labels', async () => {
    if (!existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'))) {
      throw new Error(
        `Fashion-MNIST is not installed in ${FASHION_MNIST_DIR}: run \`apt-get install -y dataset-fashion-mnist\` (CI's .ci/run does)`,
      );
    }
    const train = await openFashionMnist('train');
    expect([train.count, train.d]).toEqual([60000, 784]);
    const y = (await train.labels())!;
    // Published facts of the data set (Xiao et al. 2017): balanced classes, first labels 9 0 0 3 0 2 7 2 5 5.
    expect(Array.from(y.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    for (let c = 0; c < 10; c++) expect(y.filter((v) => v === c).length).toBe(6000);
    const first = await train.take(Int32Array.of(0));
    // Pixel sum of the first training image, 76247 / 255 (read independently with Python's gzip module).
    expect(Array.from(first.data).reduce((s, v) => s + v, 0) * 255).toBeCloseTo(76247, 8);
    const test = await openFashionMnist('test');
    expect(test.count).toBe(10000);
    expect(Array.from((await test.labels())!.subarray(0, 3))).toEqual([9, 2, 1]);
  });
});
