import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@spec/data';
import { expectOneErrorLine, run } from './helpers.js';

/** Trapezoid integral of the density plus the atoms' mass. */
function totalMass(limit: { x: number[]; density: number[]; atoms: { mass: number }[] }): number {
  let s = 0;
  for (let i = 1; i < limit.x.length; i++)
    s += 0.5 * (limit.x[i] - limit.x[i - 1]) * (limit.density[i] + limit.density[i - 1]);
  return s + limit.atoms.reduce((a, b) => a + b.mass, 0);
}

interface KernelDoc {
  eigenvalues: number[];
  mean: number;
  ks: number;
  ksScaled: number;
  limit: { x: number[]; density: number[]; atoms: { x: number; mass: number }[]; mean: number };
}

// Small sizes keep this file fast; the accuracy at n = 1500 is in bench/nets.bench.ts and apps/docs/theory/reference-values.md#how-checked.
const SMALL = ['--n', '200', '--d0', '150', '--widths', '200,250'];

describe('spec spectrum', () => {
  it('prints the JSON contract: ascending eigenvalues, limit, KS (tanh, two layers)', async () => {
    const r = await run('spectrum', ...SMALL, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      command: string;
      config: { n: number; backend: string };
      kernels: Record<string, KernelDoc>;
    };
    expect(doc.command).toBe('spectrum');
    expect(doc.config.n).toBe(200);
    expect(doc.config.backend).toBe('cpu');
    for (const k of ['ck', 'ntk']) {
      const kd = doc.kernels[k];
      expect(kd.eigenvalues).toHaveLength(200);
      for (let i = 1; i < 200; i++) expect(kd.eigenvalues[i]).toBeGreaterThanOrEqual(kd.eigenvalues[i - 1]);
      // Contract: density integrates (trapezoid) to 1 minus the atoms' mass, within 1e-3.
      expect(Math.abs(totalMass(kd.limit) - 1)).toBeLessThan(1e-3);
      // At n = 200 the KS distance of a correct limit is ~1/√n-sized (≈ 0.07); a wrong law gives ≫ 0.2.
      expect(kd.ks).toBeLessThan(0.2);
      expect(kd.ksScaled).toBeLessThan(0.2);
    }
    // Mean eigenvalue: CK → 1, NTK → 1 + a + a² (apps/docs/theory/fan-wang.md#network-and-kernels; a = 1.177807 for
    // tanh). Trace fluctuations at n = 200 are a few per cent, so 8 % is a loose but failing-when-wrong bound.
    const a = 1.177807;
    expect(Math.abs(doc.kernels.ck.mean - 1)).toBeLessThan(0.08);
    expect(Math.abs(doc.kernels.ntk.mean / (1 + a + a * a) - 1)).toBeLessThan(0.08);
  });

  it('is reproducible under --seed and changes with it', async () => {
    const a = JSON.parse(
      (await run('spectrum', ...SMALL, '--kernel', 'ck', '--no-limit', '--json', '--seed', '3')).stdout,
    );
    const b = JSON.parse(
      (await run('spectrum', ...SMALL, '--kernel', 'ck', '--no-limit', '--json', '--seed', '3')).stdout,
    );
    const c = JSON.parse(
      (await run('spectrum', ...SMALL, '--kernel', 'ck', '--no-limit', '--json', '--seed', '4')).stdout,
    );
    expect(a.kernels.ck.eigenvalues).toEqual(b.kernels.ck.eigenvalues);
    expect(a.kernels.ck.eigenvalues).not.toEqual(c.kernels.ck.eigenvalues);
    expect(a.kernels.ck.limit).toBeUndefined();
  });

  it('writes JSON, .npy and SVG with --out, and refuses to overwrite without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-cli-'));
    const r = await run('spectrum', ...SMALL, '--out', dir);
    expect(r.code).toBe(0);
    for (const f of ['spectrum.json', 'ck-eigenvalues.npy', 'ntk-eigenvalues.npy', 'ck.svg', 'ntk.svg'])
      expect(existsSync(join(dir, f))).toBe(true);
    const doc = JSON.parse(readFileSync(join(dir, 'spectrum.json'), 'utf8')) as { kernels: Record<string, KernelDoc> };
    const npy = await readNpy(join(dir, 'ntk-eigenvalues.npy'));
    expect(npy.shape).toEqual([200]);
    expect(Array.from(npy.data)).toEqual(doc.kernels.ntk.eigenvalues);
    const svg = readFileSync(join(dir, 'ck.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('eigenvalue');
    const again = await run('spectrum', ...SMALL, '--out', dir);
    expect(again.code).toBe(2);
    expect(expectOneErrorLine(again)).toContain('--force');
    expect((await run('spectrum', ...SMALL, '--out', dir, '--force')).code).toBe(0);
  });

  it('runs on the embedded digits with the data spectrum as μ0', async () => {
    const r = await run('spectrum', '--data', 'digits', '--n', '300', '--widths', '300', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.config.d0).toBe(64);
    expect(doc.config.inputModel).toBe('data');
    expect(doc.config.limit).toBe('both'); // the default on real data
    expect(Object.keys(doc.kernels.ck.limits).sort()).toEqual(['exact-kernel', 'fan-wang']);
    expect(doc.kernels.ck.eigenvalues).toHaveLength(300);
    expect(Math.abs(totalMass(doc.kernels.ck.limit) - 1)).toBeLessThan(1e-3);
  });

  it('--limit chooses the limit laws, and the JSON says which each KS is against', async () => {
    const small = ['--n', '150', '--d0', '120', '--widths', '150', '--kernel', 'ck', '--json'];
    for (const [flag, names] of [
      [[], ['fan-wang']],
      [['--limit', 'fan-wang'], ['fan-wang']],
      [['--limit', 'exact-kernel'], ['exact-kernel']],
      [
        ['--limit', 'both'],
        ['fan-wang', 'exact-kernel'],
      ],
    ] as const) {
      const r = await run('spectrum', ...small, ...flag);
      expect(r.code).toBe(0);
      const ck = JSON.parse(r.stdout).kernels.ck;
      expect(Object.keys(ck.limits).sort()).toEqual([...names].sort());
      expect(ck.limitName).toBe(names[0]);
      expect(ck.ks).toBe(ck.limits[names[0]].ks);
      // n = 150 Gaussian data: either limit is within the ~1/√n-sized KS of a correct law (a wrong one gives ≫ 0.2)
      for (const name of names) expect(ck.limits[name].ks).toBeLessThan(0.2);
    }
    const none = JSON.parse((await run('spectrum', ...small, '--no-limit')).stdout);
    expect(none.kernels.ck.limits).toBeUndefined();
    expect(none.config.limit).toBe('none');
  });

  it.each([
    [['--limit', 'exact'], '--limit'],
    [['--n', '-5'], '--n'],
    [['--n', '0'], '--n'],
    [['--widths', '100,abc'], '--widths'],
    [['--activation', 'nope'], 'nope'],
    [['--kernel', 'both2'], '--kernel'],
    [['--data', 'npy:/does/not/exist.npy'], 'exist.npy'],
    [['--data', 'parquet:x'], 'parquet'],
    [['--raw-activation', '--activation', 'relu', ...SMALL], 'normalised'],
    [['--backend', 'quantum', ...SMALL], 'quantum'],
  ])('rejects bad input %j with exit 2 and one error line', async (args, fragment) => {
    const r = await run('spectrum', ...args);
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toContain(fragment);
    expect(r.stdout).toBe('');
  });

  it('rejects a data file with NaN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-cli-'));
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, '1,2,3\n4,NaN,6\n7,8,9\n');
    const r = await run('spectrum', '--data', `csv:${csv}`, '--n', '3', '--widths', '4');
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toContain('bad.csv');
  });
});

describe('spec limit', () => {
  it('gives densities that integrate to 1 with the atoms, and the CK atom 1 − d/n', async () => {
    const r = await run(
      'limit',
      '--n',
      '1200',
      '--d0',
      '600',
      '--widths',
      '800,600',
      '--activation',
      'relu',
      '--points',
      '400',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      command: string;
      kernels: Record<string, { limit: KernelDoc['limit']; eigenvalues?: unknown; ks?: unknown }>;
    };
    expect(doc.command).toBe('limit');
    for (const k of ['ck', 'ntk']) {
      const lim = doc.kernels[k].limit;
      expect(doc.kernels[k].eigenvalues).toBeUndefined();
      expect(doc.kernels[k].ks).toBeUndefined();
      expect(Math.abs(totalMass(lim) - 1)).toBeLessThan(1e-3);
      expect(lim.density.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
    // CK of the last layer has rank ≤ d_L = 600 < n = 1200: atom 1 − 600/1200 = 0.5 at 0
    // (apps/docs/theory/fan-wang.md#ck-limit).
    const atoms = doc.kernels.ck.limit.atoms;
    expect(atoms).toHaveLength(1);
    expect(atoms[0].x).toBe(0);
    expect(atoms[0].mass).toBeCloseTo(0.5, 12);
    // CK mean is 1 at every layer (apps/docs/theory/fan-wang.md#ck-limit); 1e-3 covers the trapezoid error of the grid.
    expect(Math.abs(doc.kernels.ck.limit.mean - 1)).toBeLessThan(1e-3);
  });

  it('documents its flags in --help', async () => {
    const r = await run('limit', '--help');
    expect(r.code).toBe(0);
    for (const f of ['--n', '--d0', '--widths', '--activation', '--raw-activation', '--kernel', '--data', '--points'])
      expect(r.stdout).toContain(f);
  });

  it('--method slq: density with error bars, quantiles and KS from the SLQ CDF', async () => {
    const r = await run('spectrum', ...SMALL, '--method', 'slq', '--slq-probes', '12', '--slq-steps', '30', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      config: { method: string };
      kernels: Record<
        string,
        {
          method: string;
          quantiles: number[];
          density: { x: number[]; density: number[] };
          densityStderr: number[];
          ks: number;
          slq: { cdfError: number };
          mean: number;
        }
      >;
    };
    expect(doc.config.method).toBe('slq');
    for (const k of ['ck', 'ntk']) {
      const kd = doc.kernels[k];
      expect(kd.method).toBe('slq');
      expect(kd.quantiles).toHaveLength(200);
      expect(kd.density.x.length).toBe(kd.density.density.length);
      expect(kd.densityStderr.length).toBe(kd.density.x.length);
      expect(kd.densityStderr.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      // The dense KS at n = 200 is < 0.2 (test above); the SLQ CDF adds at most its reported error.
      expect(kd.ks).toBeLessThan(0.2 + kd.slq.cdfError);
    }
    // The SLQ mean is the exact trace / n: CK → 1 within the n = 200 trace fluctuation (8 %, as above).
    expect(Math.abs(doc.kernels.ck.mean - 1)).toBeLessThan(0.08);
  });

  it('--slq-ntk tiled applies the NTK without forming it: same mean and nearly the same quantiles as stored', async () => {
    const args = [...SMALL, '--kernel', 'ntk', '--method', 'slq', '--slq-probes', '6', '--slq-steps', '20', '--json'];
    type Doc = { kernels: { ntk: { quantiles: number[]; mean: number; slq: { tiled: boolean } } } };
    const stored = JSON.parse((await run('spectrum', ...args, '--slq-ntk', 'stored')).stdout) as Doc;
    const tiled = JSON.parse((await run('spectrum', ...args, '--slq-ntk', 'tiled')).stdout) as Doc;
    expect(stored.kernels.ntk.slq.tiled).toBe(false);
    expect(tiled.kernels.ntk.slq.tiled).toBe(true);
    // The same operator up to rounding (nets' tiled-ntk.test.ts bounds it): equal means, quantiles to 1e-6 of the top.
    expect(Math.abs(tiled.kernels.ntk.mean - stored.kernels.ntk.mean)).toBeLessThan(1e-9 * stored.kernels.ntk.mean);
    const top = Math.max(...stored.kernels.ntk.quantiles);
    stored.kernels.ntk.quantiles.forEach((q, i) =>
      expect(Math.abs(q - tiled.kernels.ntk.quantiles[i])).toBeLessThan(1e-6 * top),
    );
  });

  it('stops with E_MEMORY before allocating a dense run that cannot fit, and suggests --method slq', async () => {
    const r = await run(
      'spectrum',
      '--n',
      '100000',
      '--d0',
      '10',
      '--widths',
      '10',
      '--method',
      'dense',
      '--kernel',
      'both',
      '--no-limit',
      '--json',
    );
    expect(r.code).not.toBe(0);
    const line = expectOneErrorLine(r);
    expect(line).toMatch(/would need about .* GiB/);
    expect(line).toContain('--method slq');
  });
});
