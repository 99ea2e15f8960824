import { architectureCheckData } from '@spec/testing';
import { describe, expect, it } from 'vitest';
import {
  createRegistry,
  createRng,
  definePlugin,
  isSpecError,
  type Activations,
  type Layer,
  type SpecErrorCode,
} from '@spec/core';
import {
  architectureKernelMatrices,
  builtinActivationsPlugin,
  initSpatialNetwork,
  inputSpatialKernel,
  spatialEmpiricalKernels,
  spatialNetworkFromSpec,
  type ArchitectureSpec,
} from '../../src/index.js';
import { checkNetworkNtk } from '../spatial/network-check.js';
import { ctx, expectClose } from '../spatial/fd.js';

function specError(f: () => unknown): { code: SpecErrorCode; message: string } {
  try {
    f();
  } catch (e) {
    if (isSpecError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a SpecError');
}

/** The inputs of apps/docs/theory/architectures.md#check-values as activations (n, spatial…, C). */
function checkInputs(n: number, spatial: number[], C: number): Activations {
  return { data: architectureCheckData([n, ...spatial, C]), samples: n, spatial, channels: C };
}

const CNN: ArchitectureSpec = [
  { layer: 'conv', filter: [3], padding: 'SAME', W_std: 1.5, b_std: 0.1 },
  { layer: 'relu' },
  { layer: 'conv', filter: [3], padding: 'SAME', W_std: 1.5, b_std: 0.1 },
  { layer: 'relu' },
  { layer: 'global_avg_pool' },
  { layer: 'dense', W_std: 1.5, b_std: 0.1 },
];

describe('spatialNetworkFromSpec: the finite network of a JSON architecture (apps/docs/theory/architectures.md#finite-layers)', () => {
  it('builds a small CNN whose NTK (sum of layer shares) equals J Jᵀ from finite differences, layer by layer', () => {
    const net = spatialNetworkFromSpec(CNN, { width: 4 });
    expect(net.layers.map((l) => l.kind)).toEqual(['conv', 'act', 'conv', 'act', 'global_avg_pool', 'dense']);
    checkNetworkNtk([...net.layers], { spatial: [5], channels: 2 }, 11);
    // Hidden channels = width, readout 1 output.
    const { shapes } = initSpatialNetwork(net.layers, { spatial: [5], channels: 2 }, createRng(1));
    expect(shapes.map((s) => s.channels)).toEqual([2, 4, 4, 4, 4, 4, 1]);
  });

  it('a residual, attention and layernorm network and a 2-D CNN with flatten agree with J Jᵀ too; entry widths win', () => {
    const transformer: ArchitectureSpec = [
      { layer: 'dense', W_std: 1.0, b_std: 0.2 },
      { layer: 'relu' },
      { layer: 'residual', alpha: 0.7, branch: [{ layer: 'attention', mode: 'tied', QK_std: 1.5, n_heads: 2 }] },
      { layer: 'layernorm' },
      { layer: 'dense', W_std: 1.2, width: 5 },
      { layer: 'erf' },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ];
    const t = spatialNetworkFromSpec(transformer, { width: 3 });
    checkNetworkNtk([...t.layers], { spatial: [4], channels: 2 }, 12);
    const shapes = initSpatialNetwork(t.layers, { spatial: [4], channels: 2 }, createRng(2)).shapes;
    expect(shapes.map((s) => s.channels)).toEqual([2, 3, 3, 3, 3, 5, 5, 5, 1]);
    const cnn2d = spatialNetworkFromSpec(
      [
        { layer: 'conv', filter: [2, 2], padding: 'CIRCULAR', W_std: 1.3, b_std: 0.2 },
        { layer: 'tanh' },
        { layer: 'avg_pool', window: [2, 2], padding: 'SAME' },
        { layer: 'flatten' },
        { layer: 'dense', b_std: 0.3 },
      ],
      { width: 2 },
    );
    checkNetworkNtk([...cnn2d.layers], { spatial: [3, 3], channels: 2 }, 13);
  });

  it('the kernel-map slots compose to architectureKernelMatrices (same maps, same numbers)', () => {
    const x = checkInputs(3, [8], 3);
    const net = spatialNetworkFromSpec(CNN, { width: 8 });
    expect(net.infiniteMap).toBeDefined();
    expect(net.kernelMap!({ spatial: [8], channels: 3 })).toBe(net.infiniteMap);
    expect(net.layers.every((l) => l.kernelMap !== undefined)).toBe(true);
    const ref = architectureKernelMatrices({ spec: CNN, data: x.data, shape: [3, 8, 3] });
    const out = net.infiniteMap!.map(inputSpatialKernel(x.data, [3, 8, 3], { form: 'full' }));
    expectClose(out.nngp, ref.nngp, 1e-14, 'NNGP');
    expectClose(out.ntk, ref.ntk, 1e-14, 'NTK');
    // Independent of the maps: the check value of apps/docs/theory/architectures.md#check-values (conv1d-gap).
    expect(ref.ntk[0]).toBeCloseTo(2.8921736753, 9);
  });

  it('averaged over wide draws, the built network approaches architectureKernelMatrices on the same data', () => {
    /*
     * Monte Carlo tolerance per entry: 4 standard errors of the mean over M networks (estimated from the draws; a 4σ
     * deviation has probability < 1e-4 per entry) plus the finite-width bias of the mean, O(1/N): the Monte Carlo
     * table of apps/docs/theory/architectures.md#monte-carlo measures a mean deviation of 1.7e-2 of the largest entry
     * at N = 1024 for this CNN with 40 networks (standard error included), i.e. well within 3/N; we allow
     * 3/N · max|limit|. Empirical NNGP = readout integrated out: W_std² ⟨z_a, z_b⟩/fan-in + b_std².
     * A wrong fan-in or scale moves entries by factors like 3 or 2.25, far outside.
     */
    const N = 64;
    const M = 40;
    const x = checkInputs(3, [8], 3);
    const net = spatialNetworkFromSpec(CNN, { width: N });
    const ref = architectureKernelMatrices({ spec: CNN, data: x.data, shape: [3, 8, 3] });
    const k: number[][] = Array.from({ length: 9 }, () => []);
    const t: number[][] = Array.from({ length: 9 }, () => []);
    for (let m = 0; m < M; m++) {
      const { params } = initSpatialNetwork(net.layers, { spatial: [8], channels: 3 }, createRng(500 + m));
      const r = spatialEmpiricalKernels(net.layers, params, x, ctx.backend);
      for (let i = 0; i < 9; i++) {
        k[i].push((1.5 ** 2 * r.ck![i]) / N + 0.1 ** 2);
        t[i].push(r.ntk![i]);
      }
    }
    const bias = (3 / N) * Math.max(...ref.nngp.map(Math.abs), ...ref.ntk.map(Math.abs));
    for (const [what, draws, limit] of [
      ['NNGP', k, ref.nngp],
      ['NTK', t, ref.ntk],
    ] as const) {
      draws.forEach((v, i) => {
        const mean = v.reduce((s, u) => s + u, 0) / M;
        const se = Math.sqrt(v.reduce((s, u) => s + (u - mean) ** 2, 0) / (M - 1) / M);
        expect(Math.abs(mean - limit[i]), `${what} entry ${i}: ${mean} ± ${se} vs ${limit[i]}`).toBeLessThanOrEqual(
          4 * se + bias,
        );
      });
    }
  });

  it('an entry with no closed form leaves its slot and the network map empty but the finite layer usable', () => {
    const spec: ArchitectureSpec = [
      { layer: 'dense' },
      { layer: 'attention', mode: 'sqrt', d_head: 2 },
      { layer: 'relu' },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ];
    const net = spatialNetworkFromSpec(spec, { width: 4 });
    expect(net.infiniteMap).toBeUndefined();
    expect(net.kernelMap).toBeUndefined();
    expect(net.noKernelMap).toMatch(/softmax attention with 1\/√d/);
    expect(net.layers[1].kernelMap).toBeUndefined();
    expect(net.layers[0].kernelMap).toBeDefined();
    checkNetworkNtk([...net.layers], { spatial: [3], channels: 2 }, 14);
    // max_pool likewise: a finite layer, no kernel map; the network's NTK is still J Jᵀ.
    const pooled = spatialNetworkFromSpec(
      [
        { layer: 'conv', filter: [2], padding: 'SAME' },
        { layer: 'relu' },
        { layer: 'max_pool', window: [2], strides: [2] },
        { layer: 'flatten' },
        { layer: 'dense' },
      ],
      { width: 3 },
    );
    expect(pooled.noKernelMap).toMatch(/maximum of correlated Gaussians/);
    checkNetworkNtk([...pooled.layers], { spatial: [4], channels: 2 }, 15);
  });

  it('errors carry the 1-based layer index, also inside branches and at init time', () => {
    const cases: Array<[unknown, RegExp]> = [
      [
        [{ layer: 'dense' }, { layer: 'convolution' }, { layer: 'dense' }],
        /^layer 2 \(convolution\): unknown layer kind/,
      ],
      [[{ layer: 'conv', filter: [0] }, { layer: 'flatten' }, { layer: 'dense' }], /^layer 1 \(conv\): conv: filter/],
      [[{ layer: 'dense', Wstd: 1 }, { layer: 'dense' }], /^layer 1 \(dense\): unknown parameter "Wstd"/],
      [[{ layer: 'dense', width: 0 }, { layer: 'dense' }], /^layer 1 \(dense\): dense: width must be a positive/],
      [[{ layer: 'dense' }, { layer: 'dense', width: 3 }], /^layer 2 \(dense\): the readout has one output/],
      [[{ layer: 'dense' }, { layer: 'relu' }], /^layer 2 \(relu\): the network must end in a one-output dense/],
      [
        [{ layer: 'dense' }, { layer: 'batchnorm' }, { layer: 'flatten' }, { layer: 'dense' }],
        /^layer 2 \(batchnorm\): batch_norm has no finite layer/,
      ],
      [
        [{ layer: 'dense' }, { layer: 'max_pool', window: [0] }, { layer: 'flatten' }, { layer: 'dense' }],
        /^layer 2 \(max_pool\): max_pool: window/,
      ],
      [
        [{ layer: 'dense' }, { layer: 'max_pool', window: [2], stride: [1] }, { layer: 'flatten' }, { layer: 'dense' }],
        /^layer 2 \(max_pool\): unknown parameter "stride"/,
      ],
      [
        [{ layer: 'dense' }, { layer: 'residual', branch: [{ layer: 'relu' }, { layer: 'conv' }] }, { layer: 'dense' }],
        /^layer 2, branch layer 2 \(conv\): conv: parameter "filter" is required/,
      ],
      [
        [
          { layer: 'dense' },
          { layer: 'attention', mode: 'sqrt', foo: 1 },
          { layer: 'global_avg_pool' },
          { layer: 'dense' },
        ],
        /^layer 2 \(attention\): unknown parameter "foo"/,
      ],
      [[], /^architecture: expected a non-empty list/],
    ];
    for (const [spec, re] of cases) {
      const e = specError(() => spatialNetworkFromSpec(spec as ArchitectureSpec, { width: 3 }));
      expect(e.code).toBe('E_INPUT');
      expect(e.message).toMatch(re);
    }
    expect(specError(() => spatialNetworkFromSpec(CNN, { width: 2.5 })).message).toMatch(/width must be a positive/);
    // A 2-D filter on sequences: the layer refuses at init, and the message names the layer.
    const net = spatialNetworkFromSpec(
      [{ layer: 'dense' }, { layer: 'conv', filter: [2, 2] }, { layer: 'flatten' }, { layer: 'dense' }],
      { width: 3 },
    );
    const e = specError(() => initSpatialNetwork(net.layers, { spatial: [5], channels: 2 }, createRng(0)));
    expect(e.message).toMatch(/^layer 2 \(conv\): /);
  });

  it('plugin kinds: a finite layer registered by kind (Plugin.layers) is used, with its kernel map when given', () => {
    const reg = createRegistry();
    reg.use(builtinActivationsPlugin);
    // "scale": y = s·x, no parameters; as a finite layer it is the built-in dense with W = s·I folded out, so the
    // whole network's NTK must still equal J Jᵀ and its map must equal the network with the scale folded in.
    const scaleLayer = (s: number): Layer<null> => ({
      kind: 'scale',
      init: (inShape) => ({ params: {}, outShape: inShape }),
      apply: (_p, x) => ({ y: { ...x, data: x.data.map((v) => s * v) }, cache: null }),
      vjp: (_p, _c, gy) => ({ gx: { ...gy, data: gy.data.map((v) => s * v) }, gparams: {} }),
      ntk: () => null,
    });
    reg.use(
      definePlugin({
        name: 'scale-plugin',
        layers: [{ name: 'scale', create: (entry) => scaleLayer(entry.s as number) }],
        kernelMaps: [
          {
            name: 'scale',
            create: (entry) => {
              const s = entry.s as number;
              return {
                needsFullSpatial: false,
                map: (k) => ({
                  ...k,
                  nngp: k.nngp.map((v) => s * s * v),
                  ntk: k.ntk.map((v) => s * s * v),
                  mean: k.mean && k.mean.map((v) => s * v),
                }),
              };
            },
          },
        ],
      }),
    );
    reg.use(definePlugin({ name: 'finite-only', layers: [{ name: 'scale2', create: () => scaleLayer(2) }] }));
    const spec: ArchitectureSpec = [
      { layer: 'dense', b_std: 0.5 },
      { layer: 'scale', s: 3 },
      { layer: 'erf' },
      { layer: 'dense' },
    ];
    const net = spatialNetworkFromSpec(spec, { width: 3, registry: reg });
    expect(net.layers[1].kind).toBe('scale');
    expect(net.infiniteMap).toBeDefined();
    checkNetworkNtk([...net.layers], { spatial: [], channels: 3 }, 15);
    const x = checkInputs(3, [], 3);
    const folded = architectureKernelMatrices({
      spec: [{ layer: 'dense', W_std: 3, b_std: 1.5 }, { layer: 'erf' }, { layer: 'dense' }],
      data: x.data,
      shape: [3, 3],
      registry: reg,
    });
    const out = net.infiniteMap!.map(inputSpatialKernel(x.data, [3, 3], { form: 'diagonal' }));
    expectClose(out.ntk, folded.ntk, 1e-14, 'plugin NTK');
    const finiteOnly = spatialNetworkFromSpec([{ layer: 'dense' }, { layer: 'scale2' }, { layer: 'dense' }], {
      width: 2,
      registry: reg,
    });
    expect(finiteOnly.infiniteMap).toBeUndefined();
    expect(finiteOnly.kernelMap).toBeUndefined();
    expect(finiteOnly.noKernelMap).toMatch(/plugin kind "scale2": its plugin registers a finite layer only/);
    expect(() => definePlugin({ name: 'bad', layers: [{ name: 'x' } as never] })).toThrow(/needs create/);
    expect(reg.hasLayer('scale')).toBe(true);
    expect(reg.layers().map((l) => l.name)).toEqual(['scale', 'scale2']);
  });
});
