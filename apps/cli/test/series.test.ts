import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneErrorLine, run } from './helpers.js';

describe('spec series', () => {
  it('relu depth 1, degree 8: κ = (1/π, 1, 3/(2π), 0, 5/(24π)), S² eigenvalues (1e-9) (apps/docs/theory/reference-values.md#power-series, #sphere-eigenvalues)', async () => {
    const r = await run('series', '--activation', 'relu', '--depth', '1', '--degree', '8', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      nngp: number[];
      ntk: number[];
      sphereEigenvalues: number[];
      decayExponent: number | null;
    };
    expect(doc.nngp).toHaveLength(9);
    expect(doc.ntk).toHaveLength(9);
    [1 / Math.PI, 1, 3 / (2 * Math.PI), 0, 5 / (24 * Math.PI)].forEach((v, p) =>
      expect(Math.abs(doc.ntk[p] - v)).toBeLessThan(1e-9),
    );
    [1 / 2, 1 / 3, 5 / 64, 0, 1 / 192, 0, 23 / 16384].forEach((v, k) =>
      expect(Math.abs(doc.sphereEigenvalues[k] - v)).toBeLessThan(1e-9),
    );
  });

  it('--sphere-dim 5 gives apps/docs/theory/reference-values.md#sphere-eigenvalues d = 5 values; --out writes the figures', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spec-series-')), 'out');
    const r = await run('series', '--degree', '6', '--sphere-dim', '5', '--out', dir, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { sphereEigenvalues: number[] };
    [27 / 64, 1 / 5, 1 / 32, 0, 17 / 16384, 0, 27 / 163840].forEach((v, k) =>
      expect(Math.abs(doc.sphereEigenvalues[k] - v)).toBeLessThan(1e-9),
    );
    expect(existsSync(join(dir, 'coefficients.svg'))).toBe(true);
    expect(existsSync(join(dir, 'sphere-eigenvalues.svg'))).toBe(true);
  });

  it('--help lists every flag; bad input exits 2 with one error line', async () => {
    const h = await run('series', '--help');
    for (const flag of [
      '--activation',
      '--normalized',
      '--depth',
      '--degree',
      '--sphere-dim',
      '--sigma-w2',
      '--sigma-b2',
      '--sigma-w2-in',
      '--hermite-degree',
    ])
      expect(h.stdout).toContain(flag);
    for (const argv of [
      ['--activation', 'nope'],
      ['--degree', '-2'],
      ['--sphere-dim', '1'],
      ['--sigma-w2-in', '0'],
    ]) {
      const r = await run('series', ...argv, '--json');
      expect(r.code).toBe(2);
      expectOneErrorLine(r);
    }
  });
});
