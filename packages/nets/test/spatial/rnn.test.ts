import { describe, expect, it } from 'vitest';
import { createRng } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import {
  spatialDense,
  spatialGlobalAvgPool,
  spatialLast,
  spatialRnn,
  spatialConv,
  spatialActivation,
} from '../../src/index.js';
import { ctx, checkVjp, expectClose } from './fd.js';
import { checkNetworkNtk } from './network-check.js';

describe('spatial Elman RNN', () => {
  it('unrolls the recursion by hand for one state and one channel', () => {
    // N = C = 1, φ = tanh: g¹ = U_std u x¹ + b_std β, g^t = W_std w s^{t−1} + U_std u x^t + b_std β.
    const [w, u, beta] = [0.7, -1.2, 0.4];
    const layer = spatialRnn({ width: 1, act: 'tanh', W_std: 1.5, U_std: 0.9, b_std: 0.3 });
    const x = [0.5, -1, 2];
    const y = layer.apply(
      { W: Float64Array.of(w), U: Float64Array.of(u), b: Float64Array.of(beta) },
      { data: Float64Array.from(x), samples: 1, spatial: [3], channels: 1 },
      ctx,
    ).y;
    let s = 0;
    const want = x.map((xt, t) => (s = Math.tanh((t > 0 ? 1.5 * w * s : 0) + 0.9 * u * xt + 0.3 * beta)));
    expectClose(y.data, want, 1e-15, 'states');
  });

  it('vjp matches central differences (backward through time)', () => {
    const rng = createRng(41);
    checkVjp(
      spatialRnn({ width: 3, act: 'erf', W_std: 1, U_std: 1.4, b_std: 0.45 }),
      { spatial: [4], channels: 2 },
      rng.split(1),
    );
    checkVjp(spatialRnn({ width: 2, act: 'tanh', W_std: 1.2 }), { spatial: [5], channels: 3 }, rng.split(2));
  });

  it('average-pooled and last-state readouts: NTK = J Jᵀ by finite differences', () => {
    checkNetworkNtk(
      [
        spatialRnn({ width: 3, act: 'erf', U_std: 1.4, b_std: 0.45 }),
        spatialGlobalAvgPool(),
        spatialDense({ width: 1 }),
      ],
      { spatial: [4], channels: 2 },
      42,
    );
    checkNetworkNtk(
      [
        spatialConv({ width: 2, filter: [2], padding: 'SAME' }),
        spatialActivation({ fn: 'tanh' }),
        spatialRnn({ width: 3, act: 'gelu', W_std: 1.2, b_std: 0.1 }),
        spatialLast(),
        spatialDense({ width: 1, b_std: 0.1 }),
      ],
      { spatial: [4], channels: 2 },
      43,
    );
  });

  it('rejects bad options and shapes, naming the layer', () => {
    expectSpecError(() => spatialRnn({ width: 0, act: 'tanh' }), 'E_INPUT', /rnn/, /width/);
    expectSpecError(() => spatialRnn({ width: 2, act: 'nope' }), 'E_INPUT', /nope/);
    expectSpecError(() => spatialRnn({ width: 2, act: 'tanh', U_std: -2 }), 'E_INPUT', /rnn/, /U_std/);
    const layer = spatialRnn({ width: 2, act: 'tanh' });
    expectSpecError(() => layer.init({ spatial: [2, 2], channels: 1 }, createRng(0)), 'E_SHAPE', /rnn/, /sequence/);
    expect(layer.kind).toBe('rnn');
  });
});
