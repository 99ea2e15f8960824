import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@spec/core';
import { expectSpecErrorAsync } from '@spec/testing';
import { describe, expect, it } from 'vitest';
import { circleData } from '../src/circle.js';
import { loadDigits } from '../src/digits.js';
import { encodeNpy } from '../src/npy.js';
import { loadShapedData } from '../src/shaped-data.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
const rng = createRng(3);

describe('loadShapedData', () => {
  it('keeps the shape of a rank-4 .npy array and takes its first n samples', async () => {
    const shape = [5, 3, 2, 4];
    const values = Float64Array.from({ length: 5 * 3 * 2 * 4 }, (_, i) => Math.sin(i));
    const path = join(dir, 'images.npy');
    writeFileSync(path, encodeNpy(values, shape));
    const all = await loadShapedData({ kind: 'npy', path }, { n: 100, rng });
    expect(all.shape).toEqual(shape);
    expect(Array.from(all.data)).toEqual(Array.from(values));
    expect(all.notes).toEqual([]);
    const first = await loadShapedData({ kind: 'npy', path }, { n: 2, rng });
    expect(first.shape).toEqual([2, 3, 2, 4]);
    expect(Array.from(first.data)).toEqual(Array.from(values.subarray(0, 2 * 24)));
    expect(first.notes).toHaveLength(1);
    const reshaped = await loadShapedData({ kind: 'npy', path }, { n: 2, rng, sampleShape: [6, 4] });
    expect(reshaped.shape).toEqual([2, 6, 4]);
  });

  it('refuses a rank-1 file and a --shape of the wrong size', async () => {
    const path = join(dir, 'vector.npy');
    writeFileSync(path, encodeNpy(new Float64Array(4), [4]));
    await expectSpecErrorAsync(() => loadShapedData({ kind: 'npy', path }, { n: 4, rng }), 'E_DATA', /rank ≥ 2/);
    await expectSpecErrorAsync(
      () => loadShapedData({ kind: 'digits' }, { n: 3, rng, sampleShape: [8, 9] }),
      'E_INPUT',
      /72 entries per sample.*have 64/,
    );
    await expectSpecErrorAsync(() => loadShapedData({ kind: 'sphere' }, { n: 3, rng }), 'E_INPUT', /\.npy/);
  });

  it('gives the digits as (n, 8, 8, 1) images, pixel by pixel the columns of loadDigits, or flat', async () => {
    const images = await loadShapedData({ kind: 'digits' }, { n: 4, rng });
    expect(images.shape).toEqual([4, 8, 8, 1]);
    const d = await loadDigits({ n: 4 });
    for (let a = 0; a < 4; a++) {
      for (let pixel = 0; pixel < 64; pixel++) expect(images.data[a * 64 + pixel]).toBe(d.X.data[pixel * 4 + a]);
    }
    const flat = await loadShapedData({ kind: 'digits' }, { n: 4, rng, flatten: true });
    expect(flat.shape).toEqual([4, 64]);
    expect(flat.data).toEqual(images.data);
  });

  it('draws gaussian data of a given sample shape with N(0, 1) entries', async () => {
    const g = await loadShapedData({ kind: 'gaussian' }, { n: 50, rng, sampleShape: [8, 8, 3] });
    expect(g.shape).toEqual([50, 8, 8, 3]);
    // Mean of 9600 squared N(0, 1) draws: 1 ± √(2/9600) ≈ 0.0144; 5 standard errors.
    const ms = g.data.reduce((s, x) => s + x * x, 0) / g.data.length;
    expect(Math.abs(ms - 1)).toBeLessThan(5 * Math.sqrt(2 / g.data.length));
    expect((await loadShapedData({ kind: 'gaussian' }, { n: 3, rng, d0: 7 })).shape).toEqual([3, 7]);
  });
});

describe('circleData', () => {
  it('puts inputs of norm √size on a circle: ⟨x(0), x(θ)⟩ / size = cos θ', () => {
    const c = circleData({ sampleShape: [4, 4, 2], points: 7, rng });
    expect(c.shape).toEqual([7, 4, 4, 2]);
    const size = 32;
    const dot = (a: number, b: number): number => {
      let s = 0;
      for (let i = 0; i < size; i++) s += c.data[a * size + i] * c.data[b * size + i];
      return s / size;
    };
    for (let k = 0; k < 7; k++) {
      expect(c.angles[k]).toBeCloseTo((Math.PI * k) / 6, 14);
      expect(dot(k, k)).toBeCloseTo(1, 12);
      expect(dot(0, k)).toBeCloseTo(Math.cos(c.angles[k]), 12);
    }
  });
});
