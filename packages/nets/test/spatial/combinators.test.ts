import { describe, expect, it } from 'vitest';
import { createRng, type Layer } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import {
  initSpatialNetwork,
  spatialActivation,
  spatialConv,
  spatialDense,
  spatialEmpiricalKernels,
  spatialFanInSum,
  spatialFlatten,
  spatialGlobalAvgPool,
  spatialIdentity,
  spatialLayerNorm,
  spatialResidual,
  spatialSerial,
} from '../../src/index.js';
import { ctx, FD_TOL, checkVjp, copyParams, expectClose, finiteDifferenceNtk, randomActivations } from './fd.js';

const shape = { spatial: [5], channels: 2 };

/** A scalar-output branch: conv, activation, pooling, readout. */
const scalarBranch = (fn: string, W_std: number): Layer[] => [
  spatialConv({ width: 3, filter: [3], padding: 'SAME', W_std, b_std: 0.2 }),
  spatialActivation({ fn }),
  spatialGlobalAvgPool(),
  spatialDense({ width: 1, b_std: 0.1 }),
];

describe('combinators', () => {
  it('vjps match central differences', () => {
    const rng = createRng(21);
    checkVjp(
      spatialSerial([spatialConv({ width: 3, filter: [2] }), spatialActivation({ fn: 'tanh' })]),
      shape,
      rng.split(1),
    );
    checkVjp(
      spatialFanInSum({
        branches: [
          [spatialDense({ width: 3 }), spatialActivation({ fn: 'erf' })],
          spatialConv({ width: 3, filter: [3], padding: 'SAME' }),
        ],
        weights: [0.7, -1.3],
      }),
      shape,
      rng.split(2),
    );
    checkVjp(
      spatialResidual({
        branch: [spatialActivation({ fn: 'tanh' }), spatialDense({ width: 2, b_std: 0.1 })],
        alpha: 0.6,
      }),
      shape,
      rng.split(3),
    );
    checkVjp(spatialIdentity(), shape, rng.split(4));
  });

  it('a sum of two scalar branches has NTK w₁² Θ₁ + w₂² Θ₂ and output w₁f₁ + w₂f₂ (disjoint parameters, shared input)', () => {
    const [w1, w2] = [0.8, -1.5];
    const b1 = scalarBranch('tanh', 1.4);
    const b2 = scalarBranch('gelu', 0.9);
    const sum = spatialFanInSum({ branches: [b1, b2], weights: [w1, w2] });
    const rng = createRng(22);
    const { params } = initSpatialNetwork([sum], shape, rng.split('init'));
    const x = randomActivations(rng.split('x'), 4, shape);
    const whole = spatialEmpiricalKernels([sum], params, x, ctx.backend);
    // The same parameters, split by hand into the two branches' layer lists.
    const branchParams = (i: number, count: number) =>
      Array.from({ length: count }, (_, l) =>
        Object.fromEntries(
          Object.entries(params[0])
            .filter(([k]) => k.startsWith(`${i}/${l}/`))
            .map(([k, v]) => [k.slice(`${i}/${l}/`.length), v]),
        ),
      );
    const k1 = spatialEmpiricalKernels(b1, branchParams(0, 4), x, ctx.backend);
    const k2 = spatialEmpiricalKernels(b2, branchParams(1, 4), x, ctx.backend);
    expectClose(
      whole.outputs,
      k1.outputs.map((f, a) => w1 * f + w2 * k2.outputs[a]),
      1e-14,
      'outputs',
    );
    expectClose(
      whole.ntk!,
      k1.ntk!.map((t, i) => w1 * w1 * t + w2 * w2 * k2.ntk![i]),
      1e-13,
      'NTK',
    );
  });

  it('a serial block gives the same kernels as its layers listed flat', () => {
    const inner = [
      spatialConv({ width: 3, filter: [2], b_std: 0.3 }),
      spatialActivation({ fn: 'tanh' }),
      spatialLayerNorm(),
    ];
    const tail = [spatialFlatten(), spatialDense({ width: 1 })];
    const nested = [spatialSerial(inner), ...tail];
    const rng = createRng(23);
    const { params } = initSpatialNetwork(nested, shape, rng.split('init'));
    const flatParams = [0, 1, 2].map((l) =>
      Object.fromEntries(
        Object.entries(params[0])
          .filter(([k]) => k.startsWith(`${l}/`))
          .map(([k, v]) => [k.slice(2), v]),
      ),
    );
    const x = randomActivations(rng.split('x'), 3, shape);
    const a = spatialEmpiricalKernels(nested, params, x, ctx.backend);
    const b = spatialEmpiricalKernels([...inner, ...tail], [...flatParams, params[1], params[2]], x, ctx.backend);
    expectClose(a.ntk!, b.ntk!, 1e-14, 'NTK');
    expectClose(a.ck!, b.ck!, 1e-14, 'CK');
  });

  it('residual networks: NTK = J Jᵀ by finite differences', () => {
    const layers = [
      spatialConv({ width: 3, filter: [3], padding: 'SAME' }),
      spatialResidual({
        alpha: 0.7,
        branch: [
          spatialActivation({ fn: 'tanh' }),
          spatialConv({ width: 3, filter: [3], padding: 'SAME', W_std: 1.4, b_std: 0.1 }),
        ],
      }),
      spatialFanInSum({
        branches: [spatialIdentity(), [spatialLayerNorm(), spatialDense({ width: 3 })]],
        weights: [0.5, 1.2],
      }),
      spatialActivation({ fn: 'erf' }),
      spatialGlobalAvgPool(),
      spatialDense({ width: 1 }),
    ];
    const rng = createRng(24);
    const params = initSpatialNetwork(layers, shape, rng.split('init')).params.map(copyParams);
    const x = randomActivations(rng.split('x'), 3, shape);
    const k = spatialEmpiricalKernels(layers, params, x, ctx.backend, { perLayer: true });
    const fd = finiteDifferenceNtk(layers, params, x);
    expectClose(k.ntk!, fd.ntk, FD_TOL, 'NTK');
    layers.forEach((layer, i) => {
      if (k.perLayer![i] !== null)
        expectClose(k.perLayer![i]!, fd.perLayer[i], FD_TOL, `layer ${i + 1} (${layer.kind})`);
    });
  });

  it('rejects bad combinations, naming the combinator', () => {
    expectSpecError(() => spatialSerial([]), 'E_INPUT', /serial/);
    expectSpecError(() => spatialFanInSum({ branches: [] }), 'E_INPUT', /sum/);
    expectSpecError(
      () => spatialFanInSum({ branches: [spatialIdentity()], weights: [1, 2] }),
      'E_INPUT',
      /sum/,
      /weights/,
    );
    expectSpecError(
      () => spatialResidual({ branch: spatialIdentity(), alpha: Number.NaN }),
      'E_INPUT',
      /residual/,
      /alpha/,
    );
    expectSpecError(
      () => spatialFanInSum({ branches: [spatialIdentity(), spatialDense({ width: 4 })] }).init(shape, createRng(0)),
      'E_SHAPE',
      /sum/,
      /branch 2/,
    );
    const s = spatialSerial([spatialDense({ width: 2 })]);
    const x = randomActivations(createRng(1), 2, shape);
    expectSpecError(() => s.apply({ W: new Float64Array(4) }, x, ctx), 'E_SHAPE', /serial/, /"W"/);
    expect(s.kind).toBe('serial');
  });
});
