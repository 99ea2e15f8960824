import { describe, expect, it } from 'vitest';
import { isSpecError } from '@spec/core';
import '../../src/index.js';
import {
  architectureKernelMatrices,
  inputSpatialKernel,
  kernelMapFromSpec,
  type ArchitectureSpec,
} from '../../src/kernel-maps/index.js';
import { randomData } from './helpers.js';

const NETWORKS: Record<string, [number[], ArchitectureSpec]> = {
  'CNN-GAP 2-D (the bench network)': [
    [5, 4, 4, 3],
    [
      { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
      { layer: 'relu' },
      { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
      { layer: 'relu' },
      { layer: 'global_avg_pool' },
      { layer: 'dense', W_std: 1.4, b_std: 0.1 },
    ],
  ],
  'strided VALID conv, avg_pool, circular conv, erf and tanh (tabulated dual), identity': [
    [4, 7, 2],
    [
      { layer: 'dense', W_std: 1.2, b_std: 0.3 },
      { layer: 'erf' },
      { layer: 'conv', filter: [3], strides: [2], padding: 'VALID', W_std: 1.3, b_std: 0.2 },
      { layer: 'tanh' },
      { layer: 'identity' },
      { layer: 'avg_pool', window: [2], strides: [1], padding: 'SAME' },
      { layer: 'conv', filter: [2], padding: 'CIRCULAR', W_std: 1.1 },
      { layer: 'relu' },
      { layer: 'sum_pool', window: [2], padding: 'VALID' },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ],
  ],
  'residual CNN: LayerNorm on raw data and after relu (mean-corrected), residual blocks (one nested), a weighted sum': [
    [4, 5, 5, 2],
    [
      { layer: 'layernorm', eps: 0.01 },
      { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.3, b_std: 0.2 },
      {
        layer: 'residual',
        alpha: 0.7,
        branch: [
          { layer: 'relu' },
          { layer: 'layernorm' },
          { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.2 },
          { layer: 'residual', branch: [{ layer: 'erf' }, { layer: 'dense', W_std: 1.1, b_std: 0.1 }] },
          { layer: 'dense', W_std: 0.8 },
        ],
      },
      {
        layer: 'sum',
        branches: [[{ layer: 'conv', filter: [2, 2], padding: 'SAME' }], [{ layer: 'tanh' }, { layer: 'dense' }]],
        weights: [0.6, 0.8],
      },
      { layer: 'relu' },
      { layer: 'global_avg_pool' },
      { layer: 'dense', W_std: 1.4, b_std: 0.1 },
    ],
  ],
  'transformer block: tied softmax attention, untied and 1/√d identity attention, LayerNorm, residual MLP': [
    [4, 5, 3],
    [
      { layer: 'dense', W_std: 1.2, b_std: 0.2 },
      { layer: 'residual', branch: [{ layer: 'attention', QK_std: 0.8, OV_std: 1.1, b_std: 0.1 }] },
      { layer: 'layernorm' },
      {
        layer: 'residual',
        branch: [{ layer: 'dense', W_std: 1.3 }, { layer: 'relu' }, { layer: 'dense', W_std: 1.1, b_std: 0.1 }],
      },
      { layer: 'layernorm' },
      { layer: 'attention', mode: 'untied', OV_std: 0.9 },
      { layer: 'attention', mode: 'sqrt', mechanism: 'identity', QK_std: 0.5, OV_std: 0.7 },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ],
  ],
  'Elman RNN (tanh, tabulated dual) between dense layers, read at the last step': [
    [4, 6, 2],
    [
      { layer: 'dense', W_std: 1.1, b_std: 0.2 },
      { layer: 'rnn', act: 'tanh', W_std: 0.9, U_std: 1.1, b_std: 0.2 },
      { layer: 'last' },
      { layer: 'dense' },
    ],
  ],
};

/** The record route: every layer's map on the full input record, the n × n result of the readout. */
function recordRoute(spec: ArchitectureSpec, shape: number[], data: Float64Array, inPlace: boolean) {
  const map = kernelMapFromSpec(spec);
  const input = inputSpatialKernel(data, shape, { form: 'full' });
  return inPlace ? map.mapInPlace!(input) : map.map(input);
}

describe('pair-by-pair kernels without a full record (apps/docs/theory/architectures.md#blockwise)', () => {
  for (const [name, [shape, spec]] of Object.entries(NETWORKS)) {
    it(`${name}: bit for bit the record route (map and mapInPlace)`, () => {
      const data = randomData(shape, 11);
      expect(kernelMapFromSpec(spec).blocks?.(shape.slice(1, -1))).toBeDefined();
      const pairwise = architectureKernelMatrices({ spec, data, shape });
      expect(pairwise).toMatchObject({ form: 'full', route: 'pair-by-pair' });
      for (const inPlace of [false, true]) {
        const record = recordRoute(spec, shape, data, inPlace);
        expect(record.spatial).toEqual([]);
        // The same operations on the same numbers in the same order: no tolerance.
        expect(Array.from(pairwise.nngp)).toEqual(Array.from(record.nngp));
        expect(Array.from(pairwise.ntk)).toEqual(Array.from(record.ntk));
      }
      // Exactly symmetric, and positive on the diagonal.
      const n = shape[0];
      for (let a = 0; a < n; a++) {
        expect(pairwise.nngp[a * n + a]).toBeGreaterThan(0);
        for (let b = 0; b < n; b++) expect(pairwise.ntk[a * n + b]).toBe(pairwise.ntk[b * n + a]);
      }
    });
  }

  it('LayerNorm and residual blocks on the diagonal record pair by pair: bit for bit the diagonal record route', () => {
    const shape = [4, 6, 3];
    const spec: ArchitectureSpec = [
      { layer: 'conv', filter: [3], padding: 'SAME', W_std: 1.2, b_std: 0.3 },
      { layer: 'gelu' },
      { layer: 'layernorm' },
      { layer: 'dense', W_std: 1.1 },
      { layer: 'residual', branch: [{ layer: 'layernorm' }, { layer: 'dense', W_std: 0.9 }], alpha: 1.5 },
      { layer: 'relu' },
      { layer: 'flatten' },
      { layer: 'dense' },
    ];
    const data = randomData(shape, 17);
    const pairwise = architectureKernelMatrices({ spec, data, shape });
    expect(pairwise).toMatchObject({ form: 'diagonal', route: 'pair-by-pair' });
    const record = kernelMapFromSpec(spec).map(inputSpatialKernel(data, shape, { form: 'diagonal' }));
    expect(Array.from(pairwise.nngp)).toEqual(Array.from(record.nngp));
    expect(Array.from(pairwise.ntk)).toEqual(Array.from(record.ntk));
  });

  it('LayerNorm with a zero channel variance is refused on the pair-by-pair route too', () => {
    const shape = [2, 3, 2];
    const data = Float64Array.from([1, 1, 2, 2, 3, 3, 1, 2, 0, 1, 2, 0]); // sample 1 has equal channels everywhere
    let error: unknown;
    try {
      architectureKernelMatrices({
        spec: [{ layer: 'layernorm' }, { layer: 'flatten' }, { layer: 'dense' }],
        data,
        shape,
      });
    } catch (e) {
      error = e;
    }
    expect(isSpecError(error) && error.code).toBe('E_INPUT');
    expect((error as Error).message).toMatch(/layer 1 \(layernorm\).*variance over channels.*set eps > 0/);
  });

  it('errors name the layer on the pair-by-pair route as on the record route', () => {
    const shape = [2, 4, 4, 2];
    const message = (spec: ArchitectureSpec): string => {
      try {
        architectureKernelMatrices({ spec, data: randomData(shape, 14), shape });
      } catch (e) {
        if (isSpecError(e)) return `${e.code} ${e.message}`;
      }
      return 'no SpecError';
    };
    expect(message([{ layer: 'relu' }, { layer: 'global_avg_pool' }, { layer: 'dense' }])).toMatch(
      /^E_INPUT layer 1 \(relu\): activation "relu": its input is not Gaussian/,
    );
    expect(
      message([
        { layer: 'conv', filter: [3, 3] },
        { layer: 'erf' },
        { layer: 'relu' },
        { layer: 'global_avg_pool' },
        { layer: 'dense' },
      ]),
    ).toMatch(/^E_INPUT layer 3 \(relu\): activation "relu": its input is not Gaussian/);
  });
});
