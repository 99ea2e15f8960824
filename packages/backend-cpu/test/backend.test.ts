import { type Activation, createRng, fromRows, registry, SpecError } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { cpuBackendPlugin, createCpuBackend, registerCpuBackend } from '../src/index.js';

const cpu = createCpuBackend();

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof SpecError ? e.code : 'not a SpecError';
  }
  return undefined;
}

const tanh: Activation = { name: 'tanh', fn: Math.tanh, deriv: (x) => 1 - Math.tanh(x) ** 2 };

describe('createCpuBackend', () => {
  it('identifies itself: name cpu, f64, computedBy cpu for every op', () => {
    expect(cpu.name).toBe('cpu');
    expect(cpu.precision).toBe('f64');
    for (const op of ['gemm', 'gram', 'map', 'hadamard', 'eigvalsh', 'eigh', 'matvec', 'randn'] as const) {
      expect(cpu.computedBy(op)).toBe('cpu');
    }
    expect(() => cpu.dispose()).not.toThrow();
  });

  it('is registered in the default registry once, even when registration runs again', async () => {
    registerCpuBackend();
    const cpus = registry.backends().filter((b) => b.name === 'cpu');
    expect(cpus.length).toBe(1);
    expect(cpuBackendPlugin.name).toBe('backend-cpu');
    const b = await registry.backend('cpu').create();
    expect(b.name).toBe('cpu');
  });

  it('gemm returns a fresh float64 product or updates C in place', () => {
    const A = fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const B = { rows: 2, cols: 2, data: Float32Array.from([1, 0, 1, 1]) };
    const P = cpu.gemm(A, B);
    expect(P.data).toBeInstanceOf(Float64Array);
    expect([...P.data]).toEqual([3, 2, 7, 4, 11, 6]);
    const C = fromRows([
      [1, 1],
      [1, 1],
    ]);
    const out = cpu.gemm(A, A, { transA: true, alpha: 2, beta: -1, C });
    expect(out).toBe(C);
    // AᵀA = [[35, 44], [44, 56]] → 2·AᵀA − 1.
    expect([...C.data]).toEqual([69, 87, 87, 111]);
  });

  it('gemm rejects mismatched shapes, a wrong C and non-finite alpha', () => {
    const A = fromRows([[1, 2, 3]]);
    expect(code(() => cpu.gemm(A, A))).toBe('E_SHAPE');
    expect(code(() => cpu.gemm(A, A, { transB: true, C: fromRows([[0, 0]]) }))).toBe('E_SHAPE');
    expect(code(() => cpu.gemm(A, A, { transB: true, alpha: NaN }))).toBe('E_INPUT');
    expect(code(() => cpu.gemm({ rows: 2, cols: 2, data: new Float64Array(3) }, A))).toBe('E_SHAPE');
  });

  it('map applies φ or φ′ element-wise; hadamard multiplies element-wise', () => {
    const A = { rows: 2, cols: 2, data: Float32Array.from([-1, 0, 0.5, 2]) };
    const v = cpu.map(A, tanh, 'value');
    const d = cpu.map(A, tanh, 'derivative');
    for (let i = 0; i < 4; i++) {
      expect(v.data[i]).toBe(Math.tanh(A.data[i]));
      expect(d.data[i]).toBe(1 - Math.tanh(A.data[i]) ** 2);
    }
    const H = cpu.hadamard(
      A,
      fromRows([
        [2, 3],
        [4, 5],
      ]),
    );
    expect([...H.data]).toEqual([-2, 0, 2, 10]);
    expect(code(() => cpu.hadamard(A, fromRows([[1, 2]])))).toBe('E_SHAPE');
  });

  it('matvec computes A x and Aᵀ x (checked against gemm with a one-column matrix)', () => {
    const A = cpu.randn(7, 5, createRng(4));
    const x = Float64Array.from([1, -2, 0.5, 3, 0]);
    const y = cpu.matvec(A, x);
    const ref = cpu.gemm(A, { rows: 5, cols: 1, data: x });
    // 5-term dot products in different orders: within 2·5·ε·Σ|terms|; 1e-13 is that for |terms| ≲ 10.
    for (let i = 0; i < 7; i++) expect(Math.abs(y[i] - ref.data[i])).toBeLessThan(1e-13);
    const z = Float64Array.from([1, 2, 3, 4, 5, 6, 7]);
    const yt = cpu.matvec(A, z, { trans: true });
    const reft = cpu.gemm(A, { rows: 7, cols: 1, data: z }, { transA: true });
    for (let j = 0; j < 5; j++) expect(Math.abs(yt[j] - reft.data[j])).toBeLessThan(1e-12);
    expect(code(() => cpu.matvec(A, z))).toBe('E_SHAPE');
  });

  it('randn draws row-major from rng.fillNormal, so every backend gets the same numbers', () => {
    const R = cpu.randn(3, 4, createRng(42));
    const ref = new Float64Array(12);
    createRng(42).fillNormal(ref);
    expect([...R.data]).toEqual([...ref]);
    expect(code(() => cpu.randn(-1, 2, createRng(0)))).toBe('E_SHAPE');
  });
});

describe('createCpuBackend({ simd: false }) — the pure-TypeScript fallback', () => {
  it('gemm, gram and eigvalsh agree with the SIMD backend within rounding (k ≥ 16, so SIMD really runs there)', () => {
    const plain = createCpuBackend({ simd: false, threads: 2 });
    const simd = createCpuBackend({ threads: 2 });
    const rng = createRng(11);
    // 300 × 300 × 300 = 2.7e7 multiply-adds ≥ 2²⁴: the threaded path runs in both.
    const A = simd.randn(300, 300, rng);
    const B = simd.randn(300, 300, rng);
    const k = 300;
    const g1 = plain.gemm(A, B);
    const g2 = simd.gemm(A, B);
    let worst = 0;
    for (let i = 0; i < g1.data.length; i++) worst = Math.max(worst, Math.abs(g1.data[i] - g2.data[i]));
    // Two k-term sums of N(0,1)·N(0,1) terms in different orders: ≤ 2kε·Σ|terms| ≈ 2kε·k·(2/π) < 4k²ε.
    expect(worst).toBeLessThan(4 * k * k * Number.EPSILON);
    const G1 = plain.gram(A);
    const G2 = simd.gram(A);
    worst = 0;
    for (let i = 0; i < G1.data.length; i++) worst = Math.max(worst, Math.abs(G1.data[i] - G2.data[i]));
    expect(worst).toBeLessThan(4 * k * k * Number.EPSILON);
    const e1 = plain.eigvalsh(G1);
    const e2 = simd.eigvalsh(G1);
    // Backward-stable reductions of the same matrix: |Δλ| ≤ ~n·ε·‖G‖ (‖G‖ ≈ 1200 here).
    for (let i = 0; i < 300; i++) expect(Math.abs(e1[i] - e2[i])).toBeLessThan(300 * Number.EPSILON * e2[299] * 10);
    plain.dispose();
    simd.dispose();
  });
});
