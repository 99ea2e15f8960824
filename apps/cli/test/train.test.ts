import { describe, expect, it } from 'vitest';
import { expectOneErrorLine, run } from './helpers.js';

// Small sizes keep this file fast; the behaviours themselves are tested in packages/nets/test/train.
const SMALL = ['--n', '80', '--d0', '40', '--widths', '60', '--steps', '20', '--checkpoints', '3', '--test-n', '20'];

interface Rec {
  step: number;
  loss: number;
  testLoss: number | null;
  weights: { ksToInit: number; w1ToInit: number; relChange: number; outliers: number[]; teacherAlignment: number | null; alpha: number | null }[];
  ck: { ksToInit: number; outliers: number[]; labelAlignment: number };
  ntk: { relChange: number };
  kernelGd: { rmseInf: number | null; rmseEmp: number } | null;
}

describe('spec train', () => {
  it('prints one JSON document with a record per checkpoint (gd: kernel GD included)', async () => {
    const r = await run('train', ...SMALL, '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { command: string; checkpoints: Rec[] };
    expect(doc.command).toBe('train');
    expect(doc.checkpoints.map((c) => c.step)).toEqual([0, 1, 20]) // log-spaced: 0, then 20^{k/1} for k = 0, 1;
    for (const c of doc.checkpoints) {
      expect(c.weights).toHaveLength(1);
      expect(typeof c.weights[0].ksToInit).toBe('number');
      expect(typeof c.weights[0].teacherAlignment).toBe('number');
      expect(c.weights[0]).toHaveProperty('alpha');
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
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Rec & { kernelGdNote: string });
    expect(lines).toHaveLength(3);
    expect(lines[0].kernelGd).toBeNull();
    expect(lines[0].kernelGdNote).toMatch(/gd/);
  });

  it('rejects bad input with one error line and exit 2', async () => {
    for (const args of [['--lr', '-1'], ['--optimizer', 'rmsprop'], ['--optimizer', 'gd', '--batch', '10']]) {
      const r = await run('train', ...SMALL, ...args);
      expect(r.code).toBe(2);
      expectOneErrorLine(r);
    }
  });

  it('a diverging run is a clear error suggesting a smaller --lr', async () => {
    const r = await run('train', ...SMALL, '--train-readout', '--lr', '1e6', '--steps', '300', '--kernel', 'ck', '--no-kernel-gd');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/smaller learning rate/);
  });
});
