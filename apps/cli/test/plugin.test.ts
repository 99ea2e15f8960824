import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registry } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { expectOneErrorLine, run } from './helpers.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/cosine-plugin.mjs');

describe('--plugin', () => {
  it('loads a user activation and runs the theory with its Gaussian constants', async () => {
    const r = await run(
      '--plugin',
      fixture,
      'limit',
      '--activation',
      'cos',
      '--n',
      '400',
      '--d0',
      '300',
      '--widths',
      '500',
      '--kernel',
      'ck',
      '--points',
      '200',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { constants: { b: number; a: number } };
    // Normalised cos: E cos ξ = e^{-1/2}, Var cos ξ = (1 + e^{-2})/2 − e^{-1}; E (cos)' = −E sin ξ = 0 (odd),
    // so b = 0 exactly and a = E sin² ξ / Var = ((1 − e^{-2})/2) / Var (closed forms of Gaussian moments).
    const v = (1 + Math.exp(-2)) / 2 - Math.exp(-1);
    expect(Math.abs(doc.constants.b)).toBeLessThan(1e-10);
    expect(doc.constants.a).toBeCloseTo((1 - Math.exp(-2)) / 2 / v, 8);
  });

  it('runs a network with the plugin activation (same powers as a built-in)', async () => {
    const r = await run(
      'spectrum',
      '--plugin',
      fixture,
      '--activation',
      'cos',
      '--n',
      '150',
      '--d0',
      '100',
      '--widths',
      '200',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { kernels: { ck: { eigenvalues: number[]; ks: number } } };
    expect(doc.kernels.ck.eigenvalues).toHaveLength(150);
    // b = 0: the CK limit is a pure MP law (apps/docs/theory/fan-wang.md#ck-limit); KS at n = 150 of a correct law is ≲
    // 1.5/√n ≈ 0.12.
    expect(doc.kernels.ck.ks).toBeLessThan(0.12);
  });

  it('rejects a missing plugin file with one error line', async () => {
    const r = await run('--plugin', '/no/such/plugin.mjs', 'limit');
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toContain('/no/such/plugin.mjs');
  });

  it('rejects a plugin that redefines a built-in name', async () => {
    const r = await run('--plugin', join(dirname(fixture), 'tanh-clash-plugin.mjs'), 'limit');
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toContain('already registered');
  });
  it('registers the plugin with its module, so the architecture kernels on two threads use it (same numbers as one)', async () => {
    const arch = JSON.stringify([
      { layer: 'conv', filter: [3, 3], padding: 'SAME' },
      { layer: 'cos' },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ]);
    const kernels = async (threads: string): Promise<{ nngp: number[][]; ntk: number[][] }> => {
      const before = process.env.SPEC_CPU_THREADS;
      process.env.SPEC_CPU_THREADS = threads;
      try {
        // 40 images of 8 × 8: 780 pairs × 3 maps of 64² positions, above the threshold for worker threads.
        const r = await run('infinite', '--plugin', fixture, '--arch', arch, '--data', 'digits', '--n', '40', '--json');
        expect(r.code).toBe(0);
        return JSON.parse(r.stdout) as { nngp: number[][]; ntk: number[][] };
      } finally {
        if (before === undefined) delete process.env.SPEC_CPU_THREADS;
        else process.env.SPEC_CPU_THREADS = before;
      }
    };
    const one = await kernels('1');
    const two = await kernels('2');
    expect(registry.registered().find((p) => p.plugin.name === 'cosine-test')?.module).toBe(
      pathToFileURL(fixture).href,
    );
    expect(two.nngp).toEqual(one.nngp);
    expect(two.ntk).toEqual(one.ntk);
    expect(one.ntk[0][0]).toBeGreaterThan(0);
  }, 60_000);
});
