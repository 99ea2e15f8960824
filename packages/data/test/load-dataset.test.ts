import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { loadDigits } from '../src/digits.js';
import { loadDataset } from '../src/load-dataset.js';
import { writeNpy } from '../src/npy.js';
import { tempDir } from './helpers.js';
import { expectSpecErrorAsync } from '@spec/testing';

const dir = tempDir();
const rng = createRng(0);

function columnStats(X: { rows: number; cols: number; data: ArrayLike<number> }): { maxMean: number; norms: number[] } {
  const { rows: d, cols: n, data } = X;
  let maxMean = 0;
  const norms = new Array<number>(n).fill(0);
  for (let p = 0; p < d; p++) {
    let m = 0;
    for (let i = 0; i < n; i++) {
      m += data[p * n + i];
      norms[i] += data[p * n + i] ** 2;
    }
    maxMean = Math.max(maxMean, Math.abs(m / n));
  }
  return { maxMean, norms: norms.map(Math.sqrt) };
}

describe('embedded digits', () => {
  it('holds 1797 samples of 64 pixels in [0, 1] with labels 0..9 (first row as in the UCI file)', async () => {
    const { X, labels } = await loadDigits();
    expect(X.rows).toBe(64);
    expect(X.cols).toBe(1797);
    expect(new Set(labels).size).toBe(10);
    // First UCI test-set digit: a 0 whose first row of pixels is 0 0 5 13 9 1 0 0.
    expect(labels[0]).toBe(0);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((p) => X.data[p * 1797] * 16)).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
    expect(Math.max(...X.data)).toBe(1);
  });

  it('loads through loadDataset centred and unit-norm by default', async () => {
    const ds = await loadDataset({ kind: 'digits' }, { rng, n: 300 });
    expect(ds).toMatchObject({ name: 'digits', n: 300, d0: 64, classes: 10 });
    const { norms } = columnStats(ds.X);
    for (const s of norms) expect(s).toBeCloseTo(1, 12);
    // Centring comes before normalising, so the mean is not exactly 0 afterwards; check on the centred data.
    const centred = await loadDataset({ kind: 'digits' }, { rng, n: 300, preprocess: { normalize: false } });
    expect(columnStats(centred.X).maxMean).toBeLessThan(1e-13);
  });

  it('rejects a d0 that disagrees with the data; more samples than exist takes all of them with a note', async () => {
    await expectSpecErrorAsync(
      loadDataset({ kind: 'digits' }, { rng, d0: 800 }),
      'E_INPUT',
      /--d0 800 disagrees with digits.*d0 = 64/,
    );
    const all = await loadDataset({ kind: 'digits' }, { rng, n: 5000 });
    expect([all.n, all.available]).toEqual([1797, 1797]);
    expect(all.notes).toEqual(['digits holds 1797 samples, fewer than the 5000 asked for: using all 1797']);
    expect((await loadDataset({ kind: 'digits' }, { rng })).n).toBe(1797); // default cap 2000 > 1797: no note
  });
});

describe('loadDataset', () => {
  it('draws seeded synthetic data with the documented defaults', async () => {
    const a = await loadDataset({ kind: 'gaussian' }, { rng: createRng(3), n: 20, d0: 10 });
    const b = await loadDataset({ kind: 'gaussian' }, { rng: createRng(3), n: 20, d0: 10 });
    expect(a.X.data).toEqual(b.X.data);
    const s = await loadDataset({ kind: 'sphere' }, { rng, n: 5 });
    expect(s.d0).toBe(800);
    const m = await loadDataset({ kind: 'mixture' }, { rng, n: 30, d0: 4, classes: 3 });
    expect(m.classes).toBe(3);
    expect(m.labels!.length).toBe(30);
    const def = await loadDataset({ kind: 'gaussian' }, { rng });
    expect([def.n, def.d0]).toEqual([1000, 800]);
  });

  it('reads npy (n × d file → d × n) and CSV with integer labels', async () => {
    const npy = join(dir, 'x.npy');
    await writeNpy(npy, Float64Array.from([1, 2, 3, 4, 5, 7]), [3, 2]);
    const a = await loadDataset({ kind: 'npy', path: npy }, { rng, preprocess: { method: 'none', normalize: false } });
    expect([a.d0, a.n]).toEqual([2, 3]);
    expect(Array.from(a.X.data)).toEqual([1, 3, 5, 2, 4, 7]);
    const csv = join(dir, 'x.csv');
    writeFileSync(csv, 'f1,f2,y\n1,2,0\n3,5,1\n0,4,1\n');
    const c = await loadDataset({ kind: 'csv', path: csv }, { rng, labelColumn: 'y' });
    expect(c).toMatchObject({ n: 3, d0: 2, classes: 2 });
    expect(Array.from(c.labels!)).toEqual([0, 1, 1]);
    const t = join(dir, 't.csv');
    writeFileSync(t, '1,2,0.5\n3,5,1.5\n');
    expect(Array.from((await loadDataset({ kind: 'csv', path: t }, { rng, labelColumn: -1 })).targets!)).toEqual([
      0.5, 1.5,
    ]);
  });

  it('finds MNIST images and labels in a directory, and CIFAR-10 grayscale', async () => {
    const mn = join(dir, 'mnist');
    mkdirSync(mn);
    const img = Buffer.alloc(16 + 3 * 4);
    img.writeUInt32BE(0x803, 0);
    img.writeUInt32BE(3, 4);
    img.writeUInt32BE(2, 8);
    img.writeUInt32BE(2, 12);
    for (let k = 0; k < 12; k++) img[16 + k] = k * 20;
    writeFileSync(join(mn, 'train-images-idx3-ubyte'), img);
    writeFileSync(join(mn, 'train-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 3, 4, 5, 6]));
    const m = await loadDataset({ kind: 'mnist', path: mn }, { rng, n: 2 });
    expect(m).toMatchObject({ n: 2, d0: 4 });
    expect(Array.from(m.labels!)).toEqual([4, 5]);
    const cif = join(dir, 'one.bin');
    const rec = Buffer.alloc(2 * 3073);
    for (let k = 0; k < rec.length; k++) rec[k] = (k * 31) % 256;
    rec[0] = 1;
    rec[3073] = 2;
    writeFileSync(cif, rec);
    const c = await loadDataset({ kind: 'cifar10', path: cif }, { rng, preprocess: { grayscale: true } });
    expect(c).toMatchObject({ n: 2, d0: 1024 });
    expect(Array.from(c.labels!)).toEqual([1, 2]);
    const one = await loadDataset(
      { kind: 'cifar10', path: cif },
      { rng, classLabel: 2, preprocess: { method: 'none' } },
    );
    expect([one.n, ...one.indices!]).toEqual([1, 1]);
    await expectSpecErrorAsync(
      loadDataset({ kind: 'cifar10', path: cif }, { rng, d0: 3072, preprocess: { grayscale: true } }),
      'E_INPUT',
      /disagrees/,
    );
    await expectSpecErrorAsync(
      loadDataset({ kind: 'digits' }, { rng, preprocess: { grayscale: true } }),
      'E_INPUT',
      /grayscale applies to CIFAR-10/,
    );
  });

  it('reports a constant sample (zero after centring) and a missing file as E_DATA', async () => {
    const csv = join(dir, 'const.csv');
    writeFileSync(csv, '1,1\n1,1\n');
    await expectSpecErrorAsync(
      loadDataset({ kind: 'csv', path: csv }, { rng }),
      'E_DATA',
      /const\.csv: sample 0 has norm 0/,
    );
    await expectSpecErrorAsync(
      loadDataset({ kind: 'npy', path: join(dir, 'none.npy') }, { rng }),
      'E_DATA',
      /file not found: .*none\.npy/,
    );
    await expectSpecErrorAsync(
      loadDataset({ kind: 'mnist', path: dir }, { rng }),
      'E_DATA',
      /no train-images-idx3-ubyte/,
    );
  });

  it('reports a directory given as a CSV file, and a corrupt or truncated .csv.gz, as E_DATA', async () => {
    await expectSpecErrorAsync(
      loadDataset({ kind: 'csv', path: dir }, { rng }),
      'E_DATA',
      /is a directory, expected a file/,
    );
    const bad = join(dir, 'bad.csv.gz');
    writeFileSync(bad, 'this is not gzip\n');
    await expectSpecErrorAsync(
      loadDataset({ kind: 'csv', path: bad }, { rng }),
      'E_DATA',
      /bad\.csv\.gz is not a valid gzip file/,
    );
    const rows = Array.from({ length: 400 }, (_, i) => `${i},${(i * 7) % 13},${i % 5}`).join('\n');
    const gz = gzipSync(rows);
    const cut = join(dir, 'cut.csv.gz');
    writeFileSync(cut, gz.subarray(0, gz.length - 20));
    // Only 10 rows are wanted, but the whole stream is read, so the damage after them is found.
    await expectSpecErrorAsync(
      loadDataset({ kind: 'csv', path: cut }, { rng, n: 10 }),
      'E_DATA',
      /cut\.csv\.gz is not a valid gzip file, or is truncated/,
    );
  });

  it('loads data scaled by 1e−300 or 1e300 to unit-norm samples', async () => {
    for (const scale of [1e-300, 1e300]) {
      const path = join(dir, `scaled-${scale}.npy`);
      await writeNpy(path, Float64Array.from([1, 2, 3, 4, 5, 7, 0, 1, 1, 9].map((v) => v * scale)), [5, 2]);
      const ds = await loadDataset({ kind: 'npy', path }, { rng });
      for (const v of columnStats(ds.X).norms) expect(v).toBeCloseTo(1, 14);
    }
  });

  it('keeps subsets and classes to real data, and returns the indices and preprocessing of what it loaded', async () => {
    await expectSpecErrorAsync(loadDataset({ kind: 'gaussian' }, { rng, subset: 'random' }), 'E_INPUT', /drawn afresh/);
    await expectSpecErrorAsync(loadDataset({ kind: 'mixture' }, { rng, classLabel: 1 }), 'E_INPUT', /drawn afresh/);
    const g = await loadDataset(
      { kind: 'gaussian' },
      { rng, n: 30, d0: 10, preprocess: { method: 'whiten', components: 4 } },
    );
    expect([g.d0, g.n, g.preprocessing]).toEqual([4, 30, 'whiten:4']);
    const d = await loadDataset({ kind: 'digits' }, { rng: createRng(5), n: 20, subset: 'random' });
    const again = await loadDataset({ kind: 'digits' }, { rng: createRng(5), n: 20, subset: 'random' });
    expect(Array.from(d.indices!)).toEqual(Array.from(again.indices!));
    const all = await loadDigits();
    d.indices!.forEach((i, j) => expect(d.labels![j]).toBe(all.labels[i]));
    expect(d.preprocessing).toBe('center + unit norm');
  });
});
