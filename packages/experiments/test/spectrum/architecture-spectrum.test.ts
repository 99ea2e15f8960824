import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, isSpecError } from '@spec/core';
import { initSpatialNetwork, spatialForward, spatialNetworkFromSpec, type ArchitectureSpec } from '@spec/nets';
import { describe, expect, it } from 'vitest';
import { architectureSpectrumJob } from '../../src/index.js';

const backend = createCpuBackend();
const SPEC: ArchitectureSpec = [
  { layer: 'conv', filter: [2, 2], padding: 'SAME', W_std: 1.3, b_std: 0.2 },
  { layer: 'erf' },
  { layer: 'flatten' },
  { layer: 'dense', W_std: 1.2, b_std: 0.3 },
];
const shape = [5, 3, 3, 2];
const data = new Float64Array(5 * 18).map((_, i) => Math.sin(1 + 0.37 * i));

describe('architectureSpectrumJob (apps/docs/theory/architectures.md#finite-vs-infinite)', () => {
  it('scales the CK as W_std²/D ⟨z_a, z_b⟩ + b_std² of the same sampled network (checked through the trace)', () => {
    const r = architectureSpectrumJob({ spec: SPEC, data, shape, width: 7, rng: createRng(3), backend });
    expect(r.comparison).toBe('infinite-width-kernel');
    expect(r.form).toBe('diagonal');
    // The same draw, rebuilt here: the readout's input z and its Gram, independent of the job's scaling code.
    const net = spatialNetworkFromSpec(SPEC, { width: 7 });
    const { params } = initSpatialNetwork(net.layers, { spatial: [3, 3], channels: 2 }, createRng(3));
    const x = { data, samples: 5, spatial: [3, 3], channels: 2 };
    const z = spatialForward(net.layers, params, x).activations[3];
    const D = z.data.length / 5;
    expect(r.readout).toEqual({ W_std: 1.2, b_std: 0.3, fanIn: D });
    expect(D).toBe(9 * 7);
    let tr = 0;
    for (let a = 0; a < 5; a++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += z.data[a * D + j] ** 2;
      tr += (1.2 ** 2 / D) * s + 0.3 ** 2;
    }
    expect(r.ck!.mean).toBeCloseTo(tr / 5, 10);
    expect(r.parameters).toBe(4 * 2 * 7 + 7 + D + 1);
  });

  it('refuses before allocating: E_MEMORY when the network would not fit, E_INPUT (layer named) without a limit', () => {
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        if (isSpecError(e)) return `${e.code}: ${e.message}`;
        throw e;
      }
      return 'no error';
    };
    expect(
      code(() =>
        architectureSpectrumJob({
          spec: SPEC,
          data,
          shape,
          width: 7,
          rng: createRng(1),
          backend,
          memoryLimitBytes: 1e6,
        }),
      ),
    ).toMatch(/^E_MEMORY: the finite network at width 7/);
    const sqrt: ArchitectureSpec = [
      { layer: 'dense' },
      { layer: 'attention', mode: 'sqrt' },
      { layer: 'flatten' },
      { layer: 'dense' },
    ];
    expect(
      code(() => architectureSpectrumJob({ spec: sqrt, data, shape: [5, 9, 2], width: 4, rng: createRng(1), backend })),
    ).toMatch(/^E_INPUT: .*softmax attention/);
  });
});
