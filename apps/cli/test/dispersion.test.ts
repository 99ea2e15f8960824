import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneErrorLine, run } from './helpers.js';

interface Row {
  depth: number;
  lambda: number;
  dispersion: number;
  stderr: number;
  theory: number;
}

describe('spec dispersion', () => {
  it('EOC rows: fields, λ = depth/width, MC within 3 SE + 10% of the apps/docs/theory/dispersion.md#depth-width-limits theory (width 100, finite-width gap ≈ 1/M)', async () => {
    const r = await run(
      'dispersion',
      '--sigma-w2',
      '2',
      '--width',
      '100',
      '--depths',
      '1,5,10,20',
      '--samples',
      '4000',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { phase: string; rows: Row[] };
    expect(doc.phase).toBe('edge-of-chaos');
    expect(doc.rows.map((x) => x.depth)).toEqual([1, 5, 10, 20]);
    for (const row of doc.rows) {
      expect(row.lambda).toBeCloseTo(row.depth / 100, 12);
      // apps/docs/theory/dispersion.md#depth-width-limits is the M → ∞ limit; at M = 100 the O(1/M) and O(L/M²)
      // corrections are a few percent.
      expect(Math.abs(row.dispersion - row.theory)).toBeLessThan(3 * row.stderr + 0.1 * row.theory);
    }
  });

  it('dispersion limits through the CLI: ordered and chaotic phases; --method full; figure with --out (apps/docs/theory/reference-values.md#dispersion)', async () => {
    const o = JSON.parse(
      (await run('dispersion', '--sigma-w2', '1', '--width', '20', '--depths', '2', '--samples', '50', '--json'))
        .stdout,
    ) as { phase: string };
    expect(o.phase).toBe('ordered');
    const dir = join(mkdtempSync(join(tmpdir(), 'spec-disp-')), 'out');
    const c = await run(
      'dispersion',
      '--sigma-w2',
      '2.5',
      '--width',
      '10',
      '--depths',
      '1,2',
      '--samples',
      '200',
      '--method',
      'full',
      '--out',
      dir,
      '--json',
    );
    expect(c.code).toBe(0);
    expect((JSON.parse(c.stdout) as { phase: string }).phase).toBe('chaotic');
    expect(existsSync(join(dir, 'dispersion.svg'))).toBe(true);
  });

  it('--help lists every flag; bad input exits 2 with one error line', async () => {
    const h = await run('dispersion', '--help');
    for (const flag of ['--sigma-w2', '--sigma-b2', '--width', '--input-dim', '--depths', '--samples', '--method'])
      expect(h.stdout).toContain(flag);
    for (const argv of [
      ['--width', '-5'],
      ['--sigma-w2', '0'],
      ['--samples', '1'],
      ['--sigma-b2', '0.5'],
    ]) {
      const r = await run('dispersion', ...argv, '--json');
      expect(r.code).toBe(2);
      expectOneErrorLine(r);
    }
  });
});
