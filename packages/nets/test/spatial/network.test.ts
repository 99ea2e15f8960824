import { describe, expect, it } from 'vitest';
import { createRng, type SpatialLayer, type SpatialShape } from '@spec/core';
import {
  initSpatialNetwork,
  spatialActivation,
  spatialAvgPool,
  spatialConv,
  spatialDense,
  spatialEmpiricalKernels,
  spatialFlatten,
  spatialGlobalAvgPool,
  spatialLast,
  spatialLayerNorm,
} from '../../src/index.js';
import { FD_TOL, copyParams, expectClose, finiteDifferenceNtk, randomActivations } from './fd.js';

/**
 * The empirical NTK as the sum of the layers' shares against J Jᵀ with J from central differences of the outputs
 * (forward passes only), in total and layer by layer; tolerance as explained in fd.ts.
 */
function checkNetworkNtk(layers: SpatialLayer[], inShape: SpatialShape, seed: number, samples = 3): void {
  const rng = createRng(seed);
  const init = initSpatialNetwork(layers, inShape, rng.split('init'));
  const params = init.params.map(copyParams);
  const x = randomActivations(rng.split('x'), samples, inShape);
  const k = spatialEmpiricalKernels(layers, params, x, { perLayer: true });
  const fd = finiteDifferenceNtk(layers, params, x);
  expectClose(k.ntk!, fd.ntk, FD_TOL, 'NTK');
  layers.forEach((layer, i) => {
    const share = k.perLayer![i];
    if (share === null)
      expect(
        fd.perLayer[i].every((v) => v === 0),
        `layer ${i + 1} (${layer.kind})`,
      ).toBe(true);
    else expectClose(share, fd.perLayer[i], FD_TOL, `layer ${i + 1} (${layer.kind})`);
  });
  // The CK is the Gram of the readout's input, computed here directly.
  const z = layers.slice(0, -1).reduce((h, layer, i) => layer.apply(params[i], h).y, x);
  const D = z.data.length / samples;
  const ck = Array.from({ length: samples * samples }, (_, ab) => {
    const [a, b] = [Math.floor(ab / samples), ab % samples];
    let s = 0;
    for (let j = 0; j < D; j++) s += z.data[a * D + j] * z.data[b * D + j];
    return s;
  });
  expectClose(k.ck!, ck, 1e-14, 'CK');
}

describe('empirical NTK of spatial networks = J Jᵀ by finite differences', () => {
  it('CNN with global average pooling (conv SAME/stride, activations, avg_pool, layernorm, conv CIRCULAR)', () => {
    checkNetworkNtk(
      [
        spatialConv({ width: 3, filter: [3], strides: [2], padding: 'SAME', W_std: 1.5, b_std: 0.1 }),
        spatialActivation({ fn: 'tanh' }),
        spatialAvgPool({ window: [2], padding: 'SAME' }),
        spatialConv({ width: 3, filter: [2], padding: 'CIRCULAR', W_std: 1.3 }),
        spatialLayerNorm(),
        spatialActivation({ fn: 'erf' }),
        spatialGlobalAvgPool(),
        spatialDense({ width: 1, W_std: 1.2, b_std: 0.2 }),
      ],
      { spatial: [7], channels: 2 },
      11,
    );
  });

  it('2-D CNN with flatten (conv, gelu, dense per position, flatten, readout)', () => {
    checkNetworkNtk(
      [
        spatialConv({ width: 2, filter: [2, 2], padding: 'SAME', b_std: 0.2 }),
        spatialActivation({ fn: 'gelu' }),
        spatialDense({ width: 3, W_std: 1.4, b_std: 0.1 }),
        spatialActivation({ fn: 'tanh' }),
        spatialFlatten(),
        spatialDense({ width: 1, b_std: 0.3 }),
      ],
      { spatial: [3, 3], channels: 2 },
      12,
    );
  });

  it('a sequence read out at its last position', () => {
    checkNetworkNtk(
      [
        spatialDense({ width: 3, W_std: 1.1 }),
        spatialLayerNorm({ eps: 0.1 }),
        spatialActivation({ fn: 'sin' }),
        spatialConv({ width: 2, filter: [2], padding: 'VALID' }),
        spatialLast(),
        spatialDense({ width: 1 }),
      ],
      { spatial: [4], channels: 2 },
      13,
    );
  });
});
