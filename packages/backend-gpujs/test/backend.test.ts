import { createCpuBackend } from '@spec/backend-cpu';
import { type Activation, type Matrix, createRng, fromRows, identity, matrix } from '@spec/core';
import { expectSpecError } from '@spec/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GpujsBackend, createGpujsBackend } from '../src/index.js';
import { GPU } from '../src/gpujs-types.js';
import { PRODUCT_RTOL, abs, naiveProduct, productError } from './helpers.js';

const cpu = createCpuBackend();

const tanh: Activation = {
  name: 'tanh',
  fn: Math.tanh,
  deriv: (x) => 1 - Math.tanh(x) ** 2,
  source: { fn: 'Math.tanh(x)', deriv: '1 - Math.tanh(x) * Math.tanh(x)' },
};
const relu: Activation = {
  name: 'relu',
  fn: (x) => Math.max(x, 0),
  deriv: (x) => (x > 0 ? 1 : 0),
  source: { fn: 'Math.max(x, 0)', deriv: 'x > 0 ? 1 : 0' },
};
const noSource: Activation = { name: 'cube', fn: (x) => x * x * x, deriv: (x) => 3 * x * x };

function rand(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const M = matrix(rows, cols);
  createRng(seed).fillNormal(M.data);
  for (let i = 0; i < M.data.length; i++) M.data[i] *= scale;
  return M;
}

// cpu mode interprets kernels in JS (slow), so sizes stay small; tile 7 / kTile 5 forces every
// product through many ragged tiles, the default configuration covers the single-tile path.
describe.each([
  { mode: 'webasm' as const, tile: undefined, kTile: undefined },
  { mode: 'webasm' as const, tile: 7, kTile: 5 },
  { mode: 'cpu' as const, tile: undefined, kTile: undefined },
  { mode: 'cpu' as const, tile: 7, kTile: 5 },
  // headless-gl only where the optional gl package is built and an X display exists (xvfb-run); see headlessgl.test.ts
  ...(GPU.isHeadlessGLSupported
    ? [
        { mode: 'headlessgl' as const, tile: undefined, kTile: undefined },
        { mode: 'headlessgl' as const, tile: 7, kTile: 5 },
      ]
    : []),
])('gpujs backend in $mode mode (tile $tile, kTile $kTile)', ({ mode, tile, kTile }) => {
  let gpu: GpujsBackend;
  beforeAll(async () => {
    gpu = await createGpujsBackend({ mode, tile, kTile });
  });
  afterAll(() => gpu.dispose());

  it('reports the mode that ran, float32 precision and where each op runs', () => {
    expect(gpu.name).toBe(`gpujs:${mode}`);
    expect(gpu.precision).toBe('f32');
    expect(gpu.computedBy('gemm')).toBe(`gpujs:${mode}`);
    expect(gpu.computedBy('gram')).toBe(`gpujs:${mode}`);
    expect(gpu.computedBy('eigvalsh')).toBe('cpu');
    expect(gpu.computedBy('eigh')).toBe('cpu');
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('gemm with transA = %s, transB = %s matches backend-cpu to relative 1e-5', (transA, transB) => {
    const [m, k, n] = [19, 23, 17];
    const A = transA ? rand(k, m, 1) : rand(m, k, 1);
    const B = transB ? rand(n, k, 2) : rand(k, n, 2);
    const C = gpu.gemm(A, B, { transA, transB });
    expect(C.data).toBeInstanceOf(Float32Array);
    expect([C.rows, C.cols]).toEqual([m, n]);
    const R = cpu.gemm(A, B, { transA, transB });
    const bound = naiveProduct(abs(A), abs(B), transA, transB);
    expect(productError(C, R, bound)).toBeLessThan(PRODUCT_RTOL);
    // and the reference itself agrees with a naive triple loop (float64 vs float64: 1e-12)
    expect(productError(R, naiveProduct(A, B, transA, transB), bound)).toBeLessThan(1e-12);
  });

  it('gemm accumulates alpha·AB + beta·C into the given C', () => {
    const A = rand(9, 12, 3);
    const B = rand(12, 8, 4);
    const C0 = rand(9, 8, 5);
    const C = { rows: 9, cols: 8, data: Float64Array.from(C0.data) };
    const out = gpu.gemm(A, B, { alpha: 0.5, beta: -2, C });
    expect(out).toBe(C);
    const R = cpu.gemm(A, B, { alpha: 0.5, beta: -2, C: { rows: 9, cols: 8, data: Float64Array.from(C0.data) } });
    // bound: |α|·|A||B| + |β|·|C0| (the β·C term is exact in float64 here)
    const AB = naiveProduct(abs(A), abs(B));
    const bound = { rows: 9, cols: 8, data: AB.data.map((v, i) => 0.5 * v + 2 * Math.abs(C0.data[i])) };
    expect(productError(C, R, bound)).toBeLessThan(PRODUCT_RTOL);
  });

  it('gemm is exact on small-integer structured inputs (identity, ones, zeros, vectors, k = 0)', () => {
    const A = fromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(gpu.gemm(A, identity(3)).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(gpu.gemm(identity(2), A).data)).toEqual([1, 2, 3, 4, 5, 6]);
    const ones = matrix(3, 4, new Float64Array(12).fill(1));
    expect(Array.from(gpu.gemm(A, ones).data)).toEqual([6, 6, 6, 6, 15, 15, 15, 15]);
    expect(Array.from(gpu.gemm(A, matrix(3, 2)).data)).toEqual([0, 0, 0, 0]);
    // row vector × column vector and the outer product
    const r = fromRows([[1, -2, 3]]);
    expect(Array.from(gpu.gemm(r, r, { transB: true }).data)).toEqual([14]);
    expect(Array.from(gpu.gemm(r, r, { transA: true }).data)).toEqual([1, -2, 3, -2, 4, -6, 3, -6, 9]);
    // empty inner dimension: the product is zero, beta·C remains
    const C = fromRows([[1, 2]]);
    expect(Array.from(gpu.gemm(matrix(1, 0), matrix(0, 2), { beta: 3, C }).data)).toEqual([3, 6]);
  });

  it('gemm keeps relative accuracy at large and tiny scales (1e15 and 1e-15)', () => {
    for (const scale of [1e15, 1e-15]) {
      const A = rand(8, 10, 6, scale);
      const B = rand(10, 7, 7, 1);
      expect(productError(gpu.gemm(A, B), cpu.gemm(A, B), naiveProduct(abs(A), abs(B)))).toBeLessThan(PRODUCT_RTOL);
    }
  });

  it('gram is AᵀA to relative 1e-5 and exactly symmetric', () => {
    const A = rand(30, 21, 8);
    const G = gpu.gram(A);
    expect([G.rows, G.cols]).toEqual([21, 21]);
    for (let i = 0; i < 21; i++) for (let j = 0; j < 21; j++) expect(G.data[i * 21 + j]).toBe(G.data[j * 21 + i]);
    expect(productError(G, cpu.gram(A), naiveProduct(abs(A), abs(A), true))).toBeLessThan(PRODUCT_RTOL);
  });

  it('gram with rows is A Aᵀ (the Gram of the rows) to relative 1e-5 and exactly symmetric', () => {
    const A = rand(13, 20, 10);
    const G = gpu.gram(A, { rows: true });
    expect([G.rows, G.cols]).toEqual([13, 13]);
    for (let i = 0; i < 13; i++) for (let j = 0; j < 13; j++) expect(G.data[i * 13 + j]).toBe(G.data[j * 13 + i]);
    expect(productError(G, cpu.gemm(A, A, { transB: true }), naiveProduct(abs(A), abs(A), false, true))).toBeLessThan(
      PRODUCT_RTOL,
    );
  });

  it('gemm(A, A, transB) is the same exactly symmetric A Aᵀ', () => {
    const A = rand(13, 20, 9);
    const G = gpu.gemm(A, A, { transB: true });
    for (let i = 0; i < 13; i++) for (let j = 0; j < 13; j++) expect(G.data[i * 13 + j]).toBe(G.data[j * 13 + i]);
    expect(productError(G, cpu.gemm(A, A, { transB: true }), naiveProduct(abs(A), abs(A), false, true))).toBeLessThan(
      PRODUCT_RTOL,
    );
  });

  it('eigenvalues of a float32 Gram match backend-cpu to 1e-3 of the largest', () => {
    // Weyl: |Δλ| ≤ ‖ΔG‖₂ ≤ n·max|ΔG| ≤ n·1e-5·max(|A|ᵀ|A|) ≈ 24·1e-5·λmax-scale, well inside 1e-3·λmax.
    const A = rand(40, 24, 10);
    const mine = gpu.eigvalsh(gpu.gram(A));
    const ref = cpu.eigvalsh(cpu.gram(A));
    const top = ref[ref.length - 1];
    for (let i = 0; i < ref.length; i++) expect(Math.abs(mine[i] - ref[i])).toBeLessThan(1e-3 * top);
    const { values, vectors } = gpu.eigh(gpu.gram(A), { k: 2 });
    expect(values.length).toBe(2);
    expect(Math.abs(values[1] - top)).toBeLessThan(1e-3 * top);
    expect([vectors.rows, vectors.cols]).toEqual([24, 2]);
  });

  it('map compiles source.fn / source.deriv and matches the activation in float64', () => {
    const A = rand(11, 13, 11, 2);
    for (const act of [tanh, relu]) {
      for (const which of ['value', 'derivative'] as const) {
        const M = gpu.map(A, act, which);
        expect(M.data).toBeInstanceOf(Float32Array);
        expect(gpu.computedBy('map')).toBe(`gpujs:${mode}`);
        const R = cpu.map(A, act, which);
        // float32: x rounded (|φ′(x)|·|x|·u ≤ 2·6·6e-8) plus a few ulps of φ; 1e-6 absolute covers both
        // for |x| ≤ ~8 and |φ| ≤ 8.
        for (let i = 0; i < R.data.length; i++)
          expect(Math.abs(M.data[i] - R.data[i])).toBeLessThan(1e-6 * (1 + Math.abs(R.data[i])));
      }
    }
  });

  it('map without a source expression runs on the CPU and says so', () => {
    const A = rand(4, 5, 12);
    const M = gpu.map(A, noSource, 'value');
    expect(gpu.computedBy('map')).toBe('cpu');
    expect(gpu.mapFallbackReason()).toMatch(/no source expression/);
    expect(M.data[3]).toBeCloseTo(A.data[3] ** 3, 12);
    gpu.map(A, tanh, 'value');
    expect(gpu.computedBy('map')).toBe(`gpujs:${mode}`);
  });

  it('map refuses to paste a non-expression into a kernel and falls back', () => {
    const evil: Activation = { ...tanh, name: 'evil', source: { fn: 'process.exit(1)', deriv: 'x' } };
    const M = gpu.map(rand(2, 2, 13), evil, 'value');
    expect(gpu.computedBy('map')).toBe('cpu');
    expect(gpu.mapFallbackReason()).toMatch(/only x, numbers, operators and Math/);
    expect(M.data.length).toBe(4);
  });

  it('map throws E_BACKEND when the source disagrees with fn', () => {
    const wrong: Activation = { ...tanh, name: 'wrong', source: { fn: 'Math.sin(x)', deriv: 'x' } };
    expectSpecError(
      () => gpu.map(rand(3, 3, 14), wrong, 'value'),
      'E_BACKEND',
      /map\(wrong, value\) gave .* source\.fn/,
    );
  });

  it('hadamard matches the float64 product to one float32 rounding', () => {
    const A = rand(9, 14, 15);
    const B = rand(9, 14, 16);
    const H = gpu.hadamard(A, B);
    const R = cpu.hadamard(A, B);
    // inputs and product each rounded once to float32: relative ≤ 3u ≈ 1.8e-7
    for (let i = 0; i < R.data.length; i++)
      expect(Math.abs(H.data[i] - R.data[i])).toBeLessThanOrEqual(2e-7 * Math.abs(R.data[i]));
  });

  it('randn draws the same numbers as backend-cpu from the same seed (rounded to float32)', () => {
    const G = gpu.randn(5, 7, createRng(42));
    const C = cpu.randn(5, 7, createRng(42));
    expect(G.data).toBeInstanceOf(Float32Array);
    expect(Array.from(G.data)).toEqual(Array.from(Float32Array.from(C.data)));
  });

  it('matvec runs in float64 on backend-cpu', () => {
    const A = rand(6, 4, 17);
    const x = Float64Array.of(1, -1, 2, 0.5);
    const y = gpu.matvec(A, x);
    const yt = gpu.matvec(A, Float64Array.of(1, 0, 0, 0, 0, 2), { trans: true });
    expect(gpu.computedBy('matvec')).toBe('cpu');
    const r = cpu.matvec(A, x);
    for (let i = 0; i < 6; i++) expect(y[i]).toBeCloseTo(r[i], 12);
    for (let j = 0; j < 4; j++) expect(yt[j]).toBeCloseTo(A.data[j] + 2 * A.data[20 + j], 12);
  });

  it('rejects bad shapes and non-finite input with SpecError', () => {
    expectSpecError(() => gpu.gemm(rand(2, 3, 1), rand(2, 3, 2)), 'E_SHAPE', /inner dimensions must agree/);
    expectSpecError(
      () => gpu.gemm(rand(2, 3, 1), rand(3, 2, 2), { C: matrix(3, 3) }),
      'E_SHAPE',
      /accumulator C must be 2 × 2/,
    );
    expectSpecError(() => gpu.hadamard(rand(2, 3, 1), rand(3, 2, 2)), 'E_SHAPE', /hadamard second factor/);
    expectSpecError(() => gpu.matvec(rand(2, 3, 1), new Float64Array(2)), 'E_SHAPE', /matvec/);
    const bad = fromRows([[1, Number.NaN]]);
    expectSpecError(
      () => gpu.gemm(bad, fromRows([[1], [2]])),
      'E_INPUT',
      /gemm input A has a non-finite value \(NaN\) at row 0, column 1/,
    );
    expectSpecError(() => gpu.gram(bad), 'E_INPUT', /non-finite/);
    expectSpecError(
      () => gpu.gemm(fromRows([[1]]), fromRows([[1]]), { alpha: Number.NaN }),
      'E_INPUT',
      /alpha and beta must be finite/,
    );
    expectSpecError(
      () => gpu.gemm(fromRows([[1]]), fromRows([[1]]), { beta: 1, C: fromRows([[Number.POSITIVE_INFINITY]]) }),
      'E_INPUT',
      /gemm accumulator C has a non-finite value/,
    );
    expectSpecError(() => gpu.map(bad, tanh, 'value'), 'E_INPUT', /map input A has a non-finite value/);
    expectSpecError(() => gpu.map(bad, noSource, 'value'), 'E_INPUT', /map input A/);
  });

  it('throws E_BACKEND when float32 overflows instead of returning Inf', () => {
    const big = fromRows([[1e30, 1e30]]);
    expectSpecError(() => gpu.gemm(big, big, { transB: true }), 'E_BACKEND', /non-finite|float32/);
    expectSpecError(
      () => gpu.gemm(fromRows([[1e20]]), fromRows([[1e20]]), { alpha: 1 }),
      'E_BACKEND',
      /non-finite|overflows float32/,
    );
    const huge = fromRows([[3e38]]);
    expectSpecError(
      () => gpu.gemm(huge, fromRows([[1]]), { alpha: 10 }),
      'E_BACKEND',
      /overflows float32 at entry 0 after scaling/,
    );
  });
});
