import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneErrorLine, run } from './helpers.js';

interface KernelRec {
  ksToInit: number;
  w1ToInit: number;
  relChange: number;
  rightEdge: number;
  edgeSource: string;
  outliers: number[];
  topEigenvalue: number;
  labelAlignment: number;
  relativeFrobeniusToInfinite?: number;
}
interface Checkpoint {
  step: number;
  loss: number;
  testLoss?: number;
  kernelGd?: { rmse: number; testRmse?: number };
  ck?: KernelRec;
  ntk?: KernelRec;
}
interface TrainDoc {
  command: string;
  config: {
    width: number;
    n: number;
    testN: number;
    shape: number[];
    optimizer: string;
    batch: number;
    monitors: string;
  };
  parameters: number;
  kernelEdges?: { ck?: { edge: number; edgeSource: string }; ntk?: { edge: number; edgeSource: string } };
  checkpoints: Checkpoint[];
}
interface SpectrumKernel {
  eigenvalues: number[];
  infinite: { eigenvalues: number[] };
  relativeFrobenius: number;
}

const CNN = JSON.stringify([
  { layer: 'conv', filter: [3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
  { layer: 'relu' },
  { layer: 'global_avg_pool' },
  { layer: 'dense', W_std: 1.2, b_std: 0.1 },
]);

async function train(...flags: string[]): Promise<TrainDoc> {
  const r = await run('train', '--json', ...flags);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as TrainDoc;
}

describe('spec train --arch', () => {
  it('a model linear in its parameters trains exactly as kernel GD with its NTK (two algorithms, one trajectory)', async () => {
    // f(x) = (W_std/√d) w·x + b_std b: its empirical NTK is the infinite-width one and does not move, so gradient
    // descent in parameter space and the kernel recursion in function space must agree to rounding.
    const doc = await train('--arch', '[{"layer":"dense","W_std":1.2,"b_std":0.3}]', '--n', '12', '--d0', '5');
    expect(doc.command).toBe('train');
    expect(doc.parameters).toBe(6);
    expect(doc.config.shape).toEqual([18, 5]);
    expect(doc.checkpoints.at(-1)?.step).toBe(20);
    for (const c of doc.checkpoints) {
      expect(c.kernelGd).toBeDefined();
      expect(c.kernelGd?.rmse).toBeLessThan(1e-12);
      expect(c.kernelGd?.testRmse).toBeLessThan(1e-12);
      // Its CK (the input Gram) and NTK are fixed matrices: the same bits at every step, and the infinite-width ones.
      for (const m of [c.ck!, c.ntk!]) {
        expect(m.relChange).toBe(0);
        expect(m.ksToInit).toBe(0);
        expect(m.relativeFrobeniusToInfinite).toBeLessThan(1e-12);
      }
    }
    // Full-batch GD on a convex quadratic with a stable rate never raises the loss.
    for (let i = 1; i < doc.checkpoints.length; i++) {
      expect(doc.checkpoints[i].loss).toBeLessThanOrEqual(doc.checkpoints[i - 1].loss);
    }
  });

  it('a CNN moves away from kernel GD less at a wider width (the width^(-1/2) law, loosely)', async () => {
    const common = ['--arch', CNN, '--shape', '8,2', '--n', '10', '--steps', '10', '--lr', '1', '--seed', '3'];
    const narrow = await train(...common, '--width', '16');
    const wide = await train(...common, '--width', '1024');
    const last = (d: TrainDoc): number => d.checkpoints.at(-1)?.kernelGd?.testRmse ?? NaN;
    // 64× the width predicts 8× less; one seed's fluctuation is far below a factor 8/3.
    expect(last(wide)).toBeLessThan(last(narrow) / 3);
    expect(wide.checkpoints.at(-1)?.loss).toBeLessThan(wide.checkpoints[0].loss);
  });

  it('monitors the CK and NTK at every checkpoint with the MLP field names; step 0 is spec spectrum --arch', async () => {
    // Same seed, width and data (the first 8 gaussian samples: the data stream is drawn in order, so n + test-n
    // samples begin with the n that spec spectrum --arch draws): the same network, so the same step-0 kernels,
    // computed by the other command on its own samples, with its own infinite-width kernels.
    const common = ['--arch', CNN, '--shape', '8,2', '--width', '16', '--seed', '7'];
    const doc = await train(...common, '--n', '8', '--test-n', '4', '--steps', '6', '--checkpoints', '3');
    const r = await run('spectrum', '--json', ...common, '--n', '8');
    expect(r.code, r.stderr).toBe(0);
    const spectrum = JSON.parse(r.stdout) as { kernels: { ck: SpectrumKernel; ntk: SpectrumKernel } };
    expect(doc.config.monitors).toBe('both');
    expect(doc.kernelEdges?.ck?.edgeSource).toBe('limit');
    expect(doc.checkpoints.map((c) => c.step)).toEqual([0, 1, 6]);
    const [step0] = doc.checkpoints;
    const close = (a: number, b: number): void => expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-12);
    for (const k of ['ck', 'ntk'] as const) {
      const m = step0[k]!;
      close(m.topEigenvalue, spectrum.kernels[k].eigenvalues[0]);
      close(m.rightEdge, spectrum.kernels[k].infinite.eigenvalues[0]);
      close(m.relativeFrobeniusToInfinite!, spectrum.kernels[k].relativeFrobenius);
      expect(m.ksToInit).toBe(0);
      expect(m.relChange).toBe(0);
      expect(m.edgeSource).toBe('limit');
      expect(m.labelAlignment).toBeGreaterThanOrEqual(0);
      expect(m.labelAlignment).toBeLessThanOrEqual(1);
      for (const c of doc.checkpoints) expect(c[k]?.rightEdge).toBe(m.rightEdge);
    }
    expect(doc.checkpoints[2].ntk!.relChange).toBeGreaterThan(0);
  });

  it('--no-monitors drops the kernels; --kernel ntk keeps the NTK only; --out draws loss and kernel figures', async () => {
    const common = ['--arch', CNN, '--shape', '6,2', '--n', '6', '--width', '8', '--steps', '3'];
    const off = await train(...common, '--no-monitors');
    expect(off.config.monitors).toBe('off');
    expect(off.kernelEdges).toBeUndefined();
    expect(off.checkpoints.every((c) => c.ck === undefined && c.ntk === undefined)).toBe(true);
    const out = join(mkdtempSync(join(tmpdir(), 'spec-train-arch-')), 'run');
    const r = await run('train', ...common, '--kernel', 'ntk', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'train.json'), 'utf8')) as TrainDoc;
    expect(doc.checkpoints.every((c) => c.ck === undefined && c.ntk !== undefined)).toBe(true);
    for (const f of ['train-loss.svg', 'train-kernels.svg']) {
      const svg = readFileSync(join(out, f), 'utf8');
      expect(svg, f).toMatch(/^<\?xml[^>]*>\s*<svg[^>]*>[\s\S]*<\/svg>\s*$/);
      expect(svg, f).not.toMatch(/NaN/);
    }
    const kernels = readFileSync(join(out, 'train-kernels.svg'), 'utf8');
    expect(kernels).toContain('NTK relChange');
    expect(kernels).not.toContain('CK relChange');
  });

  it('a network with no closed-form limit (max_pool) trains and is monitored, without kernel GD, saying why', async () => {
    const r = await run(
      'train',
      '--json',
      '--arch',
      '[{"layer":"conv","filter":[3],"padding":"SAME"},{"layer":"relu"},{"layer":"max_pool","window":[2]},{"layer":"global_avg_pool"},{"layer":"dense"}]',
      '--shape',
      '8,2',
      '--n',
      '6',
      '--width',
      '8',
      '--steps',
      '3',
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as TrainDoc & { kernelGdNote: string; monitorsNote: string };
    expect(doc.kernelGdNote).toMatch(/max_pool/);
    expect(doc.monitorsNote).toMatch(/max_pool/);
    expect(doc.kernelEdges?.ntk?.edgeSource).toBe('step0-max');
    for (const c of doc.checkpoints) {
      expect(c.kernelGd).toBeUndefined();
      expect(c.ntk?.relativeFrobeniusToInfinite).toBeUndefined();
      expect(typeof c.ntk?.relChange).toBe('number');
    }
  });

  it('sgd runs minibatches and skips kernel GD; --out writes train.json', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'spec-train-arch-')), 'run');
    const r = await run(
      'train',
      '--arch',
      CNN,
      '--shape',
      '6,2',
      '--n',
      '8',
      '--width',
      '8',
      '--steps',
      '4',
      '--optimizer',
      'sgd',
      '--batch',
      '4',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'train.json'))).toBe(true);
    const doc = JSON.parse(readFileSync(join(out, 'train.json'), 'utf8')) as TrainDoc;
    expect(doc.config.batch).toBe(4);
    expect(doc.checkpoints.every((c) => c.kernelGd === undefined)).toBe(true);
    // The monitors do not need kernel GD: they are there with sgd too.
    expect(doc.checkpoints.every((c) => c.ntk !== undefined && c.ck !== undefined)).toBe(true);
    // Absent, never null: a field that does not apply is left out of the JSON.
    expect(readFileSync(join(out, 'train.json'), 'utf8')).not.toContain('null');
  });

  it('refuses flags of the MLP mode and optimizers it does not have, on one line with exit 2', async () => {
    for (const flags of [
      ['--arch', CNN, '--widths', '10'],
      ['--arch', CNN, '--optimizer', 'adam'],
      ['--width', '10'],
      ['--no-monitors'],
      ['--arch', '[{"layer":"conv"'],
    ]) {
      const r = await run('train', ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expectOneErrorLine(r);
    }
  });
});
