import { architectureCheckData } from '@spec/testing';
import { describe, expect, it } from 'vitest';
import { ctx } from './fd.js';
import { createRng, type Activations, type Layer } from '@spec/core';
import {
  spatialActivation,
  spatialAttention,
  spatialConv,
  spatialDense,
  spatialEmpiricalKernels,
  spatialGlobalAvgPool,
  spatialRnn,
  initSpatialNetwork,
} from '../../src/index.js';

/**
 * The finite layers against the infinite-width check values of apps/docs/theory/architectures.md#check-values (an
 * independent numpy implementation of the kernel maps): averaged over random networks, the empirical NNGP
 * (readout integrated out, W_std² ⟨z_a, z_b⟩/fan-in + b_std²) and NTK approach the limit. This pins the conventions
 * that finite differences cannot see: fan-ins (C·|F| for a convolution), SAME edges, the attention and RNN scalings.
 *
 * Tolerance per entry: 4 standard errors of the mean over the networks (sample estimate; a 4σ bound fails by chance
 * with probability < 1e-4 per entry) plus the finite-width bias, O(1/N): the Monte Carlo table of that page shows
 * mean deviations within 3/N of the largest entry (e.g. 4 % at N = 64 for tied attention), so we allow 3/N·max|limit|.
 * A wrong convention moves entries by factors such as |F| = 3 or √2, far outside this.
 */
/** The inputs of apps/docs/theory/architectures.md#check-values as activations (n, spatial…, C). */
function inputs(n: number, spatial: number[], C: number): Activations {
  return { data: architectureCheckData([n, ...spatial, C]), samples: n, spatial, channels: C };
}

interface Check {
  readonly layers: Layer[];
  readonly x: Activations;
  readonly width: number;
  readonly nets: number;
  /** Readout W_std² and b_std². */
  readonly readout: readonly [number, number];
  /** NNGP and NTK at (0,0), (0,1), (1,2). */
  readonly nngp: readonly number[];
  readonly ntk: readonly number[];
}

function checkAgainstLimit(name: string, c: Check): void {
  const entries = [0 * 3 + 0, 0 * 3 + 1, 1 * 3 + 2];
  const k: number[][] = entries.map(() => []);
  const t: number[][] = entries.map(() => []);
  const inShape = { spatial: c.x.spatial, channels: c.x.channels };
  for (let m = 0; m < c.nets; m++) {
    const { params } = initSpatialNetwork(c.layers, inShape, createRng(1000 + m));
    const r = spatialEmpiricalKernels(c.layers, params, c.x, ctx.backend);
    entries.forEach((e, i) => {
      k[i].push((c.readout[0] * r.ck![e]) / c.width + c.readout[1]);
      t[i].push(r.ntk![e]);
    });
  }
  const bias = (3 / c.width) * Math.max(...c.nngp.map(Math.abs), ...c.ntk.map(Math.abs));
  for (const [what, samples, limit] of [
    ['NNGP', k, c.nngp],
    ['NTK', t, c.ntk],
  ] as const) {
    samples.forEach((v, i) => {
      const mean = v.reduce((s, u) => s + u, 0) / v.length;
      const se = Math.sqrt(v.reduce((s, u) => s + (u - mean) ** 2, 0) / (v.length - 1) / v.length);
      expect(
        Math.abs(mean - limit[i]),
        `${name} ${what} entry ${i}: ${mean} ± ${se} against ${limit[i]}`,
      ).toBeLessThanOrEqual(4 * se + bias);
    });
  }
}

describe('finite networks approach the infinite-width check values', () => {
  it('conv1d-gap (conv SAME, relu, global average pooling), width 128', () => {
    const N = 128;
    const conv = () => spatialConv({ width: N, filter: [3], padding: 'SAME', W_std: 1.5, b_std: 0.1 });
    checkAgainstLimit('conv1d-gap', {
      layers: [
        conv(),
        spatialActivation({ fn: 'relu' }),
        conv(),
        spatialActivation({ fn: 'relu' }),
        spatialGlobalAvgPool(),
        spatialDense({ width: 1, W_std: 1.5, b_std: 0.1 }),
      ],
      x: inputs(3, [8], 3),
      width: N,
      nets: 40,
      readout: [1.5 ** 2, 0.1 ** 2],
      nngp: [1.402931066, 0.8973891684, 0.8876483428],
      ntk: [2.8921736753, 1.4582077623, 1.430404299],
    });
  });

  it('attn-tied (1/d, W_Q = W_K, softmax, 2 heads), width 64', () => {
    const N = 64;
    checkAgainstLimit('attn-tied', {
      layers: [
        spatialDense({ width: N }),
        spatialAttention({ width: N, mode: 'tied', QK_std: 1, OV_std: 1.2, b_std: 0.1, n_heads: 2 }),
        spatialActivation({ fn: 'relu' }),
        spatialGlobalAvgPool(),
        spatialDense({ width: 1 }),
      ],
      x: inputs(3, [5], 4),
      width: N,
      nets: 40,
      readout: [1, 0],
      nngp: [0.2186604535, 0.0681925807, 0.1379897621],
      ntk: [0.7863482615, 0.1015621434, 0.372757333],
    });
  });

  it('rnn-avg (Elman erf, average-pooled readout), width 128', () => {
    const N = 128;
    checkAgainstLimit('rnn-avg', {
      layers: [
        spatialRnn({ width: N, act: 'erf', W_std: 1, U_std: 1.4, b_std: 0.45 }),
        spatialGlobalAvgPool(),
        spatialDense({ width: 1 }),
      ],
      x: inputs(3, [5], 4),
      width: N,
      nets: 40,
      readout: [1, 0],
      nngp: [0.2354492744, 0.0770859079, 0.1482469367],
      ntk: [0.6435303631, 0.187641265, 0.3586089489],
    });
  });
});
