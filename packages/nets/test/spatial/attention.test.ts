import { describe, expect, it } from 'vitest';
import { createRng, type LayerParams } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import {
  spatialActivation,
  spatialAttention,
  spatialDense,
  spatialGlobalAvgPool,
  spatialLayerNorm,
  spatialResidual,
  type SpatialAttentionOptions,
} from '../../src/index.js';
import { ctx, checkVjp, expectClose, randomActivations } from './fd.js';
import { checkNetworkNtk } from './network-check.js';

type M = number[][];
const mul = (A: M, B: M): M => A.map((r) => B[0].map((_, j) => r.reduce((s, v, k) => s + v * B[k][j], 0)));
const tr = (A: M): M => A[0].map((_, j) => A.map((r) => r[j]));
const block = (W: Float64Array, offset: number, rows: number, cols: number): M =>
  Array.from({ length: rows }, (_, i) => Array.from(W.subarray(offset + i * cols, offset + (i + 1) * cols)));

/** Textbook attention for one sample, written with explicit matrices from the formula of the theory page. */
function reference(o: SpatialAttentionOptions, params: LayerParams, x: M): M {
  const C = x[0].length;
  const width = o.width;
  const d = o.mode === 'sqrt' ? (o.d_head ?? width) : width;
  const H = o.mode === 'sqrt' ? width / d : (o.n_heads ?? 1);
  const gamma = o.mode === 'sqrt' ? 0.5 : 1;
  const WQ = params.WQK ?? params.WQ;
  const WK = params.WQK ?? params.WK;
  let y: M = x.map(() => new Array<number>(width).fill(0));
  for (let h = 0; h < H; h++) {
    const proj = (W: Float64Array) => mul(x, block(W, h * C * d, C, d)).map((r) => r.map((v) => v / Math.sqrt(C)));
    const [q, k, v] = [proj(WQ), proj(WK), proj(params.WV)];
    const logits = mul(q, tr(k)).map((r) => r.map((z) => ((o.QK_std ?? 1) * z) / d ** gamma));
    const A =
      o.mechanism === 'identity'
        ? logits
        : logits.map((r) => {
            const e = r.map((z) => Math.exp(z));
            const s = e.reduce((a, b) => a + b, 0);
            return e.map((t) => t / s);
          });
    const head = mul(mul(A, v), block(params.WO, h * d * width, d, width));
    y = y.map((r, p) => r.map((val, j) => val + ((o.OV_std ?? 1) * head[p][j]) / Math.sqrt(H * d)));
  }
  return y.map((r) => r.map((val, j) => val + (o.b_std ?? 0) * (params.b?.[j] ?? 0)));
}

const modes: SpatialAttentionOptions[] = [
  { width: 3, mode: 'tied', QK_std: 1.5, OV_std: 1.2, b_std: 0.1, n_heads: 2 },
  { width: 3, mode: 'untied', QK_std: 0.8 },
  { width: 4, mode: 'sqrt', mechanism: 'identity', QK_std: 0.5, d_head: 2 },
  { width: 4, mode: 'sqrt', mechanism: 'softmax', OV_std: 0.7, d_head: 2, b_std: 0.3 },
  { width: 2, mode: 'tied', mechanism: 'identity' },
];

describe('spatial self-attention', () => {
  it('forward pass equals the textbook formula in every mode', () => {
    const rng = createRng(31);
    for (const o of modes) {
      const layer = spatialAttention(o);
      const shape = { spatial: [4], channels: 3 };
      const { params } = layer.init(shape, rng.split(JSON.stringify(o)));
      const x = randomActivations(rng.split('x'), 2, shape);
      const y = layer.apply(params, x, ctx).y;
      for (let a = 0; a < 2; a++) {
        const xa = Array.from({ length: 4 }, (_, p) =>
          Array.from(x.data.subarray((a * 4 + p) * 3, (a * 4 + p + 1) * 3)),
        );
        const want = reference(o, params, xa).flat();
        expectClose(y.data.subarray(a * 4 * o.width, (a + 1) * 4 * o.width), want, 1e-13, `${o.mode}/${o.mechanism}`);
      }
    }
  });

  it('vjp matches central differences in every mode', () => {
    const rng = createRng(32);
    for (const o of modes) checkVjp(spatialAttention(o), { spatial: [3], channels: 2 }, rng.split(JSON.stringify(o)));
    checkVjp(spatialAttention({ width: 2, n_heads: 2 }), { spatial: [2, 2], channels: 2 }, rng.split('2-D'));
  });

  it('transformer-like networks: NTK = J Jᵀ by finite differences', () => {
    checkNetworkNtk(
      [
        spatialDense({ width: 3, b_std: 0.2 }),
        spatialActivation({ fn: 'tanh' }),
        spatialResidual({ branch: spatialAttention({ width: 3, QK_std: 1.5, n_heads: 2, b_std: 0.1 }) }),
        spatialLayerNorm(),
        spatialAttention({ width: 2, mode: 'sqrt', mechanism: 'identity', d_head: 1, QK_std: 0.5 }),
        spatialActivation({ fn: 'erf' }),
        spatialGlobalAvgPool(),
        spatialDense({ width: 1 }),
      ],
      { spatial: [3], channels: 2 },
      33,
    );
    checkNetworkNtk(
      [spatialAttention({ width: 2, mode: 'untied', OV_std: 1.3 }), spatialGlobalAvgPool(), spatialDense({ width: 1 })],
      { spatial: [4], channels: 2 },
      34,
    );
  });

  it('rejects bad options, naming the layer', () => {
    expectSpecError(() => spatialAttention({ width: 2, mode: 'cosine' as 'tied' }), 'E_INPUT', /attention/, /mode/);
    expectSpecError(
      () => spatialAttention({ width: 2, mechanism: 'relu' as 'softmax' }),
      'E_INPUT',
      /attention/,
      /mechanism/,
    );
    expectSpecError(() => spatialAttention({ width: 4, mode: 'sqrt', d_head: 3 }), 'E_INPUT', /attention/, /d_head/);
    expectSpecError(() => spatialAttention({ width: 4, mode: 'sqrt', n_heads: 2 }), 'E_INPUT', /attention/, /n_heads/);
    expectSpecError(() => spatialAttention({ width: 4, d_head: 2 }), 'E_INPUT', /attention/, /d_head/);
    expectSpecError(() => spatialAttention({ width: 4, n_heads: 0 }), 'E_INPUT', /attention/, /n_heads/);
    expectSpecError(() => spatialAttention({ width: 4, QK_std: -1 }), 'E_INPUT', /attention/, /QK_std/);
    const layer = spatialAttention({ width: 2 });
    const { params } = layer.init({ spatial: [3], channels: 2 }, createRng(0));
    expectSpecError(
      () => layer.apply(params, randomActivations(createRng(1), 1, { spatial: [3], channels: 3 }), ctx),
      'E_SHAPE',
      /attention/,
      /"WQK"/,
    );
    expect(layer.kind).toBe('attention');
  });
});
