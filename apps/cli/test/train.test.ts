import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneErrorLine, run } from './helpers.js';

// Small sizes keep this file fast; the behaviours themselves are tested in packages/nets/test/train.
const SMALL = ['--n', '80', '--d0', '40', '--widths', '60', '--steps', '20', '--checkpoints', '3', '--test-n', '20'];

interface Rec {
  step: number;
  loss: number;
  testLoss: number | null;
  weights: {
    ksToInit: number;
    w1ToInit: number;
    relChange: number;
    outliers: number[];
    teacherAlignment: number | null;
    alpha?: number;
    alphaNote?: string;
  }[];
  ck: {
    ksToInit: number;
    outliers: number[];
    labelAlignment: number;
    rightEdge: number;
    edgeSource: string;
    topEigenvalue: number;
  };
  ntk: { relChange: number; rightEdge: number; edgeSource: string; topEigenvalue: number };
  kernelGd: { rmseInf: number | null; rmseEmp: number } | null;
}

describe('spec train', () => {
  it('prints one JSON document with a record per checkpoint (gd: kernel GD included)', async () => {
    const r = await run('train', ...SMALL, '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { command: string; checkpoints: Rec[] };
    expect(doc.command).toBe('train');
    expect(doc.checkpoints.map((c) => c.step)).toEqual([0, 1, 20]); // log-spaced: 0, then 20^{k/1} for k = 0, 1;
    for (const c of doc.checkpoints) {
      expect(c.weights).toHaveLength(1);
      expect(typeof c.weights[0].ksToInit).toBe('number');
      expect(typeof c.weights[0].teacherAlignment).toBe('number');
      // a tail exponent, or (too few eigenvalues at this size) the reason there is none — never null
      expect(typeof c.weights[0].alpha === 'number' || typeof c.weights[0].alphaNote === 'string').toBe(true);
      expect(typeof c.ck.labelAlignment).toBe('number');
      expect(typeof c.ntk.relChange).toBe('number');
      expect(typeof c.kernelGd!.rmseEmp).toBe('number');
      expect(typeof c.testLoss).toBe('number');
    }
    expect(doc.checkpoints[2].loss).toBeLessThan(doc.checkpoints[0].loss);
  });

  it('streams JSON Lines with --jsonl; adam reports kernelGd null', async () => {
    const r = await run('train', ...SMALL, '--optimizer', 'adam', '--lr', '0.01', '--jsonl');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec & { kernelGdNote: string });
    expect(lines).toHaveLength(3);
    expect(lines[0].kernelGd).toBeUndefined();
    expect(lines[0].kernelGdNote).toMatch(/gd/);
  });

  it('rejects bad input with one error line and exit 2', async () => {
    for (const args of [
      ['--lr', '-1'],
      ['--optimizer', 'rmsprop'],
      ['--optimizer', 'gd', '--batch', '10'],
    ]) {
      const r = await run('train', ...SMALL, ...args);
      expect(r.code).toBe(2);
      expectOneErrorLine(r);
    }
  });

  it('a diverging run is one error line suggesting a smaller --lr, exit 2 (divergence comes from the chosen lr)', async () => {
    const r = await run(
      'train',
      ...SMALL,
      '--train-readout',
      '--lr',
      '1e6',
      '--steps',
      '300',
      '--kernel',
      'ck',
      '--no-kernel-gd',
    );
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toMatch(/training diverged at step \d+.*smaller --lr/);
  });

  it('kernel outliers use the step-0 limit edges (edgeSource limit), or the step-0 λ_max with --raw-activation', async () => {
    const lim = JSON.parse((await run('train', ...SMALL, '--steps', '0', '--no-kernel-gd', '--json')).stdout) as {
      kernelEdges: Record<string, { edge: number; edgeSource: string }>;
      checkpoints: Rec[];
    };
    expect(lim.kernelEdges.ck.edgeSource).toBe('limit');
    expect(lim.kernelEdges.ntk.edgeSource).toBe('limit');
    const c0 = lim.checkpoints[0];
    expect(c0.ck.edgeSource).toBe('limit');
    expect(c0.ck.rightEdge).toBe(lim.kernelEdges.ck.edge);
    // A limit edge is not the sample's own λ_max (that would make it a tautology at step 0).
    expect(c0.ck.rightEdge).not.toBe(c0.ck.topEigenvalue);
    const raw = JSON.parse(
      (await run('train', ...SMALL, '--steps', '0', '--no-kernel-gd', '--raw-activation', '--json')).stdout,
    ) as { kernelEdges: Record<string, { edgeSource: string }>; checkpoints: Rec[] };
    expect(raw.kernelEdges.ntk.edgeSource).toBe('step0-max');
    expect(raw.checkpoints[0].ntk.rightEdge).toBe(raw.checkpoints[0].ntk.topEigenvalue);
  });

  it('--out writes train.json and five SVG figures (spectra at ≤ 4 checkpoints); a second run needs --force', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spec-train-')), 'out');
    const args = ['train', ...SMALL, '--checkpoints', '5', '--no-kernel-gd', '--out', dir];
    const r = await run(...args);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'train.json'), 'utf8')) as { command: string; checkpoints: Rec[] };
    expect(doc.command).toBe('train');
    expect(doc.checkpoints.map((c) => c.step)).toEqual([0, 1, 3, 7, 20]);
    for (const f of [
      'train-loss.svg',
      'train-weights.svg',
      'train-kernels.svg',
      'train-weight-spectra.svg',
      'train-ck-spectra.svg',
    ]) {
      const svg = readFileSync(join(dir, f), 'utf8');
      expect(svg, f).toMatch(/^<\?xml[^>]*>\s*<svg[^>]*>[\s\S]*<\/svg>\s*$/);
      expect(svg, f).not.toMatch(/NaN/);
      // A real figure, not a legend swatch (Plot's HTML-wrapped legends used to leave a 15 × 15 SVG).
      expect(svg.length, f).toBeGreaterThan(2000);
    }
    // Facets: the spectra figures draw step 0, the last step and two in between (of 5 checkpoints: 0, 1, 7, 20).
    const spectra = readFileSync(join(dir, 'train-weight-spectra.svg'), 'utf8');
    for (const step of [0, 1, 7, 20]) expect(spectra).toContain(`step ${step}<`);
    expect(spectra).not.toContain('step 3<');
    expect(spectra).toContain('MP law');
    expect(readFileSync(join(dir, 'train-ck-spectra.svg'), 'utf8')).toContain('Fan–Wang CK law');
    const again = await run(...args);
    expect(again.code).toBe(2);
    expect(expectOneErrorLine(again)).toMatch(/--force/);
    expect((await run(...args, '--force')).code).toBe(0);
    expect(existsSync(join(dir, 'train.json'))).toBe(true);
  });

  it('--help shows the train defaults (n 300, d0 200, widths 240), which are the values used', async () => {
    const h = await run('train', '--help');
    expect(h.stdout).toMatch(/--n <int>[^\n]*\(default: 300\)/);
    expect(h.stdout).toMatch(/--widths <list>[\s\S]*?\(default: 240\)/);
    expect(h.stdout).toMatch(/default 200/);
    expect(h.stdout).not.toMatch(/default: 1000/);
    const doc = JSON.parse(
      (await run('train', '--steps', '0', '--kernel', 'ck', '--no-kernel-gd', '--test-n', '0', '--json')).stdout,
    ) as { config: { n: number; d0: number; widths: number[] } };
    expect(doc.config).toMatchObject({ n: 300, d0: 200, widths: [240] });
  });
});
