import { describe, expect, it } from 'vitest';
import { isSpecError } from '@spec/core';
import '../../src/index.js';
import {
  architectureKernelMatrices,
  assertArchitectureKernelsFit,
  assertRecordFits,
  inputSpatialKernel,
  kernelMapFromSpec,
  toDiagonalRecord,
} from '../../src/kernel-maps/index.js';
import { at, expectClose, randomData } from './helpers.js';

describe('input record (apps/docs/theory/architectures.md#conventions, #kernel-record)', () => {
  it('K⁰[a,p,b,q] = ⟨x_a(p), x_b(q)⟩/C, Θ⁰ = 0, m⁰ = channel mean, in both forms', () => {
    const shape = [3, 2, 3, 4];
    const X = randomData(shape, 1);
    const full = inputSpatialKernel(X, shape, { form: 'full' });
    const diag = inputSpatialKernel(X, shape);
    expect(diag.form).toBe('diagonal');
    expect(full.spatial).toEqual([2, 3]);
    const x = (a: number, p: number, c: number) => X[(a * 6 + p) * 4 + c];
    for (let a = 0; a < 3; a++) {
      for (let p = 0; p < 6; p++) {
        expect(full.mean![a * 6 + p]).toBeCloseTo((x(a, p, 0) + x(a, p, 1) + x(a, p, 2) + x(a, p, 3)) / 4, 14);
        for (let b = 0; b < 3; b++) {
          for (let q = 0; q < 6; q++) {
            let dot = 0;
            for (let c = 0; c < 4; c++) dot += x(a, p, c) * x(b, q, c);
            expect(at(full, 'nngp', a, p, b, q)).toBeCloseTo(dot / 4, 14);
          }
        }
      }
    }
    expect(full.ntk.every((v) => v === 0)).toBe(true);
    expect(full.gaussian).toBe(false);
    // The diagonal record is the full one's diagonal, bit for bit.
    expect(toDiagonalRecord(full).nngp).toEqual(diag.nngp);
    expect(diag.mean).toEqual(full.mean);
  });

  it('a full record that would not fit stops with E_MEMORY saying its size, before allocating', () => {
    const shape = [2, 4, 1];
    const X = randomData(shape, 2);
    let error: unknown;
    try {
      inputSpatialKernel(X, shape, { form: 'full', memoryLimitBytes: 100 });
    } catch (e) {
      error = e;
    }
    expect(isSpecError(error) && error.code).toBe('E_MEMORY');
    // n²L² = 2²·4² = 64 floats per kernel; the message names it and suggests the diagonal form or fewer samples.
    expect((error as Error).message).toMatch(/n²L² = 6\.40e\+1 floats/);
    expect((error as Error).message).toMatch(/diagonal form .*or fewer samples/);
    // The diagonal record of the same data is 4× smaller and fits where the full one does not.
    expect(() => inputSpatialKernel(X, shape, { form: 'full', memoryLimitBytes: 1000 })).toThrow(/E_MEMORY|would need/);
    expect(inputSpatialKernel(X, shape, { memoryLimitBytes: 1000 }).form).toBe('diagonal');
  });

  it('the CIFAR-size scale check of apps/docs/theory/architectures.md#kernel-record: 10,000 images 32×32 ask for ~381 TiB of record, refused on both routes', () => {
    // Without allocating anything: both checks run on the shape.
    const map = kernelMapFromSpec([
      { layer: 'conv', filter: [3, 3], padding: 'SAME' },
      { layer: 'relu' },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ]);
    let error: unknown;
    try {
      assertRecordFits(10_000, [32, 32], 'full');
    } catch (e) {
      error = e;
    }
    expect(isSpecError(error) && error.code).toBe('E_MEMORY');
    // 2 kernels × 10⁸·1024² floats × 8 B = 1.68e15 B.
    expect((error as Error).message).toMatch(/1\.68e\+6 GB|1680000 GB|1\.68e6/);
    // The same refusal where the network would run pair by pair (its time grows like the record); a size whose record
    // fits is checked for the pair route's own memory too: two n × n kernels and a variance per sample and layer.
    expect(() => assertArchitectureKernelsFit(map, 10_000, [32, 32], 'full')).toThrow(/full spatial kernel record/);
    expect(() => assertArchitectureKernelsFit(map, 30, [32, 32], 'full', { memoryLimitBytes: 2e10 })).not.toThrow();
    const dense = kernelMapFromSpec([{ layer: 'dense' }]);
    // n = 1000 without positions: record 2 · 10⁶ · 8 B = 16 000 000 B; pair route 8 · 1000 · (2000 + 1) B = 16 008 000 B.
    expect(() => assertArchitectureKernelsFit(dense, 1000, [], 'full', { memoryLimitBytes: 16_004_000 })).toThrow(
      /pair-by-pair .* n = 1000 samples/,
    );
    expect(() =>
      assertArchitectureKernelsFit(dense, 1000, [], 'full', { memoryLimitBytes: 1.61e7 + 8000 }),
    ).not.toThrow();
  });

  it('reports progress over the n(n + 1)/2 blocks, ending at the total, on one thread and on two', () => {
    const shape = [9, 4, 4, 2];
    const data = randomData(shape, 5);
    const spec = [
      { layer: 'conv', filter: [3, 3], padding: 'SAME' },
      { layer: 'relu' },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ];
    for (const threads of [1, 2]) {
      const calls: Array<[number, number]> = [];
      architectureKernelMatrices({
        spec,
        data,
        shape,
        threads,
        minParallelWork: 0,
        onProgress: (d, t) => calls.push([d, t]),
      });
      expect(calls.length).toBeGreaterThan(0);
      expect(calls[calls.length - 1]).toEqual([45, 45]);
      for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
    }
  });
});

describe('form choice and the diagonal record (apps/docs/theory/architectures.md#kernel-record)', () => {
  it('automatic form: diagonal unless a layer reads different positions', () => {
    expect(
      kernelMapFromSpec([{ layer: 'conv', filter: [3] }, { layer: 'relu' }, { layer: 'flatten' }, { layer: 'dense' }])
        .needsFullSpatial,
    ).toBe(false);
    for (const layer of [
      { layer: 'avg_pool', window: [2] },
      { layer: 'global_avg_pool' },
      { layer: 'attention' },
      { layer: 'rnn', act: 'erf' },
    ]) {
      expect(kernelMapFromSpec([{ layer: 'dense' }, layer]).needsFullSpatial).toBe(true);
    }
  });

  it("diagonal record = the full record's diagonal through conv, relu, erf, layernorm, residual, dense, flatten", () => {
    const shape = [3, 5, 4, 3];
    const X = randomData(shape, 3);
    const spec = [
      { layer: 'conv', filter: [3, 2], strides: [1, 2], padding: 'SAME', W_std: 1.3, b_std: 0.2 },
      { layer: 'relu' },
      {
        layer: 'residual',
        alpha: 0.5,
        branch: [
          { layer: 'conv', filter: [2, 2], padding: 'CIRCULAR' },
          { layer: 'erf' },
          { layer: 'conv', filter: [1, 3], padding: 'SAME' },
        ],
      },
      { layer: 'layernorm', eps: 0.1 },
      { layer: 'conv', filter: [2, 1], padding: 'VALID', W_std: 1.1 },
      { layer: 'tanh' },
      { layer: 'dense', W_std: 1.2, b_std: 0.1 },
      { layer: 'erf' },
      { layer: 'flatten' },
      { layer: 'dense' },
    ];
    const full = architectureKernelMatrices({ spec, data: X, shape, form: 'full' });
    const diag = architectureKernelMatrices({ spec, data: X, shape });
    expect(diag.form).toBe('diagonal');
    // The same arithmetic on the same numbers (only the layout differs), so equal up to the order of sums.
    expectClose(diag.nngp, full.nngp, 1e-14);
    expectClose(diag.ntk, full.ntk, 1e-14);
    const map = kernelMapFromSpec(spec.slice(0, 8));
    const fullRecord = map.map(inputSpatialKernel(X, shape, { form: 'full' }));
    const diagRecord = map.map(inputSpatialKernel(X, shape));
    expectClose(diagRecord.nngp, toDiagonalRecord(fullRecord).nngp, 1e-14);
    expectClose(diagRecord.ntk, toDiagonalRecord(fullRecord).ntk, 1e-14);
    expectClose(diagRecord.mean!, fullRecord.mean!, 1e-14);
  });
});
