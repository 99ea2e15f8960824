import { describe, expect, it } from 'vitest';
import { registry, use } from '@spec/core';
import '../../src/index.js';
import {
  architectureKernelMatrices,
  inputSpatialKernel,
  kernelMapFromSpec,
  type ArchitectureSpec,
} from '../../src/kernel-maps/index.js';
import { blockwiseKernelMatrices, blockwisePlan, type BlockwisePlan } from '../../src/kernel-maps/blockwise-kernels.js';
import { parallelBlockwiseKernels, workerPlugins } from '../../src/kernel-maps/parallel-blockwise.js';
import wavePlugin from '../fixtures/wave-activation-plugin.js';
import { randomData } from './helpers.js';

const WAVE_URL = new URL('../fixtures/wave-activation-plugin.ts', import.meta.url).href;
use(wavePlugin, { module: WAVE_URL });

/** A residual CNN: residual blocks with LayerNorm, the second after relu (channel means), and a plugin activation. */
const CNN: ArchitectureSpec = [
  { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
  { layer: 'residual', branch: [{ layer: 'layernorm' }, { layer: 'conv', filter: [3, 3], padding: 'SAME' }] },
  { layer: 'relu' },
  { layer: 'residual', branch: [{ layer: 'layernorm' }, { layer: 'conv', filter: [2, 2], padding: 'SAME' }] },
  { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
  { layer: 'wave' },
  { layer: 'global_avg_pool' },
  { layer: 'dense', W_std: 1.4, b_std: 0.1 },
];
const SHAPE = [14, 4, 4, 2];

/** This thread's rows made slow (a worker thread starting from the TypeScript sources takes ≈ 1–2 s), so workers take rows. */
function slowRows(plan: BlockwisePlan, ms: number): BlockwisePlan {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return {
    ...plan,
    diagonal: (out) => plan.diagonal(out),
    row(a, out) {
      Atomics.wait(pause, 0, 0, ms);
      plan.row(a, out);
    },
  };
}

function plan(spec: ArchitectureSpec, data: Float64Array, form: 'full' | 'diagonal' = 'full'): BlockwisePlan {
  const map = kernelMapFromSpec(spec);
  const spatial = SHAPE.slice(1, -1);
  return blockwisePlan(data, SHAPE, (form === 'full' ? map.blocks : map.diagonalBlocks)!(spatial)!, form);
}

/** A CNN without pooling: the diagonal record suffices (conv, the plugin activation, strided VALID conv, flatten). */
const CNN_FLAT: ArchitectureSpec = [
  { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.3, b_std: 0.2 },
  { layer: 'wave' },
  { layer: 'conv', filter: [2, 2], strides: [2, 2], padding: 'VALID', W_std: 1.2 },
  { layer: 'relu' },
  { layer: 'flatten' },
  { layer: 'dense', W_std: 1.1, b_std: 0.1 },
];

describe('pair-by-pair kernels on worker threads (apps/docs/theory/architectures.md#blockwise)', () => {
  it('a worker that imports the plugin module takes rows, and the kernels are bit for bit the one-thread ones', () => {
    const data = randomData(SHAPE, 5);
    const serial = blockwiseKernelMatrices(plan(CNN, data));
    const plugins = workerPlugins(registry);
    expect(plugins).toEqual([{ url: WAVE_URL, override: false }]);
    const r = parallelBlockwiseKernels(
      slowRows(plan(CNN, data), 400),
      { spec: CNN, data, shape: SHAPE, form: 'full', plugins: plugins! },
      2,
    );
    expect(r.threads.failure).toBeUndefined();
    expect(r.threads.threads).toBe(2);
    expect(r.threads.workerRows).toBeGreaterThan(0);
    expect(Array.from(r.kernels.nngp)).toEqual(Array.from(serial.nngp));
    expect(Array.from(r.kernels.ntk)).toEqual(Array.from(serial.ntk));
    // And the record route's numbers (every layer's map on the whole record).
    const record = kernelMapFromSpec(CNN).map(inputSpatialKernel(data, SHAPE, { form: 'full' }));
    expect(Array.from(serial.ntk)).toEqual(Array.from(record.ntk));
  }, 30_000);

  it('a worker that cannot rebuild the network reports why, and this thread computes its rows', () => {
    const data = randomData(SHAPE, 6);
    const serial = blockwiseKernelMatrices(plan(CNN, data));
    const missing = new URL('../fixtures/no-such-plugin.ts', import.meta.url).href;
    const r = parallelBlockwiseKernels(
      slowRows(plan(CNN, data), 100),
      { spec: CNN, data, shape: SHAPE, form: 'full', plugins: [{ url: missing, override: false }] },
      2,
    );
    expect(r.threads.workerRows).toBe(0);
    expect(r.threads.failure).toMatch(/no-such-plugin/);
    expect(Array.from(r.kernels.nngp)).toEqual(Array.from(serial.nngp));
    expect(Array.from(r.kernels.ntk)).toEqual(Array.from(serial.ntk));
  }, 30_000);

  it('the diagonal record pair by pair: bit for bit the record route, on one thread and with a worker', () => {
    const data = randomData(SHAPE, 8);
    const record = kernelMapFromSpec(CNN_FLAT).map(inputSpatialKernel(data, SHAPE, { form: 'diagonal' }));
    const serial = blockwiseKernelMatrices(plan(CNN_FLAT, data, 'diagonal'));
    // The same operations on the same numbers in the same order: no tolerance.
    expect(Array.from(serial.nngp)).toEqual(Array.from(record.nngp));
    expect(Array.from(serial.ntk)).toEqual(Array.from(record.ntk));
    const r = parallelBlockwiseKernels(
      slowRows(plan(CNN_FLAT, data, 'diagonal'), 400),
      { spec: CNN_FLAT, data, shape: SHAPE, form: 'diagonal', plugins: workerPlugins(registry)! },
      2,
    );
    expect(r.threads.failure).toBeUndefined();
    expect(r.threads.workerRows).toBeGreaterThan(0);
    expect(Array.from(r.kernels.nngp)).toEqual(Array.from(record.nngp));
    expect(Array.from(r.kernels.ntk)).toEqual(Array.from(record.ntk));
    // Through the public entry point: the diagonal form is chosen and taken pair by pair.
    const auto = architectureKernelMatrices({ spec: CNN_FLAT, data, shape: SHAPE, threads: 1 });
    expect([auto.form, auto.route]).toEqual(['diagonal', 'pair-by-pair']);
    expect(Array.from(auto.ntk)).toEqual(Array.from(record.ntk));
  }, 30_000);

  it('architectureKernelMatrices: one thread below the work threshold or with an inline-registered activation plugin', () => {
    const data = randomData(SHAPE, 7);
    const small = architectureKernelMatrices({ spec: CNN, data, shape: SHAPE, threads: 2 });
    expect(small.threads).toEqual({ threads: 1, workerRows: 0 });
    // A plugin with activations registered without its module cannot be registered in a worker.
    use({
      name: 'inline-activation',
      activations: [{ name: 'inline_cube', fn: (x) => x ** 3, deriv: (x) => 3 * x * x }],
    });
    expect(workerPlugins(registry)).toBeNull();
    const inline = architectureKernelMatrices({ spec: CNN, data, shape: SHAPE, threads: 2, minParallelWork: 0 });
    expect(inline.threads).toEqual({ threads: 1, workerRows: 0 });
    expect(Array.from(inline.ntk)).toEqual(Array.from(small.ntk));
  });
});
