import { readFileSync } from 'node:fs';
import type { LayerParams } from '@spec/core';
import { describe, it } from 'vitest';
import { spatialEmpiricalKernels, spatialNetworkFromSpec, type ArchitectureSpec } from '../../src/index.js';
import { ctx, expectClose } from './fd.js';

/*
 * The finite CNN-GAP's empirical kernels against an independent numpy implementation (bench/ref/cnn_gap_finite.py
 * --fixture: im2col, einsum per-sample gradients, its own random inputs and parameters), with the parameters converted
 * to this package's layout. Both compute the same sums in different orders: agreement to rounding (1e-12 of the
 * largest entry) checks the conv, relu, pooling and readout products, their vjps and every layer's NTK share at once.
 */
interface Fixture {
  readonly shape: [number, number, number, number];
  readonly width: number;
  readonly x: number[];
  readonly params: { W1: number[]; b1: number[]; W2: number[]; b2: number[]; w3: number[]; b3: number[] };
  readonly ck: number[];
  readonly ntk: number[];
}

const SPEC: ArchitectureSpec = [
  { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
  { layer: 'relu' },
  { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
  { layer: 'relu' },
  { layer: 'global_avg_pool' },
  { layer: 'dense', W_std: 1.4, b_std: 0.1 },
];

/** numpy's (C_out, 9·C_in) with column t·C_in + i → this package's conv layout (9, C_out, C_in). */
function convWeights(W: number[], cout: number, cin: number): Float64Array {
  const out = new Float64Array(W.length);
  for (let o = 0; o < cout; o++)
    for (let t = 0; t < 9; t++)
      for (let i = 0; i < cin; i++) out[(t * cout + o) * cin + i] = W[o * 9 * cin + t * cin + i];
  return out;
}

describe('finite CNN-GAP kernels against an independent implementation', () => {
  it('CK and NTK equal numpy’s on its own inputs and parameters', () => {
    const f = JSON.parse(readFileSync(new URL('../fixtures/cnn-gap-finite.json', import.meta.url), 'utf8')) as Fixture;
    const [n, H, W, C] = f.shape;
    const width = f.width;
    const net = spatialNetworkFromSpec(SPEC, { width });
    const p = f.params;
    const params: LayerParams[] = [
      { W: convWeights(p.W1, width, C), b: Float64Array.from(p.b1) },
      {},
      { W: convWeights(p.W2, width, width), b: Float64Array.from(p.b2) },
      {},
      {},
      { W: Float64Array.from(p.w3), b: Float64Array.from(p.b3) },
    ];
    const x = { data: Float64Array.from(f.x), samples: n, spatial: [H, W], channels: C };
    const k = spatialEmpiricalKernels(net.layers, params, x, ctx.backend);
    // numpy's CK is the readout-scaled one, W_std²/D ⟨z_a, z_b⟩ + b_std² with D = width.
    const ck = Array.from(k.ck!, (v) => (1.4 ** 2 / width) * v + 0.1 ** 2);
    expectClose(ck, f.ck, 1e-12, 'CK');
    expectClose(k.ntk!, f.ntk, 1e-12, 'NTK');
  });
});
