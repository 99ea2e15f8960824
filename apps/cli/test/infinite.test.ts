import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@spec/data';
import { expectOneErrorLine, run } from './helpers.js';

describe('spec infinite', () => {
  it('relu depth 2 at cos 0.5 → NTK 1.3514795611, NNGP 0.6839056509 (1e-9) (apps/docs/theory/reference-values.md#relu-ntk)', async () => {
    const r = await run('infinite', '--activation', 'relu', '--depth', '2', '--cos', '0.5', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      nngp: number;
      ntk: number;
      config: { sigmaW2: number };
      byDepth: { depth: number; ntk: number }[];
    };
    expect(Math.abs(doc.ntk - 1.3514795611)).toBeLessThan(1e-9);
    expect(Math.abs(doc.nngp - 0.6839056509)).toBeLessThan(1e-9);
    expect(doc.config.sigmaW2).toBeCloseTo(2, 12); // 1/E relu² by quadrature: rounding only
    expect(Math.abs(doc.byDepth[0].ntk - 0.9423311144)).toBeLessThan(1e-9);
  });

  it('byDepth comes from one pass and ends at the requested depth; tanh (tabulated dual) keeps the unit diagonal', async () => {
    const r = await run('infinite', '--activation', 'tanh', '--depth', '40', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      nngp: number;
      ntk: number;
      diagonal: { nngp: number };
      byDepth: { depth: number; nngp: number; ntk: number }[];
    };
    expect(doc.byDepth.map((b) => b.depth)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(doc.byDepth[39].ntk).toBe(doc.ntk);
    expect(doc.byDepth[39].nngp).toBe(doc.nngp);
    // σ_w² = 1/E tanh(ξ)² makes q = 1 the variance fixed point: the diagonal stays 1 through 40 layers, to the
    // accuracy of the 1-D second moment (~1e-14 per layer).
    expect(Math.abs(doc.diagonal.nngp - 1)).toBeLessThan(1e-12);
  });

  it('--data digits (real data, its own d0 = 64, centred and scaled to unit norm): tanh kernels with unit diagonal', async () => {
    const r = await run('infinite', '--activation', 'tanh', '--data', 'digits', '--n', '40', '--depth', '2', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { config: { d0: number }; nngp: number[][] };
    expect(doc.config.d0).toBe(64);
    // Unit-norm inputs and σ_w² = 1/E tanh²: every layer keeps Σ(x, x) = 1 (1-D second moments, ~1e-14 each).
    for (let i = 0; i < 40; i++) expect(Math.abs(doc.nngp[i][i] - 1)).toBeLessThan(1e-12);
  });

  it('--data with --out writes n × n .npy matrices and the figure', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spec-inf-')), 'out');
    const r = await run(
      'infinite',
      '--data',
      'sphere',
      '--n',
      '12',
      '--d0',
      '3',
      '--depth',
      '1',
      '--out',
      dir,
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ntk: number[][] };
    expect(doc.ntk).toHaveLength(12);
    // Unit-norm sphere data: the relu depth-1 NTK diagonal is L + 1 = 2.
    expect(Math.abs(doc.ntk[3][3] - 2)).toBeLessThan(1e-9);
    const npy = await readNpy(join(dir, 'ntk.npy'));
    expect(npy.shape).toEqual([12, 12]);
    expect(existsSync(join(dir, 'kernel-angle.svg'))).toBe(true);
  });

  it('--compare-width reports the empirical NTK error', async () => {
    const r = await run('infinite', '--depth', '1', '--compare-width', '256', '--nets', '4', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { compare: { ntkRelativeError: { mean: number } } };
    // Width 256: relative error ~ 1/√256 scale (≈ 0.1), certainly below 0.5.
    expect(doc.compare.ntkRelativeError.mean).toBeLessThan(0.5);
  });

  it('--help lists every flag; bad input exits 2 with one error line', async () => {
    const h = await run('infinite', '--help');
    for (const flag of [
      '--activation',
      '--normalized',
      '--depth',
      '--cos',
      '--sigma-w2',
      '--sigma-b2',
      '--sigma-w2-in',
      '--architecture',
      '--data',
      '--n',
      '--d0',
      '--tile',
      '--compare-width',
      '--nets',
    ])
      expect(h.stdout).toContain(flag);
    for (const argv of [
      ['--cos', '1.5'],
      ['--activation', 'nope'],
      ['--depth', '-1'],
      ['--compare-width', '-3'],
    ]) {
      const r = await run('infinite', ...argv, '--json');
      expect(r.code).toBe(2);
      expectOneErrorLine(r);
      expect(r.stdout).toBe('');
    }
  });
});
