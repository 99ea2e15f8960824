import { describe, expect, it } from 'vitest';
import { createRegistry, definePlugin, isSpecError, type SpecErrorCode } from '@spec/core';
import { builtinActivationsPlugin, type ArchitectureSpec } from '../../src/index.js';
import {
  architectureKernelMatrices,
  attentionKernelMap,
  fanInSumKernelMap,
  fanOutKernelMap,
  identityKernelMap,
  inputSpatialKernel,
  kernelMapFromSpec,
  layerNormKernelMap,
  residualKernelMap,
  activationKernelMap,
} from '../../src/kernel-maps/index.js';
import { relu } from '../../src/index.js';
import { randomData } from './helpers.js';

/** Runs f and returns the SpecError it throws (fails the test when it throws something else or nothing). */
function specError(f: () => unknown): { code: SpecErrorCode; message: string } {
  try {
    f();
  } catch (e) {
    if (isSpecError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a SpecError');
}

const seq = { data: randomData([2, 5, 3], 1), shape: [2, 5, 3] };
const img = { data: randomData([2, 4, 4, 2], 2), shape: [2, 4, 4, 2] };
const vec = { data: randomData([2, 3], 3), shape: [2, 3] };

function kernels(spec: unknown, input = seq): void {
  architectureKernelMatrices({ spec: spec as ArchitectureSpec, ...input });
}

describe('refusals and bad networks name the layer and the reason (apps/docs/theory/architectures.md#no-closed-form, #json-format)', () => {
  const cases: Array<[string, unknown, RegExp, typeof seq?]> = [
    [
      'unknown kind',
      [{ layer: 'dense' }, { layer: 'convolution' }, { layer: 'dense' }],
      /^layer 2 \(convolution\): unknown layer kind "convolution" \(known: .*conv/,
    ],
    ['entry without a kind', [{ layer: 'dense' }, { W_std: 1 }], /^layer 2: the entry has no "layer" name/],
    ['entry that is not an object', [{ layer: 'dense' }, 'relu'], /^layer 2: a layer must be an object/],
    [
      'missing filter',
      [{ layer: 'conv' }, { layer: 'flatten' }, { layer: 'dense' }],
      /^layer 1 \(conv\): conv: parameter "filter" is required/,
    ],
    [
      'invalid filter',
      [{ layer: 'conv', filter: [0] }, { layer: 'flatten' }, { layer: 'dense' }],
      /^layer 1 \(conv\): conv: filter must be a non-empty list of positive integers/,
    ],
    [
      'invalid padding',
      [{ layer: 'conv', filter: [3], padding: 'same' }, { layer: 'flatten' }, { layer: 'dense' }],
      /^layer 1 \(conv\): conv: padding must be one of "VALID", "SAME", "CIRCULAR"/,
    ],
    [
      'negative W_std',
      [{ layer: 'dense', W_std: -1 }],
      /^layer 1 \(dense\): dense: W_std must be a finite number ≥ 0/,
      vec,
    ],
    [
      'non-numeric b_std',
      [{ layer: 'dense', b_std: '0.1' }],
      /^layer 1 \(dense\): dense: b_std must be a finite number/,
      vec,
    ],
    [
      'unknown parameter',
      [{ layer: 'dense', Wstd: 2 }],
      /^layer 1 \(dense\): unknown parameter "Wstd" \(dense takes "W_std", "b_std", "width"\)/,
      vec,
    ],
    [
      'unknown activation',
      [{ layer: 'dense' }, { layer: 'act', fn: 'swoosh' }, { layer: 'dense' }],
      /^layer 2 \(act\): unknown activation "swoosh"/,
      vec,
    ],
    [
      'rnn without act',
      [{ layer: 'rnn' }, { layer: 'last' }, { layer: 'dense' }],
      /^layer 1 \(rnn\): rnn: parameter "act"/,
    ],
    [
      'max_pool',
      [{ layer: 'dense' }, { layer: 'max_pool', window: [2] }, { layer: 'flatten' }, { layer: 'dense' }],
      /^layer 2 \(max_pool\): no infinite-width kernel map for "max_pool": the expectation of a maximum/,
    ],
    [
      'batch_norm',
      [{ layer: 'dense' }, { layer: 'batch_norm' }, { layer: 'dense' }],
      /^layer 2 \(batch_norm\): no infinite-width kernel map for "batch_norm": batch normalisation couples the samples/,
      vec,
    ],
    [
      'softmax attention with 1/√d',
      [{ layer: 'dense' }, { layer: 'attention', mode: 'sqrt' }, { layer: 'flatten' }, { layer: 'dense' }],
      /^layer 2 \(attention\): attention: softmax attention with 1\/√d scaling .* no closed-form/,
    ],
    [
      'activation on raw input',
      [{ layer: 'relu' }, { layer: 'dense' }],
      /^layer 1 \(relu\): activation "relu": its input is not Gaussian/,
      vec,
    ],
    [
      'activation after an activation',
      [{ layer: 'dense' }, { layer: 'relu' }, { layer: 'erf' }, { layer: 'dense' }],
      /^layer 3 \(erf\): activation "erf": its input is not Gaussian/,
      vec,
    ],
    [
      'activation after flatten',
      [{ layer: 'conv', filter: [2] }, { layer: 'flatten' }, { layer: 'tanh' }, { layer: 'dense' }],
      /^layer 3 \(tanh\): activation "tanh": its input is not Gaussian/,
    ],
    [
      'activation inside a residual branch',
      [
        { layer: 'dense' },
        { layer: 'relu' },
        { layer: 'residual', branch: [{ layer: 'erf' }, { layer: 'dense' }] },
        { layer: 'dense' },
      ],
      /^layer 3, branch layer 1 \(erf\): activation "erf": its input is not Gaussian/,
      vec,
    ],
    [
      'two branches correlated with the input',
      [
        { layer: 'dense' },
        { layer: 'sum', branches: [[{ layer: 'identity' }], [{ layer: 'relu' }]] },
        { layer: 'dense' },
      ],
      /^layer 2 \(sum\): sum: branches 1, 2 do not end in a fresh linear layer/,
      vec,
    ],
    [
      'residual branch not ending in a fresh layer',
      [{ layer: 'dense' }, { layer: 'residual', branch: [{ layer: 'relu' }] }, { layer: 'dense' }],
      /^layer 2 \(residual\): sum: branches 1, 2 do not end/,
      vec,
    ],
    [
      'branches of different shapes',
      [
        { layer: 'sum', branches: [[{ layer: 'conv', filter: [3] }], [{ layer: 'conv', filter: [2] }]] },
        { layer: 'flatten' },
        { layer: 'dense' },
      ],
      /^layer 1 \(sum\): sum: branch 2 gives spatial shape \[4\], branch 1 gives \[3\]/,
    ],
    [
      'wrong number of weights',
      [{ layer: 'sum', branches: [[{ layer: 'dense' }]], weights: [1, 2] }],
      /^layer 1 \(sum\): sum: 2 weights for 1 branches/,
      vec,
    ],
    [
      '2-D filter on sequences',
      [{ layer: 'conv', filter: [3, 3] }, { layer: 'flatten' }, { layer: 'dense' }],
      /^layer 1 \(conv\): conv \[3, 3\] VALID: a window of 2 axes .* does not fit an input with 1 spatial axes/,
    ],
    [
      'VALID window larger than the input',
      [{ layer: 'dense' }, { layer: 'avg_pool', window: [9] }, { layer: 'flatten' }, { layer: 'dense' }],
      /^layer 2 \(avg_pool\): avg_pool \[9\] VALID: window 9 is larger than the input's axis 1 of length 5/,
    ],
    [
      'rnn on images',
      [{ layer: 'rnn', act: 'erf' }, { layer: 'last' }, { layer: 'dense' }],
      /^layer 1 \(rnn\): rnn "erf": runs over a sequence .* got 2 spatial axes/,
      img,
    ],
    [
      'spatial output with no readout',
      [{ layer: 'conv', filter: [3], padding: 'SAME' }, { layer: 'relu' }, { layer: 'dense' }],
      /^layer 3 \(dense\): the readout gets a spatial record of shape \[5\]; end the spatial part with global_avg_pool, flatten or last/,
    ],
    [
      'no dense readout',
      [{ layer: 'dense' }, { layer: 'relu' }],
      /^layer 2 \(relu\): the network must end in a one-output dense readout/,
      vec,
    ],
    ['empty network', [], /^architecture: expected a non-empty list of layers/],
  ];
  for (const [what, spec, message, input] of cases) {
    it(`${what}: E_INPUT ${message.source.slice(1, 24)}…`, () => {
      const e = specError(() => kernels(spec, input));
      expect(e.code).toBe('E_INPUT');
      expect(e.message).toMatch(message);
    });
  }

  it('layernorm with zero channel variance asks for eps > 0', () => {
    const e = specError(() =>
      architectureKernelMatrices({
        spec: [{ layer: 'layernorm' }, { layer: 'dense' }],
        data: new Float64Array([1, 1, 1, 2, 3, 4]),
        shape: [2, 3],
      }),
    );
    expect(e.code).toBe('E_INPUT');
    // Both routes run the same block map: the position from the map, the sample from the route.
    const pattern =
      /^layer 1 \(layernorm\): layernorm: the variance over channels at position 1 is 0 .*set eps > 0 \(sample 1\)$/;
    expect(e.message).toMatch(pattern);
    const record = specError(() =>
      kernelMapFromSpec([{ layer: 'layernorm' }, { layer: 'dense' }]).map(
        inputSpatialKernel(new Float64Array([1, 1, 1, 2, 3, 4]), [2, 3]),
      ),
    );
    expect(record.message).toMatch(pattern);
  });

  it('the diagonal form is refused where a layer reads pairs of positions; maps refuse a diagonal record', () => {
    const e = specError(() =>
      architectureKernelMatrices({
        spec: [{ layer: 'dense' }, { layer: 'global_avg_pool' }, { layer: 'dense' }],
        ...seq,
        form: 'diagonal',
      }),
    );
    expect(e.message).toMatch(/the diagonal record cannot be used/);
    const diag = inputSpatialKernel(seq.data, seq.shape);
    expect(specError(() => attentionKernelMap().map(diag)).message).toMatch(/needs the full spatial kernel record/);
  });

  it('data that does not fill its shape: E_SHAPE', () => {
    const e = specError(() =>
      architectureKernelMatrices({ spec: [{ layer: 'dense' }], data: new Float64Array(5), shape: [2, 3] }),
    );
    expect(e.code).toBe('E_SHAPE');
  });

  it('combinators refuse correlated branches directly (no JSON), e.g. identity + identity (whose true kernel is 4K, not 2K)', () => {
    expect(
      specError(() => fanInSumKernelMap(fanOutKernelMap([identityKernelMap(), identityKernelMap()]))).message,
    ).toMatch(/branches 1, 2 do not end in a fresh linear layer/);
    expect(specError(() => residualKernelMap(layerNormKernelMap())).code).toBe('E_INPUT');
    expect(specError(() => residualKernelMap(activationKernelMap(relu))).code).toBe('E_INPUT');
    expect(specError(() => fanOutKernelMap([])).code).toBe('E_INPUT');
  });
});

describe('plugin kernel maps by kind (Plugin.kernelMaps in the registry of @spec/core)', () => {
  it('a registered kind builds from its JSON entry; its errors carry the layer index; no map for an unregistered kind', () => {
    const reg = createRegistry();
    reg.use(builtinActivationsPlugin);
    // A plugin layer "scale": h' = s·h, so K' = s²K, Θ' = s²Θ, m' = s·m (a fixed linear map, no parameters).
    reg.use(
      definePlugin({
        name: 'scale-plugin',
        kernelMaps: [
          {
            name: 'scale',
            create(entry) {
              const s = entry.s;
              if (typeof s !== 'number') throw new Error('unreachable in this test');
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
    const spec = [{ layer: 'dense', b_std: 0.5 }, { layer: 'scale', s: 3 }, { layer: 'erf' }, { layer: 'dense' }];
    const withPlugin = architectureKernelMatrices({ spec, ...vec, registry: reg });
    // The same network with the scale folded into the dense layer: W_std = 3, b_std = 1.5.
    const folded = architectureKernelMatrices({
      spec: [{ layer: 'dense', W_std: 3, b_std: 1.5 }, { layer: 'erf' }, { layer: 'dense' }],
      ...vec,
      registry: reg,
    });
    // A plugin map without block maps sends its network through the record route.
    expect([withPlugin.route, folded.route]).toEqual(['record', 'pair-by-pair']);
    expect(withPlugin.nngp).toEqual(folded.nngp);
    // Θ too: after the first layer both have Θ = 9K⁰ + 2.25 (the input's Θ⁰ is 0), then the same layers.
    expect(withPlugin.ntk).toEqual(folded.ntk);
    expect(reg.hasKernelMap('scale')).toBe(true);
    const e = specError(() => kernelMapFromSpec([{ layer: 'dense' }, { layer: 'shift' }], { registry: reg }));
    expect(e.message).toMatch(/^layer 2 \(shift\): unknown layer kind "shift" \(known: .*scale/);
    expect(() =>
      reg.use(definePlugin({ name: 'again', kernelMaps: [{ name: 'scale', create: () => identityKernelMap() }] })),
    ).toThrow(/already registered/);
    expect(() => definePlugin({ name: 'bad', kernelMaps: [{ name: 'x' } as never] })).toThrow(/needs create\(entry\)/);
  });
});
