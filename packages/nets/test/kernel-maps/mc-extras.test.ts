import { describe, expect, it } from 'vitest';
import { createRng } from '@spec/core';
import { checkData } from './check-data.js';
import { finiteNetwork } from './finite-net.js';
import { expectMonteCarloAgreement } from './monte-carlo.js';

/** Layers and options the check architectures do not use, each in a small network. */
const EXTRAS: Record<string, [number[], ReadonlyArray<Record<string, unknown>>]> = {
  // avg_pool SAME with normalize_edges, sum_pool VALID stride 2, dense per position, last without an RNN.
  'pool-variants': [
    [3, 7, 2],
    [
      { layer: 'conv', filter: [2], padding: 'SAME', W_std: 1.2 },
      { layer: 'avg_pool', window: [3], padding: 'SAME', normalize_edges: true },
      { layer: 'erf' },
      { layer: 'conv', filter: [3], strides: [2], padding: 'CIRCULAR', W_std: 1.3, b_std: 0.2 },
      { layer: 'sum_pool', window: [2], strides: [2], padding: 'VALID' },
      { layer: 'dense', W_std: 1.1, b_std: 0.2 },
      { layer: 'relu' },
      { layer: 'last' },
      { layer: 'dense' },
    ],
  ],
  // Tied 1/d attention with the identity mechanism inside a weighted two-branch sum; LayerNorm with eps after the activation (before it, the normalisation would hide a wrong scale of the sum).
  'attn-identity-sum': [
    [3, 4, 3],
    [
      { layer: 'dense', W_std: 1.0, b_std: 0.1 },
      {
        layer: 'sum',
        weights: [0.8, 1.2],
        branches: [
          [{ layer: 'attention', mode: 'tied', mechanism: 'identity', QK_std: 0.7, OV_std: 1.1 }],
          [{ layer: 'conv', filter: [2], padding: 'SAME', b_std: 0.3 }],
        ],
      },
      { layer: 'erf' },
      { layer: 'layernorm', eps: 0.1 },
      { layer: 'global_avg_pool' },
      { layer: 'dense', W_std: 1.3 },
    ],
  ],
};

describe('kernel maps against Monte Carlo of finite networks: other layers and options (apps/docs/theory/architectures.md#monte-carlo)', () => {
  for (const [name, [shape, spec]] of Object.entries(EXTRAS)) {
    it(`${name}: NNGP and NTK of finite networks at N = 32, 128 converge to the limit`, () => {
      expectMonteCarloAgreement({ spec, data: checkData(shape), shape, widths: [32, 128], nets: [80, 24] });
    });
  }

  it("the finite networks' parameter gradients (hence their NTK) agree with central finite differences", () => {
    // Every layer kind of the finite networks at once: conv, pooling, LayerNorm, attention (softmax, tied), RNN, sum.
    const spec = [
      { layer: 'conv', filter: [2], padding: 'SAME', W_std: 1.2, b_std: 0.1 },
      { layer: 'avg_pool', window: [2], padding: 'SAME' },
      { layer: 'layernorm', eps: 0.1 },
      { layer: 'residual', alpha: 0.5, branch: [{ layer: 'attention', QK_std: 0.9, OV_std: 1.1, n_heads: 2 }] },
      { layer: 'rnn', act: 'tanh', W_std: 1.1, U_std: 1.2, b_std: 0.2 },
      { layer: 'global_avg_pool' },
      { layer: 'dense', W_std: 1.3, b_std: 0.2 },
    ];
    const shape = [1, 5, 3];
    const x = checkData(shape);
    const net = finiteNetwork(spec as never, [5], 3, 6, createRng(7));
    const { grad } = net.run(x);
    const rng = createRng(8);
    let offset = 0;
    for (const p of net.params) {
      for (let k = 0; k < 3; k++) {
        const i = rng.int(p.length);
        const keep = p[i];
        const h = 1e-5;
        p[i] = keep + h;
        const up = net.run(x).f;
        p[i] = keep - h;
        const down = net.run(x).f;
        p[i] = keep;
        // Central differences: truncation O(h²·f‴) ~ 1e-10 and rounding ~1e-16/h ~ 1e-11 on outputs of order 1.
        expect(Math.abs((up - down) / (2 * h) - grad[offset + i])).toBeLessThanOrEqual(1e-8);
      }
      offset += p.length;
    }
  });
});
