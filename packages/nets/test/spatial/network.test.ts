import { describe, it } from 'vitest';
import {
  spatialActivation,
  spatialAvgPool,
  spatialConv,
  spatialDense,
  spatialFlatten,
  spatialGlobalAvgPool,
  spatialLast,
  spatialLayerNorm,
  spatialAttention,
  spatialFanInSum,
  spatialIdentity,
  spatialResidual,
  spatialRnn,
  spatialSerial,
  spatialSumPool,
} from '../../src/index.js';
import { checkNetworkNtk } from './network-check.js';

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

  it('one network with every layer kind', () => {
    checkNetworkNtk(
      [
        spatialConv({ width: 3, filter: [2], padding: 'SAME', b_std: 0.1 }),
        spatialActivation({ fn: 'tanh' }),
        spatialAvgPool({ window: [2], padding: 'SAME', normalize_edges: true }),
        spatialLayerNorm({ eps: 0.01 }),
        spatialResidual({ alpha: 0.8, branch: spatialAttention({ width: 3, n_heads: 2, b_std: 0.2 }) }),
        spatialFanInSum({
          branches: [spatialIdentity(), spatialSerial([spatialDense({ width: 3 }), spatialActivation({ fn: 'erf' })])],
          weights: [1, 0.6],
        }),
        spatialRnn({ width: 2, act: 'tanh', b_std: 0.2 }),
        spatialSumPool({ window: [2], strides: [2] }),
        spatialFlatten(),
        spatialDense({ width: 1, b_std: 0.1 }),
      ],
      { spatial: [4], channels: 2 },
      14,
    );
  });
});
