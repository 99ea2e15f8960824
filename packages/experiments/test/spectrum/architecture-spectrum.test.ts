import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, isSpecError } from '@spec/core';
import {
  initSpatialNetwork,
  spatialEmpiricalKernels,
  spatialForward,
  spatialNetworkFromSpec,
  type ArchitectureSpec,
} from '@spec/nets';
import { describe, expect, it } from 'vitest';
import { architectureSpectrumJob } from '../../src/index.js';

const backend = createCpuBackend();
const ctx = { backend };
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
    if (r.comparison !== 'infinite-width-kernel') throw new Error('expected a comparison with the limit');
    expect(r.form).toBe('diagonal');
    // The same draw, rebuilt here: the readout's input z and its Gram, independent of the job's scaling code.
    const net = spatialNetworkFromSpec(SPEC, { width: 7 });
    const { params } = initSpatialNetwork(net.layers, { spatial: [3, 3], channels: 2 }, createRng(3));
    const x = { data, samples: 5, spatial: [3, 3], channels: 2 };
    const z = spatialForward(net.layers, params, x, ctx.backend).activations[3];
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

  it('reports the progress of its infinite-width kernels, ending at the n(n + 1)/2 blocks', () => {
    const calls: Array<[number, number]> = [];
    architectureSpectrumJob({
      spec: SPEC,
      data,
      shape,
      width: 4,
      rng: createRng(3),
      backend,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(calls[calls.length - 1]).toEqual([15, 15]);
  });

  it('refuses before allocating: E_MEMORY when the network would not fit', () => {
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
  });

  it('a network with no closed-form limit gets its finite spectra alone, the same as through the empirical kernels', () => {
    const pooled: ArchitectureSpec = [
      { layer: 'conv', filter: [2, 2], padding: 'SAME', W_std: 1.3 },
      { layer: 'relu' },
      { layer: 'max_pool', window: [2, 2] },
      { layer: 'flatten' },
      { layer: 'dense', W_std: 1.1 },
    ];
    const r = architectureSpectrumJob({ spec: pooled, data, shape, width: 6, rng: createRng(4), backend });
    if (r.comparison !== 'none') throw new Error('expected finite spectra only');
    expect(r.noLimit).toMatch(/layer 3 \(max_pool\).*maximum of correlated Gaussians/);
    // The NTK's trace from the same draw through the empirical kernels directly.
    const net = spatialNetworkFromSpec(pooled, { width: 6 });
    const { params } = initSpatialNetwork(net.layers, { spatial: [3, 3], channels: 2 }, createRng(4));
    const x = { data, samples: 5, spatial: [3, 3], channels: 2 };
    const ntk = spatialEmpiricalKernels(net.layers, params, x, ctx.backend, { kernel: 'ntk' }).ntk!;
    let tr = 0;
    for (let a = 0; a < 5; a++) tr += ntk[a * 5 + a];
    expect(r.ntk!.mean).toBeCloseTo(tr / 5, 10);
    expect(r.ntk!.eigenvalues).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(r.ntk!.eigenvalues[i]).toBeLessThanOrEqual(r.ntk!.eigenvalues[i - 1]);
    expect(r.ck!.mean).toBeGreaterThan(0);
  });
});
