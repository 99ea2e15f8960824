import { describe, expect, it } from 'vitest';
import {
  activationLayer,
  dense,
  gramKernelRecord,
  linear,
  networkKernelMap,
  networkKernels,
  relu,
  residual,
  erf,
  network,
  type Network,
} from '../src/index.js';

/** Σ and Θ of a network for one pair with record (xx, yy, xy): the entries of the 2-sample record's kernels. */
function pair(net: Network, xx: number, yy: number, xy: number) {
  const { nngp, ntk } = networkKernels(net, Float64Array.of(xx, xy, xy, yy), 2);
  return { nngp: nngp[1], ntk: ntk[1], nngpXX: nngp[0], ntkXX: ntk[0], nngpYY: nngp[3], ntkYY: ntk[3] };
}

/**
 * apps/docs/theory/reference-values.md#relu-ntk network: unit inputs, Σ¹ = ⟨x,y⟩, then σ_w² = 2 layers and a σ_w² = 2
 * linear readout (relu, no bias).
 */
function reluNet(L: number): Network {
  const layers = [dense({ width: 8, activation: relu, sigmaW2: 1 })];
  for (let l = 1; l < L; l++) layers.push(dense({ width: 8, activation: relu, sigmaW2: 2 }));
  layers.push(dense({ width: 1, activation: linear, sigmaW2: 2 }));
  return network(4, layers);
}

describe('infinite-width kernel maps (apps/docs/theory/infinite-width.md#mlp-recursions, #residual-mlp, apps/docs/theory/reference-values.md#relu-ntk, #ntk-means)', () => {
  it('relu NTK/NNGP match apps/docs/theory/reference-values.md#relu-ntk to 1e-9 (closed-form arc-cosine duals)', () => {
    const cases: Array<[number, number, number, number | null]> = [
      [1, 0.5, 0.9423311144, 0.608997781],
      [1, 0, 1 / Math.PI, null],
      [1, -0.5, -0.0576688856, null],
      [2, 0.5, 1.3514795611, 0.6839056509],
      [2, 0, 0.6857086363, null],
      [3, 0.5, 1.7378446792, null],
      [3, 0, 1.0603881068, null],
    ];
    for (const [L, cos, ntk, nngp] of cases) {
      const k = pair(reluNet(L), 1, 1, cos);
      expect(k.ntk, `L=${L} cos=${cos}`).toBeCloseTo(ntk, 9);
      if (nngp !== null) expect(k.nngp).toBeCloseTo(nngp, 9);
      // Diagonal = L + 1 (each layer adds 1 at the edge of chaos), NNGP diagonal = 1.
      expect(k.ntkXX).toBeCloseTo(L + 1, 12);
      expect(k.nngpXX).toBeCloseTo(1, 12);
    }
  });

  it('residual erf network matches apps/docs/theory/infinite-width.md#residual-mlp (4 printed digits)', () => {
    // σ_{w,in}² = 2, d = 2, unit inputs at 60°: record ⟨x,y⟩/d = (1/2, 1/2, 1/4) in the NTK parametrisation.
    const net = (blocks: number): Network =>
      network(2, [
        dense({ width: 6, activation: linear, parametrization: 'ntk', sigmaW2: 2 }),
        ...Array.from({ length: blocks }, () => residual({ activation: erf, sigmaW: 1 })),
        activationLayer({ activation: erf }),
        dense({ width: 1, activation: linear, parametrization: 'ntk', sigmaW2: 1 }),
      ]);
    const k2 = pair(net(1), 0.5, 0.5, 0.25);
    // Reference values are printed to 4 decimals: |error| ≤ 5e-5.
    expect(Math.abs(k2.ntk - 0.5652)).toBeLessThan(5e-5 + 1e-9);
    expect(Math.abs(k2.ntkXX - 1.5245)).toBeLessThan(5e-5 + 1e-9);
    const k3 = pair(net(2), 0.5, 0.5, 0.25);
    expect(Math.abs(k3.ntk - 0.6643)).toBeLessThan(5e-5 + 1e-9);
    expect(Math.abs(k3.ntkXX - 2.1005)).toBeLessThan(5e-5 + 1e-9);
  });

  it('standard parametrisation: E Θ(x,x) = χ^L(1 + LM/n0) + Σ χ^k (apps/docs/theory/dispersion.md#exact-finite-width, apps/docs/theory/reference-values.md#ntk-means: n0 = M = 20, L = 6 → 14)', () => {
    const build = (bias: boolean, sw2: number): Network =>
      network(20, [
        ...Array.from({ length: 6 }, () =>
          dense({ width: 20, activation: relu, parametrization: 'standard', sigmaW2: sw2, bias, sigmaB2: 0 }),
        ),
        dense({ width: 1, activation: linear, parametrization: 'standard', sigmaW2: sw2, bias, sigmaB2: 0 }),
      ]);
    // ‖x‖ = 1, so the per-coordinate record is 1/n0.
    const x = [1 / 20, 1 / 20, 0.3 / 20] as const;
    expect(pair(build(true, 2), ...x).ntkXX).toBeCloseTo(14, 12);
    expect(pair(build(false, 2), ...x).ntkXX).toBeCloseTo(7, 12);
    // Ordered phase σ_w² = 1.5, χ = 0.75: weights χ^6 (1 + 6), biases Σ_{k≤6} χ^k.
    const chi = 0.75;
    const expected = chi ** 6 * 7 + (1 - chi ** 7) / (1 - chi);
    expect(pair(build(true, 1.5), ...x).ntkXX).toBeCloseTo(expected, 12);
  });

  it('standard kernel map without a valid input shape and a bad input Gram throw E_SHAPE / E_INPUT', () => {
    const layer = dense({ width: 3, activation: relu, parametrization: 'standard' });
    // The input width is read from the shape, which the layer checks like init does (E_SHAPE).
    expect(() => layer.kernelMap!({ spatial: [], channels: 0 })).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => layer.kernelMap!({ spatial: [2], channels: 3 })).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => gramKernelRecord(Float64Array.of(1, 2, 2, 1), 2)).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => gramKernelRecord(Float64Array.of(1, 0.5, 0.4, 1), 2)).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => gramKernelRecord(Float64Array.of(1, 0, 0), 2)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
  });

  it('a network with a layer that has no kernel map is refused with E_INPUT naming it; a linear dense layer keeps the record Gaussian', () => {
    const { kernelMap: _omitted, ...withoutMap } = dense({ width: 4, activation: relu });
    const net = network(3, [
      dense({ width: 4, activation: relu }),
      withoutMap,
      dense({ width: 1, activation: 'linear' }),
    ]);
    expect(() => networkKernelMap(net)).toThrow(
      expect.objectContaining({ code: 'E_INPUT', message: expect.stringContaining('layer 2 (dense)') }),
    );
    // By name or by object, φ = x adds no activation map: a residual block may follow (it needs a Gaussian input).
    for (const act of ['linear', linear]) {
      const out = dense({ width: 4, activation: act }).kernelMap!({ spatial: [], channels: 3 }).map(
        gramKernelRecord(Float64Array.of(1, 0.2, 0.2, 1), 2),
      );
      expect(out.gaussian).toBe(true);
      expect(Array.from(out.nngp)).toEqual([1, 0.2, 0.2, 1]);
    }
  });
});
