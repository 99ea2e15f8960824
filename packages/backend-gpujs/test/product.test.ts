import { createRng } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import { describe, expect, it } from 'vitest';
import type { GpuInstance, KernelFn, KernelSettings } from '../src/gpujs-types.js';
import { KernelCache } from '../src/kernel-cache.js';
import { GPU } from '../src/gpujs-types.js';
import { PROBE_TOLERANCE, type ProductInput, checkProduct, tiledProduct } from '../src/product.js';

function randomInput(m: number, n: number, k: number, seed: number): ProductInput {
  const rng = createRng(seed);
  const a = new Float32Array(m * k);
  const bt = new Float32Array(n * k);
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  for (let i = 0; i < bt.length; i++) bt[i] = rng.normal();
  return { a, bt, m, n, k };
}

function exact(input: ProductInput): Float64Array {
  const { a, bt, m, n, k } = input;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) s += a[i * k + q] * bt[j * k + q];
      out[i * n + j] = s;
    }
  return out;
}

/**
 * A stand-in for gpu.js that behaves like its reported large-texture failures (issues 491, 817):
 * kernels whose output exceeds `limit` cells return all zeros without an error.
 */
function zeroingGpu(limit: number): GpuInstance & { calls: number[][] } {
  const real = new GPU({ mode: 'cpu' });
  const calls: number[][] = [];
  return {
    mode: 'fake',
    calls,
    createKernel(source: string, settings: KernelSettings): KernelFn {
      const kernel = real.createKernel(source, settings);
      const cells = settings.output.reduce((p, v) => p * v, 1);
      const fn = (...args: ReadonlyArray<Float32Array | number>): unknown => {
        calls.push([...settings.output]);
        const out = kernel(...args);
        if (cells <= limit) return out;
        return (out as Float32Array[]).map((row) => new Float32Array(row.length));
      };
      return fn;
    },
    destroy: () => real.destroy(),
  };
}

describe('tiled product and probe validation', () => {
  it('tiles never exceed the tile and kTile limits, and the tiled sum is right', () => {
    const gpu = zeroingGpu(Infinity);
    const input = randomInput(23, 18, 29, 1);
    const P = tiledProduct(new KernelCache(gpu), input, { tile: 8, kTile: 10 }, 'fake');
    for (const [cols, rows] of gpu.calls) {
      expect(cols).toBeLessThanOrEqual(8);
      expect(rows).toBeLessThanOrEqual(8);
    }
    // 3 row tiles × 3 column tiles × 3 k tiles
    expect(gpu.calls.length).toBe(27);
    const want = exact(input);
    // k = 29 float32 products per entry: error ≤ 31·u·Σ|a||b| ≤ 31·6e-8·29·(max|a|·max|b| ≲ 16) ≈ 1e-3 absolute
    for (let i = 0; i < want.length; i++) expect(Math.abs(P[i] - want[i])).toBeLessThan(1e-3);
    expect(() => checkProduct(P, input, 'fake')).not.toThrow();
  });

  it('a backend that silently returns zeros for big tiles is caught by the probe (gpu.js issues 491, 817)', () => {
    const input = randomInput(20, 20, 12, 2);
    // 16 × 16 output tiles exceed the fake limit of 100 cells and come back as zeros.
    const P = tiledProduct(new KernelCache(zeroingGpu(100)), input, { tile: 16, kTile: 12 }, 'fake');
    expect(P.every((v) => v === 0 || Number.isFinite(v))).toBe(true);
    expectSpecError(
      () => checkProduct(P, input, 'fake'),
      'E_BACKEND',
      /wrong 20 × 20 product \(probe check failed in row 0/,
    );
    // with tiles under the limit the same fake computes correctly and passes
    const Q = tiledProduct(new KernelCache(zeroingGpu(100)), input, { tile: 10, kTile: 12 }, 'fake');
    expect(() => checkProduct(Q, input, 'fake')).not.toThrow();
  });

  it('the probe flags a single wrong entry but not float32 rounding', () => {
    const input = randomInput(15, 11, 40, 3);
    const P = exact(input);
    // perturb every entry by float32-sized relative noise (10 ulps): still passes
    const noisy = P.map((v, i) => v * (1 + (i % 2 ? 1 : -1) * 10 * 2 ** -24));
    expect(() => checkProduct(noisy, input, 'fake')).not.toThrow();
    const broken = Float64Array.from(P);
    broken[7 * 11 + 4] += 0.5;
    expectSpecError(() => checkProduct(broken, input, 'fake'), 'E_BACKEND', /row 7/);
  });

  it('the probe reports a non-finite entry', () => {
    const input = randomInput(3, 3, 2, 4);
    const P = exact(input);
    P[4] = Number.POSITIVE_INFINITY;
    expectSpecError(() => checkProduct(P, input, 'fake'), 'E_BACKEND', /non-finite entry in row 1/);
  });

  it('PROBE_TOLERANCE leaves a 16× margin over the worst-case float32 error of a 1024 k-tile', () => {
    expect((1024 + 2) * 2 ** -24 * 16).toBeLessThan(PROBE_TOLERANCE);
  });
});
