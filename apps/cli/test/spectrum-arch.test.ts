import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy, readNpy } from '@spec/data';
import { architectureKernelMatrices, type ArchitectureSpec } from '@spec/nets';
import { describe, expect, it } from 'vitest';
import { expectOneErrorLine, run } from './helpers.js';

const examplePlugin = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/examples/plugin/index.ts');
const dir = mkdtempSync(join(tmpdir(), 'spec-spectrum-arch-'));

interface KernelDoc {
  eigenvalues: number[];
  mean: number;
  infinite: { kernel: string; eigenvalues: number[]; mean: number };
  ks: number;
  relativeFrobenius: number;
  eigenvalueDeviation: number;
}
interface SpectrumDoc {
  comparison: string;
  config: { width: number; n: number; shape: number[] };
  normalisation: { ck: string; ntk: string };
  distances: Record<string, string>;
  limitLaws: string;
  parameters: number;
  readout: { W_std: number; b_std: number; fanIn: number };
  kernels: { ck?: KernelDoc; ntk?: KernelDoc };
}

const CNN: ArchitectureSpec = [
  { layer: 'conv', filter: [3], padding: 'SAME', W_std: 1.5, b_std: 0.1 },
  { layer: 'relu' },
  { layer: 'conv', filter: [3], padding: 'SAME', W_std: 1.5, b_std: 0.1 },
  { layer: 'relu' },
  { layer: 'global_avg_pool' },
  { layer: 'dense', W_std: 1.5, b_std: 0.1 },
];

/** Fixed sequences (n, 8, 3): x[a, p, c] = sin(1 + 0.7a + 1.3p + 2.1c) + 0.8 cos(0.9a + 0.4c + 0.3). */
function sequences(n: number): { path: string; data: Float64Array; shape: number[] } {
  const shape = [n, 8, 3];
  const data = new Float64Array(n * 24);
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < 8; p++) {
      for (let c = 0; c < 3; c++) {
        data[(a * 8 + p) * 3 + c] = Math.sin(1 + 0.7 * a + 1.3 * p + 2.1 * c) + 0.8 * Math.cos(0.9 * a + 0.4 * c + 0.3);
      }
    }
  }
  const path = join(dir, `seq-${n}.npy`);
  writeFileSync(path, encodeNpy(data, shape));
  return { path, data, shape };
}

async function spectrum(...flags: string[]): Promise<SpectrumDoc> {
  const r = await run('spectrum', '--json', ...flags);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as SpectrumDoc;
}

const sortedDesc = (a: ArrayLike<number>): number[] => Array.from(a).sort((x, y) => y - x);
const trace = (k: Float64Array, n: number): number =>
  Array.from({ length: n }, (_, i) => k[i * n + i]).reduce((s, v) => s + v, 0);

describe('spec spectrum --arch: a finite network against the infinite-width kernels of the same architecture', () => {
  it('JSON: comparison, normalisations, distances and the infinite-width eigenvalues of architectureKernelMatrices', async () => {
    const seq = sequences(10);
    const doc = await spectrum('--arch', JSON.stringify(CNN), '--width', '16', '--data', `npy:${seq.path}`);
    expect(doc.comparison).toBe('infinite-width-kernel');
    expect(doc.config).toMatchObject({ width: 16, n: 10, shape: [10, 8, 3], backend: 'cpu' });
    expect(doc.normalisation.ck).toMatch(/W_std²\/D · ⟨z_a, z_b⟩ \+ b_std²/);
    expect(Object.keys(doc.distances).sort()).toEqual(['eigenvalueDeviation', 'ks', 'relativeFrobenius']);
    expect(doc.limitLaws).toMatch(/Fan–Wang laws .* are for MLPs/);
    expect(doc.readout).toEqual({ W_std: 1.5, b_std: 0.1, fanIn: 16 });
    // Parameters: conv 3·3·16 + 16, conv 3·16·16 + 16, readout 16 + 1.
    expect(doc.parameters).toBe(3 * 3 * 16 + 16 + 3 * 16 * 16 + 16 + 16 + 1);
    const ref = architectureKernelMatrices({ spec: CNN, data: seq.data, shape: seq.shape });
    for (const [k, refK, name] of [
      ['ck', ref.nngp, 'nngp'],
      ['ntk', ref.ntk, 'ntk'],
    ] as const) {
      const c = doc.kernels[k]!;
      expect(c.infinite.kernel).toBe(name);
      expect(c.eigenvalues).toHaveLength(10);
      expect(c.eigenvalues).toEqual(sortedDesc(c.eigenvalues));
      // The trace is independent of the eigenvalue solver: Σλ∞ = tr K∞.
      expect(c.infinite.mean).toBeCloseTo(trace(refK, 10) / 10, 10);
      expect(c.infinite.eigenvalues.reduce((s, v) => s + v, 0)).toBeCloseTo(trace(refK, 10), 9);
      // Weyl: |λ̂_i − λ∞_i| ≤ ‖K̂ − K∞‖₂ ≤ ‖K̂ − K∞‖_F (an independent check of the three distances' consistency).
      let frob2 = 0;
      for (const v of refK) frob2 += v * v;
      const lambda1 = c.infinite.eigenvalues[0];
      expect(c.eigenvalueDeviation * lambda1).toBeLessThanOrEqual(c.relativeFrobenius * Math.sqrt(frob2) * (1 + 1e-9));
      expect(c.ks).toBeGreaterThanOrEqual(0);
      expect(c.ks).toBeLessThanOrEqual(1);
    }
  });

  it('the relative distance to the infinite-width kernels shrinks like N^(-1/2) from width 16 to 256', async () => {
    /*
     * The finite kernels are averages over N i.i.d. channels (plus the NTK's per-layer sums), so K̂ − K∞ = O(N^(-1/2))
     * and d(N) = ‖K̂ − K∞‖_F/‖K∞‖_F ≈ σ·ξ/√N with ξ of order 1 varying from draw to draw
     * (apps/docs/theory/architectures.md#monte-carlo: √N × median deviation is flat in N for this CNN, conv1d-gap).
     * We compare the root mean square of d over m = 8 networks (seeds 1..8, same data) at N = 16 and N = 256:
     * the law predicts a ratio √(256/16) = 4. Spread: single draws at N = 32 on this network have a coefficient of
     * variation of about 0.45 for d, so about 0.9 for d² and 0.9/√8 ≈ 0.32 for the mean of d², 0.16 for the RMS;
     * the log of the ratio of two RMS then has sd ≈ 0.23, and the band [4/2, 4·2] (±ln 2) is 3 sd wide on each side.
     * The O(1/N) corrections to the law at N = 16 are smaller than that band (the table's √N·median moves by < 10 %
     * between N = 64 and 1024). A distance that did not shrink with N (wrong scaling) gives a ratio near 1.
     */
    const seq = sequences(8);
    const rms = async (width: number): Promise<{ ck: number; ntk: number }> => {
      let ck = 0;
      let ntk = 0;
      for (let seed = 1; seed <= 8; seed++) {
        const doc = await spectrum(
          '--arch',
          JSON.stringify(CNN),
          '--width',
          String(width),
          '--data',
          `npy:${seq.path}`,
          '--seed',
          String(seed),
        );
        ck += doc.kernels.ck!.relativeFrobenius ** 2 / 8;
        ntk += doc.kernels.ntk!.relativeFrobenius ** 2 / 8;
      }
      return { ck: Math.sqrt(ck), ntk: Math.sqrt(ntk) };
    };
    const narrow = await rms(16);
    const wide = await rms(256);
    for (const k of ['ck', 'ntk'] as const) {
      const ratio = narrow[k] / wide[k];
      expect(ratio, `${k}: RMS distance ${narrow[k]} at N = 16, ${wide[k]} at N = 256`).toBeGreaterThanOrEqual(2);
      expect(ratio, `${k}: RMS distance ${narrow[k]} at N = 16, ${wide[k]} at N = 256`).toBeLessThanOrEqual(8);
    }
  }, 60_000);

  it('a plugin layer (the docs example scaledDense) is sampled, compared and trained like a built-in one', async () => {
    const seq = sequences(8);
    const withPlugin = (width: number, seed: number): Promise<SpectrumDoc> =>
      spectrum(
        '--plugin',
        examplePlugin,
        '--arch',
        '[{"layer":"conv","filter":[3],"padding":"SAME","W_std":1.5},{"layer":"relu"},{"layer":"scaledDense","weightStd":1.3},{"layer":"relu"},{"layer":"global_avg_pool"},{"layer":"dense"}]',
        '--width',
        String(width),
        '--data',
        `npy:${seq.path}`,
        '--seed',
        String(seed),
      );
    // Its infinite-width side is the built-in bias-free dense layer's (the two kernel maps are the same formula).
    const builtin = architectureKernelMatrices({
      spec: [
        { layer: 'conv', filter: [3], padding: 'SAME', W_std: 1.5 },
        { layer: 'relu' },
        { layer: 'dense', W_std: 1.3 },
        { layer: 'relu' },
        { layer: 'global_avg_pool' },
        { layer: 'dense' },
      ],
      data: seq.data,
      shape: seq.shape,
    });
    const first = await withPlugin(16, 1);
    const ntkTrace = first.kernels.ntk!.infinite.eigenvalues.reduce((s, v) => s + v, 0);
    let trace = 0;
    for (let a = 0; a < 8; a++) trace += builtin.ntk[a * 8 + a];
    expect(Math.abs(ntkTrace - trace) / trace).toBeLessThan(1e-12);
    // The finite side converges to it: RMS distance over 4 seeds at N = 16 and 576 should fall by √36 = 6; with four
    // draws per width the log of the ratio has sd ≈ 0.32 (see the test above), so [6/3, 6·3] is 3.4 sd on each side.
    const rms = async (width: number): Promise<number> => {
      let sum = 0;
      for (let seed = 1; seed <= 4; seed++) sum += (await withPlugin(width, seed)).kernels.ntk!.relativeFrobenius ** 2;
      return Math.sqrt(sum / 4);
    };
    const ratio = (await rms(16)) / (await rms(576));
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(18);
    const trained = await run(
      '--plugin',
      examplePlugin,
      'train',
      '--arch',
      '[{"layer":"scaledDense"},{"layer":"tanh"},{"layer":"global_avg_pool"},{"layer":"dense"}]',
      '--data',
      `npy:${seq.path}`,
      '--n',
      '5',
      '--test-n',
      '3',
      '--width',
      '32',
      '--steps',
      '5',
      '--json',
    );
    expect(trained.code, trained.stderr).toBe(0);
    const doc = JSON.parse(trained.stdout) as { checkpoints: { loss: number; kernelGd?: { rmse: number } }[] };
    expect(doc.checkpoints.at(-1)!.loss).toBeLessThan(doc.checkpoints[0].loss);
    expect(doc.checkpoints.at(-1)!.kernelGd!.rmse).toBeGreaterThan(0);
  }, 60_000);

  it('--backend gpujs runs the layers’ products on gpu.js: the same spectra to float32 rounding', async () => {
    // gpu.js multiplies in float32 (relative rounding ≈ 6e-8 per product; the sums over ≤ 10² terms of this small
    // network stay below 1e-5 of the top eigenvalue), so the spectra agree with the float64 CPU ones to 1e-5 but not
    // to 1e-12: that difference shows the products really ran on the other backend.
    const seq = sequences(10);
    const flags = ['--arch', JSON.stringify(CNN), '--width', '8', '--data', `npy:${seq.path}`];
    const cpu = await spectrum(...flags);
    const gpu = await spectrum(...flags, '--backend', 'gpujs');
    for (const k of ['ck', 'ntk'] as const) {
      const a = cpu.kernels[k]!.eigenvalues;
      const b = gpu.kernels[k]!.eigenvalues;
      const top = Math.max(...a.map(Math.abs));
      const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
      expect(worst, k).toBeLessThan(1e-5 * top);
      expect(worst, k).toBeGreaterThan(1e-13 * top);
    }
  });

  it('--out writes the JSON, the eigenvalues and a log-log figure of finite against infinite-width eigenvalues', async () => {
    const seq = sequences(6);
    const out = join(dir, 'out');
    const r = await run(
      'spectrum',
      '--arch',
      JSON.stringify(CNN),
      '--width',
      '8',
      '--data',
      `npy:${seq.path}`,
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Fan–Wang .* MLPs/);
    const doc = JSON.parse(readFileSync(join(out, 'spectrum.json'), 'utf8')) as SpectrumDoc;
    const ck = await readNpy(join(out, 'ck-eigenvalues.npy'));
    expect(Array.from(ck.data)).toEqual(doc.kernels.ck!.eigenvalues);
    const nngp = await readNpy(join(out, 'nngp-eigenvalues.npy'));
    expect(Array.from(nngp.data)).toEqual(doc.kernels.ck!.infinite.eigenvalues);
    const svg = readFileSync(join(out, 'eigenvalues.svg'), 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('NTK, infinite width');
  });

  it('a network with no closed-form limit (softmax attention, max_pool) gets its finite spectra alone, with the reason', async () => {
    const seq = sequences(6);
    const out = join(dir, 'no-limit');
    const r = await run(
      'spectrum',
      '--arch',
      '[{"layer":"dense"},{"layer":"attention","mode":"sqrt","d_head":4},{"layer":"max_pool","window":[2]},{"layer":"global_avg_pool"},{"layer":"dense"}]',
      '--width',
      '8',
      '--data',
      `npy:${seq.path}`,
      '--json',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      comparison: string;
      noLimit: string;
      kernels: Record<string, { eigenvalues: number[]; mean: number; infinite?: unknown }>;
    };
    expect(doc.comparison).toBe('none');
    expect(doc.noLimit).toMatch(/^layer 2 \(attention\): .*softmax attention with 1\/√d/);
    expect(r.stderr).toMatch(/finite-width spectra only/);
    for (const k of ['ck', 'ntk']) {
      expect(doc.kernels[k].eigenvalues).toHaveLength(6);
      expect(doc.kernels[k].infinite).toBeUndefined();
      const mean = doc.kernels[k].eigenvalues.reduce((a, b) => a + b, 0) / 6;
      expect(Math.abs(mean - doc.kernels[k].mean)).toBeLessThan(1e-12 * Math.abs(mean));
    }
    expect(existsSync(join(out, 'ntk-eigenvalues.npy'))).toBe(true);
    expect(existsSync(join(out, 'ntk-infinite-eigenvalues.npy'))).toBe(false);
    expect(existsSync(join(out, 'eigenvalues.svg'))).toBe(true);
  });

  it('refuses bad input with one error line and exit 2, naming the layer', async () => {
    const seq = sequences(4);
    const data = ['--data', `npy:${seq.path}`, '--width', '4'];
    const cases: Array<[string, string[], RegExp]> = [
      [
        'unknown kind',
        ['[{"layer":"dense"},{"layer":"convolution"},{"layer":"dense"}]', ...data],
        /layer 2 \(convolution\): unknown layer kind/,
      ],
      [
        'bad parameter in a branch',
        [
          '[{"layer":"conv","filter":[3]},{"layer":"residual","branch":[{"layer":"relu"},{"layer":"conv"}]},{"layer":"global_avg_pool"},{"layer":"dense"}]',
          ...data,
        ],
        /layer 2, branch layer 2 \(conv\).*"filter" is required/,
      ],
      [
        'spatial readout',
        ['[{"layer":"conv","filter":[3]},{"layer":"relu"},{"layer":"dense"}]', ...data],
        /layer 3 \(dense\).*spatial record/,
      ],
      [
        '2-D filter on sequences',
        ['[{"layer":"conv","filter":[3,3]},{"layer":"flatten"},{"layer":"dense"}]', ...data],
        /layer 1 \(conv\)/,
      ],
      ['an MLP flag', [JSON.stringify(CNN), ...data, '--widths', '10,10'], /--widths sets the MLP/],
      ['readout width', ['[{"layer":"dense"},{"layer":"dense","width":2}]', ...data], /layer 2 \(dense\).*one output/],
      [
        'a network that would not fit, refused before allocation',
        [JSON.stringify(CNN), '--data', 'gaussian', '--shape', '64,3', '--n', '20000', '--width', '100000'],
        /would need about/,
      ],
    ];
    for (const [what, [arch, ...flags], re] of cases) {
      const r = await run('spectrum', '--arch', arch, ...flags);
      expect(r.code, what).toBe(2);
      expect(expectOneErrorLine(r), what).toMatch(re);
    }
    const noArch = await run('spectrum', '--width', '10', '--n', '10');
    expect(noArch.code).toBe(2);
    expect(expectOneErrorLine(noArch)).toMatch(/--width applies to --arch only/);
  });
});
