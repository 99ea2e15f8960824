import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Activations, type LayerParams } from '@spec/core';
import {
  activationLayer,
  dense,
  empiricalKernels,
  fanInSum,
  hasLeanNtk,
  initNetwork,
  leanNtk,
  leanNtkFactors,
  network,
  relu,
  serial,
  spatialFlatten,
  spatialGlobalAvgPool,
  spatialIdentity,
  spatialLayerNorm,
  spatialResidual,
  tanh,
  tiledNtkOperator,
  type Network,
  type NetworkParams,
} from '../../src/index.js';
import { finiteDifferenceJacobian, gramOfRows } from '../fixtures/finite-difference.js';

/*
 * The one layer contract lets every NTK route take any network whose layers state their share in factored form: here
 * networks on inputs with positions, through LayerNorm, pooling, flatten and the serial / sum / residual combinators
 * (parameter-free layers and blocks give their terms too), checked against J Jᵀ by finite differences and against the
 * stored route.
 */

const backend = createCpuBackend({ threads: 1 });
afterAll(() => backend.dispose());

/** n samples of shape [L] × C, N(0, 1) entries. */
function inputs(n: number, L: number, C: number, seed: number): Activations {
  const data = new Float64Array(n * L * C);
  createRng(seed).fillNormal(data);
  return { data, samples: n, spatial: [L], channels: C };
}

/** J Jᵀ (n × n, row-major) with J the central-difference Jacobian of the outputs in every parameter (h = 1e-5). */
function finiteDifferenceNtk(net: Network, params: NetworkParams, x: Activations): Float64Array {
  return Float64Array.from(gramOfRows(finiteDifferenceJacobian(net, params, x, backend)).flat());
}

const maxAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const mlpBlock = (width: number) =>
  serial([
    dense({ width, activation: tanh, parametrization: 'ntk', bias: true }),
    activationLayer({ activation: relu }),
  ]);

/** Two networks on sequences: LayerNorm → flatten → MLP blocks with a sum and a residual; and global pooling. */
const nets: Array<[string, () => Network]> = [
  [
    'layernorm → flatten → serial block → weighted sum → residual → readout',
    () =>
      network({ spatial: [3], channels: 2 }, [
        spatialLayerNorm(),
        spatialFlatten(),
        mlpBlock(5),
        fanInSum({
          branches: [spatialIdentity(), [dense({ width: 5, activation: 'linear', parametrization: 'ntk' })]],
          weights: [0.5, 1.2],
        }),
        spatialResidual({ branch: mlpBlock(5), alpha: 0.7 }),
        dense({ width: 1, activation: 'linear', parametrization: 'ntk' }),
      ]),
  ],
  [
    'global average pooling → MLP',
    () =>
      network({ spatial: [4], channels: 3 }, [
        spatialGlobalAvgPool(),
        mlpBlock(6),
        dense({ width: 1, activation: 'linear', parametrization: 'ntk', bias: true }),
      ]),
  ],
];

describe('lean and matrix-free NTK routes on networks with positions and combinators', () => {
  for (const [name, build] of nets) {
    it(`${name}: leanNtk = J Jᵀ by finite differences = the stored route; tiled = stored`, () => {
      const net = build();
      expect(hasLeanNtk(net)).toBe(true);
      const n = 5;
      const x = inputs(n, net.inShape.spatial[0], net.inShape.channels, 21);
      const params = initNetwork(net, createRng(4));
      const ref = finiteDifferenceNtk(net, params, x);
      const owned: Array<LayerParams | null> = [...params];
      const lean = leanNtk(net, owned, x, backend).ntk.data;
      // Central differences with h = 1e-5: each Jacobian entry is good to ≲ 1e-10 (truncation h²|f‴|/6, rounding
      // ε|f|/h ≈ 1e-11), so J Jᵀ over a few hundred parameters is good to ≲ 1e-8 of its scale; 1e-7 leaves room without
      // hiding a missing or doubled term (≳ 1e-2 of the scale).
      const scale = Math.max(1, maxAbs(ref));
      expect(maxDiff(lean, ref)).toBeLessThan(1e-7 * scale);
      // The stored route forms the same terms' shares one by one: equal to the lean sum to rounding.
      const stored = empiricalKernels(net, params, x, backend).ntk!.data;
      expect(maxDiff(stored, lean)).toBeLessThan(1e-13 * scale);
      const V = new Float64Array(2 * n);
      createRng(9).fillNormal(V);
      const want = new Float64Array(2 * n);
      for (let q = 0; q < 2; q++)
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) want[q * n + i] += stored[i * n + j] * V[q * n + j];
      for (const form of ['tiled', 'factored'] as const) {
        const { apply } = tiledNtkOperator(leanNtkFactors(net, [...params], x, backend), backend, 2, form);
        const out = new Float64Array(2 * n);
        apply(V, out, 2);
        expect(maxDiff(out, want), form).toBeLessThan(1e-12 * maxAbs(want));
      }
    });
  }
});
