import { describe, expect, it } from 'vitest';
import { createRng } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import {
  spatialAvgPool,
  spatialMaxPool,
  spatialConv,
  spatialDense,
  spatialFlatten,
  spatialGlobalAvgPool,
  spatialLast,
  spatialLayerNorm,
  spatialSumPool,
} from '../../src/index.js';
import { windowIndexMap } from '../../src/kernel-maps/index-map.js';
import { ctx, checkVjp, expectClose } from './fd.js';

const act = (data: number[], spatial: number[], channels: number, samples = 1) => ({
  data: Float64Array.from(data),
  samples,
  spatial,
  channels,
});

describe('index map', () => {
  it('follows the JAX/TF conventions, worked by hand', () => {
    // H = 5, f = 3, s = 2. VALID: ⌊(5−3)/2⌋+1 = 2 outputs at 2p + δ. SAME: ⌈5/2⌉ = 3 outputs, total padding
    // (3−1)·2 + 3 − 5 = 2, lo = 1, ι = 2p + δ − 1 (−1 when outside). CIRCULAR: the same, wrapped mod 5.
    expect(Array.from(windowIndexMap([5], [3], [2], 'VALID', 't').index)).toEqual([0, 1, 2, 2, 3, 4]);
    expect(Array.from(windowIndexMap([5], [3], [2], 'SAME', 't').index)).toEqual([-1, 0, 1, 1, 2, 3, 3, 4, -1]);
    expect(Array.from(windowIndexMap([5], [3], [2], 'CIRCULAR', 't').index)).toEqual([4, 0, 1, 1, 2, 3, 3, 4, 0]);
    // Two axes: a flat offset is padded if either axis is; positions and offsets are row-major.
    const m = windowIndexMap([2, 3], [2, 2], [1, 1], 'SAME', 't');
    expect(m.outputSpatial).toEqual([2, 3]);
    // Output (1, 2): axis 0 reads rows 1, ∅ (lo = 0), axis 1 reads columns 2, ∅ → only (1,2) = flat 5.
    expect(Array.from(m.index.subarray(5 * 4, 6 * 4))).toEqual([5, -1, -1, -1]);
  });
});

describe('spatial convolution', () => {
  it('computes the convolution sum by hand on a 1-D example (SAME, CIRCULAR, stride)', () => {
    // One channel in and out, filter [w0, w1, w2], α = 1/√3: SAME reads x[p−1], x[p], x[p+1] with zeros outside.
    const W = Float64Array.from([0.5, -1, 2]);
    const x = [1, 2, 3, 4];
    const a = 1 / Math.sqrt(3);
    const at = (i: number) => (i >= 0 && i < 4 ? x[i] : 0);
    const same = spatialConv({ width: 1, filter: [3], padding: 'SAME' });
    const want = x.map((_, p) => a * (W[0] * at(p - 1) + W[1] * at(p) + W[2] * at(p + 1)));
    expectClose(same.apply({ W }, act(x, [4], 1), ctx).y.data, want, 1e-15, 'SAME');
    const circ = spatialConv({ width: 1, filter: [3], padding: 'CIRCULAR', W_std: 2, b_std: 0.5 });
    const wrap = (i: number) => x[(i + 4) % 4];
    const b = Float64Array.from([0.3]);
    const wantC = x.map((_, p) => 2 * a * (W[0] * wrap(p - 1) + W[1] * wrap(p) + W[2] * wrap(p + 1)) + 0.5 * 0.3);
    expectClose(circ.apply({ W, b }, act(x, [4], 1), ctx).y.data, wantC, 1e-15, 'CIRCULAR');
    // Stride 2, VALID: outputs at p = 0 (x0..x2) only, since ⌊(4−3)/2⌋ + 1 = 1.
    const strided = spatialConv({ width: 1, filter: [3], strides: [2] });
    expectClose(strided.apply({ W }, act(x, [4], 1), ctx).y.data, [a * (0.5 - 2 + 6)], 1e-15, 'stride');
  });

  it('a 1 × 1 convolution is the dense layer applied per position', () => {
    const rng = createRng(7);
    const conv = spatialConv({ width: 3, filter: [1, 1], W_std: 1.3, b_std: 0.2 });
    const dense = spatialDense({ width: 3, W_std: 1.3, b_std: 0.2 });
    const shape = { spatial: [2, 3], channels: 4 };
    const { params } = conv.init(shape, rng);
    const x = act(
      Array.from({ length: 2 * 6 * 4 }, (_, i) => Math.sin(i)),
      [2, 3],
      4,
      2,
    );
    expectClose(conv.apply(params, x, ctx).y.data, dense.apply(params, x, ctx).y.data, 1e-15, '1 × 1');
  });

  it('vjp matches central differences (VALID, SAME with stride, CIRCULAR 2-D, bias)', () => {
    const rng = createRng(8);
    checkVjp(spatialConv({ width: 2, filter: [3] }), { spatial: [5], channels: 2 }, rng.split(1));
    checkVjp(
      spatialConv({ width: 3, filter: [3], strides: [2], padding: 'SAME', b_std: 0.3 }),
      { spatial: [5], channels: 2 },
      rng.split(2),
    );
    checkVjp(
      spatialConv({ width: 2, filter: [2, 3], padding: 'CIRCULAR', W_std: 1.4, b_std: 0.1 }),
      { spatial: [3, 4], channels: 2 },
      rng.split(3),
    );
  });

  it('gives every sample the same numbers when its patches are made in several blocks of samples', () => {
    // 64 input channels, 3 × 3 SAME on 8 × 8: 295 KB of patches per sample, so 120 samples take two 32 MiB blocks. A
    // convolution acts on each sample alone, so the batch must equal its parts run separately (forward, input
    // gradient) and the weight gradient the sum of the parts'.
    const rng = createRng(9);
    const conv = spatialConv({ width: 2, filter: [3, 3], padding: 'SAME', W_std: 1.2, b_std: 0.3 });
    const shape = { spatial: [8, 8], channels: 64 };
    const { params } = conv.init(shape, rng.split('p'));
    const n = 120;
    const per = 64 * 64;
    const batch = (data: Float64Array, channels: number) => ({
      data,
      samples: data.length / (64 * channels),
      spatial: [8, 8],
      channels,
    });
    const x = batch(new Float64Array(n * per), 64);
    rng.split('x').fillNormal(x.data);
    const gy = batch(new Float64Array(n * 64 * 2), 2);
    rng.split('g').fillNormal(gy.data);
    const whole = conv.apply(params, x, ctx);
    const wholeGrad = conv.vjp(params, whole.cache, gy, ctx);
    const parts = [
      [0, 7],
      [7, n],
    ].map(([from, to]) => {
      const xi = batch(x.data.slice(from * per, to * per), 64);
      const gi = batch(gy.data.slice(from * 128, to * 128), 2);
      const r = conv.apply(params, xi, ctx);
      return { y: r.y.data, grad: conv.vjp(params, r.cache, gi, ctx) };
    });
    expectClose(whole.y.data, [...parts[0].y, ...parts[1].y], 1e-14, 'forward');
    expectClose(wholeGrad.gx.data, [...parts[0].grad.gx.data, ...parts[1].grad.gx.data], 1e-14, 'input gradient');
    const gW = parts[0].grad.gparams.W.map((v, i) => v + parts[1].grad.gparams.W[i]);
    expectClose(wholeGrad.gparams.W, gW, 1e-13, 'weight gradient');
  });
});

describe('pooling, flatten, last, layernorm', () => {
  it('pool by hand', () => {
    const x = act([1, 2, 3, 4], [4], 1);
    expect(Array.from(spatialAvgPool({ window: [2] }).apply({}, x, ctx).y.data)).toEqual([1.5, 2.5, 3.5]);
    expect(Array.from(spatialSumPool({ window: [2], strides: [2] }).apply({}, x, ctx).y.data)).toEqual([3, 7]);
    // SAME, window 2: total padding 1, lo = 0, so the last window is (x3, ∅): /2 without, /1 with normalize_edges.
    expect(Array.from(spatialAvgPool({ window: [2], padding: 'SAME' }).apply({}, x, ctx).y.data)).toEqual([
      1.5, 2.5, 3.5, 2,
    ]);
    const edges = spatialAvgPool({ window: [2], padding: 'SAME', normalize_edges: true });
    expect(Array.from(edges.apply({}, x, ctx).y.data)).toEqual([1.5, 2.5, 3.5, 4]);
    // Max pooling: (1, 2, 3, 4) → windows of 2 → (2, 3, 4); SAME: the last window (x3, padding) is 4, padding never wins
    // even against negative inputs.
    expect(Array.from(spatialMaxPool({ window: [2] }).apply({}, x, ctx).y.data)).toEqual([2, 3, 4]);
    const negative = act([-4, -3, -2, -1], [4], 1);
    expect(Array.from(spatialMaxPool({ window: [2], padding: 'SAME' }).apply({}, negative, ctx).y.data)).toEqual([
      -3, -2, -1, -1,
    ]);
    const two = act([1, 2, 3, 4, 5, 6], [3], 2);
    expect(Array.from(spatialMaxPool({ window: [3] }).apply({}, two, ctx).y.data)).toEqual([5, 6]);
    expect(Array.from(spatialGlobalAvgPool().apply({}, two, ctx).y.data)).toEqual([3, 4]);
    expect(Array.from(spatialLast().apply({}, two, ctx).y.data)).toEqual([5, 6]);
    const flat = spatialFlatten().apply({}, two, ctx).y;
    expect([flat.spatial, flat.channels, Array.from(flat.data)]).toEqual([[], 6, [1, 2, 3, 4, 5, 6]]);
    // LayerNorm of (1, 2, 3): mean 2, variance 2/3.
    const ln = spatialLayerNorm().apply({}, act([1, 2, 3], [], 3), ctx).y.data;
    expectClose(
      ln,
      [-1, 0, 1].map((v) => v / Math.sqrt(2 / 3)),
      1e-15,
      'layernorm',
    );
  });

  it('vjp matches central differences', () => {
    const rng = createRng(9);
    checkVjp(spatialAvgPool({ window: [2, 2], padding: 'SAME' }), { spatial: [3, 3], channels: 2 }, rng.split(1));
    checkVjp(
      spatialAvgPool({ window: [2], padding: 'SAME', normalize_edges: true }),
      { spatial: [5], channels: 2 },
      rng.split(2),
    );
    checkVjp(
      spatialSumPool({ window: [3], strides: [2], padding: 'CIRCULAR' }),
      { spatial: [5], channels: 1 },
      rng.split(3),
    );
    checkVjp(spatialGlobalAvgPool(), { spatial: [2, 3], channels: 2 }, rng.split(4));
    // Random inputs have no ties, so the maximum is differentiable at them.
    checkVjp(
      spatialMaxPool({ window: [2, 2], strides: [1, 2], padding: 'SAME' }),
      { spatial: [3, 4], channels: 2 },
      rng.split(6),
    );
    checkVjp(spatialMaxPool({ window: [3], padding: 'CIRCULAR' }), { spatial: [5], channels: 3 }, rng.split(7));
    checkVjp(spatialFlatten(), { spatial: [2, 2], channels: 3 }, rng.split(5));
    checkVjp(spatialLast(), { spatial: [4], channels: 3 }, rng.split(6));
    checkVjp(spatialLayerNorm(), { spatial: [3], channels: 4 }, rng.split(7));
    checkVjp(spatialLayerNorm({ eps: 0.5 }), { spatial: [], channels: 3 }, rng.split(8));
  });

  it('rejects bad options and shapes, naming the layer', () => {
    expectSpecError(() => spatialConv({ width: 2, filter: [] }), 'E_INPUT', /conv/, /filter/);
    expectSpecError(
      () => spatialConv({ width: 2, filter: [3], padding: 'FULL' as 'SAME' }),
      'E_INPUT',
      /conv/,
      /padding/,
    );
    expectSpecError(() => spatialConv({ width: 2, filter: [3], strides: [0] }), 'E_INPUT', /conv/, /strides/);
    const rng = createRng(0);
    expectSpecError(
      () => spatialConv({ width: 2, filter: [3, 3] }).init({ spatial: [5], channels: 1 }, rng),
      'E_INPUT',
      /conv/,
      /axes/,
    );
    expectSpecError(
      () => spatialConv({ width: 2, filter: [6] }).init({ spatial: [5], channels: 1 }, rng),
      'E_INPUT',
      /conv/,
      /VALID/,
    );
    expectSpecError(
      () => spatialAvgPool({ window: [2], normalize_edges: 1 as unknown as boolean }),
      'E_INPUT',
      /avg_pool/,
    );
    expectSpecError(
      () => spatialAvgPool({ window: [2] }).apply({}, act([1, 2, 3, 4], [2, 2], 1), ctx),
      'E_INPUT',
      /avg_pool/,
    );
    expectSpecError(() => spatialLast().init({ spatial: [2, 2], channels: 1 }, rng), 'E_SHAPE', /last/);
    expectSpecError(() => spatialLayerNorm({ eps: -1 }), 'E_INPUT', /layernorm/, /eps/);
    expectSpecError(() => spatialLayerNorm().apply({}, act([2, 2], [], 2), ctx), 'E_DATA', /layernorm/, /variance/);
  });
});
