import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeNpy, readNpy } from '@spec/data';
import { architectureKernelMatrices, type ArchitectureSpec } from '@spec/nets';
import { architectureCheckData } from '@spec/testing';
import { describe, expect, it } from 'vitest';
import { expectOneErrorLine, run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'spec-arch-'));
const examplePlugin = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/examples/plugin/index.ts');

interface MatrixDoc {
  form: string;
  route: string;
  config: { shape: number[]; n: number };
  spec: unknown;
  nngp: number[][];
  ntk: number[][];
  eigenvalues: { nngp: number[]; ntk: number[] };
}

const checkInputs = architectureCheckData;

function npyFile(name: string, data: Float64Array, shape: number[]): string {
  const path = join(dir, name);
  writeFileSync(path, encodeNpy(data, shape));
  return path;
}

async function arch(spec: unknown, ...flags: string[]): Promise<MatrixDoc> {
  const r = await run('infinite', '--arch', JSON.stringify(spec), '--json', ...flags);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as MatrixDoc;
}

function maxRelDiff(a: number[][], b: number[][]): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a.length; j++) {
      worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
      scale = Math.max(scale, Math.abs(b[i][j]));
    }
  }
  return worst / scale;
}

const cnnPool: ArchitectureSpec = [
  { layer: 'conv', filter: [3, 3], padding: 'CIRCULAR', W_std: 1.4 },
  { layer: 'relu' },
  { layer: 'avg_pool', window: [2, 2], strides: [1, 1], padding: 'SAME' },
  { layer: 'conv', filter: [3, 3], strides: [2, 2], padding: 'SAME', W_std: 1.4, b_std: 0.3 },
  { layer: 'relu' },
  { layer: 'global_avg_pool' },
  { layer: 'dense', W_std: 1.0 },
];

describe('spec infinite --arch', () => {
  it('gives the numbers of architectureKernelMatrices on an npy image set, in the JSON and in nngp.npy / ntk.npy', async () => {
    const shape = [4, 5, 5, 2];
    const data = checkInputs(shape);
    const path = npyFile('images.npy', data, shape);
    const out = join(dir, 'cnn-out');
    const doc = await arch(cnnPool, '--data', `npy:${path}`, '--out', out);
    const lib = architectureKernelMatrices({ spec: cnnPool, data, shape });
    expect(doc.form).toBe('full');
    expect(doc.config.shape).toEqual(shape);
    expect(doc.spec).toEqual(cnnPool);
    expect(doc.nngp.flat()).toEqual(Array.from(lib.nngp));
    expect(doc.ntk.flat()).toEqual(Array.from(lib.ntk));
    expect(Array.from((await readNpy(join(out, 'nngp.npy'))).data)).toEqual(Array.from(lib.nngp));
    expect(Array.from((await readNpy(join(out, 'ntk.npy'))).data)).toEqual(Array.from(lib.ntk));
    // Eigenvalues: decreasing, and their sum is the trace (a second route to the same number).
    const trace = doc.ntk.reduce((s, row, i) => s + row[i], 0);
    expect(doc.eigenvalues.ntk.reduce((s, x) => s + x, 0)).toBeCloseTo(trace, 12);
    expect(doc.eigenvalues.ntk[0]).toBeGreaterThanOrEqual(doc.eigenvalues.ntk[3]);
  });

  it('reproduces check values of the independent reference implementation (1e-9 relative)', async () => {
    // apps/docs/theory/architectures.md#check-values, rows conv2d-flatten (diagonal record) and conv1d-gap (full).
    const cases = [
      {
        shape: [3, 4, 4, 3],
        spec: [
          { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.0, b_std: 0.2 },
          { layer: 'erf' },
          { layer: 'conv', filter: [2, 2], strides: [2, 2], padding: 'VALID', W_std: 1.3 },
          { layer: 'erf' },
          { layer: 'flatten' },
          { layer: 'dense', W_std: 1.0, b_std: 0.2 },
        ],
        form: 'diagonal',
        nngp: [0.415647202, 0.243561372, 0.2526046356],
        ntk: [1.3286699892, 0.6726199554, 0.7029847908],
      },
      {
        shape: [3, 8, 3],
        spec: [
          { layer: 'conv', filter: [3], padding: 'SAME', W_std: 1.5, b_std: 0.1 },
          { layer: 'relu' },
          { layer: 'conv', filter: [3], padding: 'SAME', W_std: 1.5, b_std: 0.1 },
          { layer: 'relu' },
          { layer: 'global_avg_pool' },
          { layer: 'dense', W_std: 1.5, b_std: 0.1 },
        ],
        form: 'full',
        nngp: [1.4029310662, 0.8973891684, 0.8876483428],
        ntk: [2.8921736753, 1.4582077623, 1.430404299],
      },
    ];
    for (const c of cases) {
      const path = npyFile(`check-${c.shape.length}.npy`, checkInputs(c.shape), c.shape);
      const doc = await arch(c.spec, '--data', `npy:${path}`);
      expect(doc.form).toBe(c.form);
      // Networks of block maps only run pair by pair of samples, on the full record's blocks or the diagonal one's.
      expect(doc.route).toBe('pair-by-pair');
      const entries = (m: number[][]): number[] => [m[0][0], m[0][1], m[1][2]];
      entries(doc.nngp).forEach((v, i) => expect(Math.abs(v / c.nngp[i] - 1)).toBeLessThan(1e-9));
      entries(doc.ntk).forEach((v, i) => expect(Math.abs(v / c.ntk[i] - 1)).toBeLessThan(1e-9));
    }
  });

  it('dense → relu → dense equals the MLP kernels of `spec infinite --depth 1` with matched conventions', async () => {
    // Architecture: K¹ = W₁² ⟨x, y⟩ / d + b², K² = W₂² E relu relu + b², Θ² = K² + W₂² K¹ E relu′ relu′.
    // MLP (apps/docs/theory/infinite-width.md#mlp-recursions): Σ¹ = σ²_w,in ⟨x, y⟩ + σ_b², Σ² = σ_w² E φφ + σ_b²,
    // Θ² = Σ² + Σ¹ σ_w² E φ′φ′: the same with σ²_w,in = W₁² / d, σ_w² = W₂², σ_b² = b².
    // The MLP command centres its samples and scales them to unit norm; the data ±x₁, ±x₂, ±x₃ with ‖x_i‖ = 1 is
    // unchanged by both (its mean is exactly 0).
    const d = 5;
    const half = Float64Array.from({ length: 3 * d }, (_, i) => Math.sin(1.7 * i + 0.3) + 0.2);
    const rows: number[] = [];
    for (let a = 0; a < 3; a++) {
      const x = Array.from(half.subarray(a * d, (a + 1) * d));
      const norm = Math.hypot(...x);
      rows.push(...x.map((v) => v / norm), ...x.map((v) => -v / norm));
    }
    const path = npyFile('pm.npy', Float64Array.from(rows), [6, d]);
    const [W1, W2, b] = [1.3, 1.1, 0.4];
    const doc = await arch(
      [{ layer: 'dense', W_std: W1, b_std: b }, { layer: 'relu' }, { layer: 'dense', W_std: W2, b_std: b }],
      '--data',
      `npy:${path}`,
    );
    const mlp = await run(
      'infinite',
      '--data',
      `npy:${path}`,
      '--d0',
      String(d), // the MLP command passes its --d0 default to real data, which must then agree
      '--depth',
      '1',
      '--activation',
      'relu',
      '--sigma-w2-in',
      String((W1 * W1) / d),
      '--sigma-w2',
      String(W2 * W2),
      '--sigma-b2',
      String(b * b),
      '--json',
    );
    expect(mlp.code).toBe(0);
    const m = JSON.parse(mlp.stdout) as { nngp: number[][]; ntk: number[][] };
    // Rounding only: the unit-norm rescaling of the MLP command and different summation orders, ~1e-15.
    expect(maxRelDiff(doc.nngp, m.nngp)).toBeLessThan(1e-12);
    expect(maxRelDiff(doc.ntk, m.ntk)).toBeLessThan(1e-12);
  });

  it('a VALID conv whose filter covers the image equals a dense layer on the flattened image (--shape)', async () => {
    // conv: K'[a,b] = W²/|F| Σ_δ K⁰[a,δ,b,δ] + b² = W² ⟨x_a, x_b⟩ / (|F| C) + b² on one output position, which is the
    // dense map W² ⟨x_a, x_b⟩ / (H W C) + b² of the flattened image; flatten of one position changes nothing.
    const shape = [5, 4, 4, 3];
    const path = npyFile('cover.npy', checkInputs(shape), shape);
    const conv = await arch(
      [
        { layer: 'conv', filter: [4, 4], padding: 'VALID', W_std: 1.2, b_std: 0.3 },
        { layer: 'erf' },
        { layer: 'flatten' },
        { layer: 'dense', W_std: 0.9 },
      ],
      '--data',
      `npy:${path}`,
    );
    const dense = await arch(
      [{ layer: 'dense', W_std: 1.2, b_std: 0.3 }, { layer: 'erf' }, { layer: 'dense', W_std: 0.9 }],
      '--data',
      `npy:${path}`,
      '--shape',
      '48',
    );
    expect(dense.config.shape).toEqual([5, 48]);
    expect(maxRelDiff(conv.nngp, dense.nngp)).toBeLessThan(1e-13);
    expect(maxRelDiff(conv.ntk, dense.ntk)).toBeLessThan(1e-13);
  });

  it('on a circle, dense → relu → dense is the arc-cosine kernel of the angle', async () => {
    // x(θ) has ⟨x, x⟩ / d = 1 and ⟨x(0), x(θ)⟩ / d = cos θ, so with W₁ = W₂ = 1, b = 0 (Cho & Saul):
    // NNGP = (sin θ + (π − θ) cos θ) / 2π, NTK = NNGP + cos θ · (π − θ) / 2π.
    // Tolerance: the inputs' cosine carries rounding δ ≲ 1e−15, and near θ = π the angle θ = arccos ρ moves by √(2δ),
    // so (π − θ) / 2π is only good to √(2e−15) / 2π ≈ 7e−9 there (NNGP, whose (π − θ) is multiplied by sin θ + …,
    // keeps 1e−12); elsewhere the slope 1 / sin θ is bounded and 1e−12 holds.
    const r = await run(
      'infinite',
      '--arch',
      '[{"layer":"dense"},{"layer":"relu"},{"layer":"dense"}]',
      '--shape',
      '6',
      '--angles',
      '7',
      '--json',
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { angles: number[]; nngp: number[]; ntk: number[] };
    expect(doc.angles).toHaveLength(7);
    doc.angles.forEach((deg, k) => {
      const t = (deg * Math.PI) / 180;
      expect(t).toBeCloseTo((Math.PI * k) / 6, 12);
      const nngp = (Math.sin(t) + (Math.PI - t) * Math.cos(t)) / (2 * Math.PI);
      expect(doc.nngp[k]).toBeCloseTo(nngp, 12);
      const ntk = nngp + (Math.cos(t) * (Math.PI - t)) / (2 * Math.PI);
      expect(Math.abs(doc.ntk[k] - ntk)).toBeLessThan(k === 6 ? 1e-8 : 1e-12);
    });
  });

  it('reads the same network from a file and inline', async () => {
    const spec = [
      { layer: 'conv', filter: [3, 3], padding: 'SAME' },
      { layer: 'relu' },
      { layer: 'flatten' },
      { layer: 'dense' },
    ];
    const file = join(dir, 'cnn.json');
    writeFileSync(file, JSON.stringify(spec, null, 2));
    const fromFile = await run('infinite', '--arch', file, '--data', 'digits', '--n', '4', '--json');
    const inline = await run('infinite', '--arch', JSON.stringify(spec), '--data', 'digits', '--n', '4', '--json');
    expect(fromFile.code).toBe(0);
    const a = JSON.parse(fromFile.stdout) as MatrixDoc & { config: { arch: string } };
    const b = JSON.parse(inline.stdout) as MatrixDoc & { config: { arch: string } };
    expect(a.config.arch).toBe(file);
    expect(b.config.arch).toBe('inline');
    expect(a.nngp).toEqual(b.nngp);
    expect(a.ntk).toEqual(b.ntk);
    expect(a.config.shape).toEqual([4, 8, 8, 1]); // digits are images for a conv network …
    const mlp = await arch([{ layer: 'dense' }, { layer: 'relu' }, { layer: 'dense' }], '--data', 'digits', '--n', '4');
    expect(mlp.config.shape).toEqual([4, 64]); // … vectors for an MLP, which keeps every position …
    const attn = await arch(
      [{ layer: 'dense' }, { layer: 'attention' }, { layer: 'global_avg_pool' }, { layer: 'dense' }],
      '--data',
      'digits',
      '--n',
      '2',
    );
    expect(attn.config.shape).toEqual([2, 8, 8, 1]); // … and images again for attention over the 64 pixels
    const rnn = await arch(
      [{ layer: 'rnn', act: 'erf' }, { layer: 'last' }, { layer: 'dense' }],
      '--data',
      'digits',
      '--n',
      '3',
      '--shape',
      '8,8',
    );
    expect(rnn.config.shape).toEqual([3, 8, 8]); // rows of a digit as 8 time steps of 8 channels
  });

  it("uses the docs' example plugin layer by its kind: scaledDense is a bias-free dense layer", async () => {
    const shape = [4, 6, 2];
    const path = npyFile('seq.npy', checkInputs(shape), shape);
    const withPlugin = await run(
      '--plugin',
      examplePlugin,
      'infinite',
      '--arch',
      '[{"layer":"scaledDense","weightStd":1.3},{"layer":"relu"},{"layer":"scaledDense","weightStd":0.8},{"layer":"global_avg_pool"},{"layer":"dense"}]',
      '--data',
      `npy:${path}`,
      '--json',
    );
    expect(withPlugin.code, withPlugin.stderr).toBe(0);
    const builtin = await arch(
      [
        { layer: 'dense', W_std: 1.3 },
        { layer: 'relu' },
        { layer: 'dense', W_std: 0.8 },
        { layer: 'global_avg_pool' },
        { layer: 'dense' },
      ],
      '--data',
      `npy:${path}`,
    );
    const p = JSON.parse(withPlugin.stdout) as MatrixDoc;
    // The plugin's map brings block maps, so its network runs pair by pair like the built-in one.
    expect(p.route).toBe('pair-by-pair');
    expect(maxRelDiff(p.nngp, builtin.nngp)).toBeLessThan(1e-14);
    expect(maxRelDiff(p.ntk, builtin.ntk)).toBeLessThan(1e-14);
    // Without pooling the record is diagonal: the plugin's diagonal block maps keep it pair by pair too.
    const flat = await run(
      '--plugin',
      examplePlugin,
      'infinite',
      '--arch',
      '[{"layer":"scaledDense","weightStd":1.3},{"layer":"relu"},{"layer":"flatten"},{"layer":"dense"}]',
      '--data',
      `npy:${path}`,
      '--json',
    );
    expect(flat.code, flat.stderr).toBe(0);
    const f = JSON.parse(flat.stdout) as MatrixDoc;
    expect([f.form, f.route]).toEqual(['diagonal', 'pair-by-pair']);
    const builtinFlat = await arch(
      [{ layer: 'dense', W_std: 1.3 }, { layer: 'relu' }, { layer: 'flatten' }, { layer: 'dense' }],
      '--data',
      `npy:${path}`,
    );
    expect(maxRelDiff(f.ntk, builtinFlat.ntk)).toBeLessThan(1e-14);
    const bad = await run(
      '--plugin',
      examplePlugin,
      'infinite',
      '--arch',
      '[{"layer":"dense"},{"layer":"scaledDense","weightStd":-1},{"layer":"dense"}]',
      '--data',
      `npy:${path}`,
    );
    expect(bad.code).toBe(2);
    expect(expectOneErrorLine(bad)).toMatch(/layer 2 \(scaledDense\).*weightStd/);
  });

  it('refuses bad input with one error line, exit 2, naming the 1-based layer', async () => {
    const images = npyFile('bad.npy', checkInputs([3, 4, 4, 2]), [3, 4, 4, 2]);
    const data = ['--data', `npy:${images}`];
    const cases: Array<[string, string[], RegExp]> = [
      [
        'unknown kind',
        ['[{"layer":"dense"},{"layer":"convolution"},{"layer":"dense"}]', ...data],
        /layer 2 \(convolution\): unknown layer kind/,
      ],
      [
        'missing parameter',
        ['[{"layer":"conv"},{"layer":"flatten"},{"layer":"dense"}]', ...data],
        /layer 1 \(conv\).*"filter" is required/,
      ],
      [
        'invalid parameter',
        ['[{"layer":"conv","filter":[2,2],"padding":"FULL"},{"layer":"flatten"},{"layer":"dense"}]', ...data],
        /layer 1 \(conv\).*padding/,
      ],
      [
        'unknown parameter',
        ['[{"layer":"dense","W":1},{"layer":"flatten"},{"layer":"dense"}]', ...data],
        /layer 1 \(dense\).*unknown parameter "W"/,
      ],
      [
        'spatial output, no readout',
        ['[{"layer":"conv","filter":[2,2]},{"layer":"relu"},{"layer":"dense"}]', ...data],
        /layer 3 \(dense\).*spatial record/,
      ],
      [
        'no dense readout',
        ['[{"layer":"conv","filter":[2,2]},{"layer":"relu"},{"layer":"global_avg_pool"}]', ...data],
        /layer 3 \(global_avg_pool\).*dense readout/,
      ],
      [
        'data rank does not fit',
        [
          '[{"layer":"conv","filter":[3,3]},{"layer":"relu"},{"layer":"flatten"},{"layer":"dense"}]',
          '--data',
          'gaussian',
          '--n',
          '3',
          '--d0',
          '8',
        ],
        /layer 1 \(conv\)/,
      ],
      [
        'no closed form: max_pool',
        [
          '[{"layer":"conv","filter":[2,2]},{"layer":"max_pool","window":[2,2]},{"layer":"flatten"},{"layer":"dense"}]',
          ...data,
        ],
        /layer 2 \(max_pool\).*no infinite-width kernel map/,
      ],
      [
        'no closed form: softmax attention with 1/√d',
        ['[{"layer":"dense"},{"layer":"attention","mode":"sqrt"},{"layer":"flatten"},{"layer":"dense"}]', ...data],
        /layer 2 \(attention\)/,
      ],
      [
        'in a residual branch',
        [
          '[{"layer":"conv","filter":[2,2]},{"layer":"residual","branch":[{"layer":"relu"},{"layer":"pool"}]},{"layer":"flatten"},{"layer":"dense"}]',
          ...data,
        ],
        /layer 2, branch layer 2 \(pool\)/,
      ],
      [
        'a record that does not fit (2000 images of 32 × 32: n²L² = 4e12 floats), refused before it is allocated',
        [
          '[{"layer":"conv","filter":[3,3]},{"layer":"relu"},{"layer":"global_avg_pool"},{"layer":"dense"}]',
          '--data',
          'gaussian',
          '--n',
          '2000',
          '--shape',
          '32,32,3',
        ],
        /full spatial kernel record/,
      ],
      ['not JSON', ['[{"layer":"dense"', ...data], /not valid JSON/],
      ['not a list', [join(dir, 'object.json'), ...data], /expected a JSON list/],
      ['no such file', [join(dir, 'missing.json'), ...data], /no such file/],
      ['an MLP flag', ['[{"layer":"dense"}]', ...data, '--depth', '3'], /--depth sets the MLP kernels/],
      ['no --shape on a circle', ['[{"layer":"dense"}]'], /--shape/],
      ['a source without shapes', ['[{"layer":"dense"}]', '--data', 'sphere'], /npy/],
    ];
    writeFileSync(join(dir, 'object.json'), '{"layer": "dense"}');
    for (const [what, args, pattern] of cases) {
      const r = await run('infinite', '--arch', ...args);
      expect(r.code, what).toBe(2);
      expect(expectOneErrorLine(r), what).toMatch(pattern);
    }
    const shapeAlone = await run('infinite', '--shape', '8,8');
    expect(shapeAlone.code).toBe(2);
    expect(expectOneErrorLine(shapeAlone)).toMatch(/--shape applies to --arch only/);
  });
});
