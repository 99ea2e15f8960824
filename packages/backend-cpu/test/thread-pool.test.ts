import { SpecError, createRng } from '@spec/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createCpuBackend,
  createThreadPool,
  dgemm,
  dgram,
  instantiateTiles,
  sharedWasmMemory,
  PARALLEL_MIN_WORK,
  sharedFloat64,
  splitRows,
  tileModuleBytes,
} from '../src/index.js';
import { MAP_PARALLEL_MIN } from '../src/thread-pool.js';

const pool = createThreadPool(2);

/** Number of entries that differ (bitwise equality check without vitest's slow deep compare). */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let bad = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
}
afterAll(() => pool.dispose());

describe('thread pool', () => {
  it('splits rows into ranges of equal work (upper-triangle work ∝ n − i)', () => {
    const b = splitRows(1000, 1000, 2, true);
    expect(b[0]).toBe(0);
    expect(b[2]).toBe(1000);
    expect(b[1] % 4).toBe(0);
    // Half the upper triangle's area lies above row n(1 − 1/√2) ≈ 293.
    expect(Math.abs(b[1] - 1000 * (1 - Math.SQRT1_2))).toBeLessThanOrEqual(4);
    expect(splitRows(100, 100, 4, false)).toEqual([0, 28, 52, 76, 100]);
  });

  it('threaded gram is bitwise equal to the serial one (each tile runs the same code in the same order)', () => {
    const d = 500;
    const n = 262; // n²d/2 just above the threading threshold, n not a multiple of 4
    expect((n * n * d) / 2).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    const A = new Float64Array(d * n);
    createRng(8).fillNormal(A);
    const serial = new Float64Array(n * n);
    const threaded = new Float64Array(n * n);
    dgram(d, n, A, n, 0, serial);
    dgram(d, n, A, n, 0, threaded, pool);
    expect(mismatches(threaded, serial)).toBe(0);
  });

  it('threaded gemm (beta = 0) is bitwise equal to the serial one, and accumulates into C with beta', () => {
    const m = 258;
    const n = 257;
    const k = 259;
    expect(m * n * k).toBeGreaterThanOrEqual(PARALLEL_MIN_WORK);
    const A = new Float64Array(k * m);
    const B = new Float64Array(n * k);
    createRng(9).fillNormal(A);
    createRng(10).fillNormal(B);
    const serial = new Float64Array(m * n);
    const threaded = new Float64Array(m * n);
    dgemm(true, true, m, n, k, 1.5, A, m, 0, B, k, 0, 0, serial, n, 0);
    dgemm(true, true, m, n, k, 1.5, A, m, 0, B, k, 0, 0, threaded, n, 0, pool);
    expect(mismatches(threaded, serial)).toBe(0);
    // With beta = 1 and C = the product, the result is twice the product up to one rounding per entry.
    dgemm(true, true, m, n, k, 1.5, A, m, 0, B, k, 0, 1, threaded, n, 0, pool);
    expect(
      mismatches(
        threaded,
        serial.map((x) => 2 * x),
      ),
    ).toBe(0);
  });

  it('a backend with threads: 2 gives the same Gram matrix as threads: 1; bad thread counts are rejected', () => {
    const two = createCpuBackend({ threads: 2 });
    const one = createCpuBackend({ threads: 1 });
    const X = one.randn(520, 260, createRng(11));
    expect(mismatches(two.gram(X).data, one.gram(X).data)).toBe(0);
    two.dispose();
    expect(() => createCpuBackend({ threads: 0 })).toThrow(/threads/);
  });
});

describe('reused scratch buffers', () => {
  it('a smaller threaded product after a larger one (stale scratch, padding rows) is bitwise the serial product', () => {
    const serial = createCpuBackend({ threads: 1 });
    const threaded = createCpuBackend({ threads: 2 });
    const rng = createRng(21);
    // 400³ and then 301 × 299 × 303 (odd sizes: the padding rows of the packed operands must be zero again).
    for (const [m, k, n] of [
      [400, 400, 400],
      [301, 303, 299],
    ] as const) {
      const A = serial.randn(m, k, rng);
      const B = serial.randn(k, n, rng);
      expect(mismatches(threaded.gemm(A, B).data, serial.gemm(A, B).data)).toBe(0);
      expect(mismatches(threaded.gram(B).data, serial.gram(B).data)).toBe(0);
    }
    serial.dispose();
    threaded.dispose();
  });
});

describe('worker failures', () => {
  it('a job that throws in the worker reaches the caller as E_BACKEND with the worker’s message and cause', () => {
    const failing = createThreadPool(2);
    const n = 2 * MAP_PARALLEL_MIN;
    const X = sharedFloat64(n);
    const V = sharedFloat64(n);
    // The caller's part starts at 0; the worker's range starts past it, so only the worker throws.
    const body = 'if (s > 0) { const e = new RangeError("no such entry " + s); e.code = "E_TEST"; throw e; }';
    let caught: unknown;
    try {
      failing.mapLoop(body, X, V, null);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SpecError);
    const error = caught as SpecError;
    expect(error.code).toBe('E_BACKEND');
    expect(error.message).toContain(`no such entry ${n / 2}`);
    expect(error.message).toContain('E_TEST');
    expect((error.cause as Error).name).toBe('RangeError');
    // The pool keeps working after a failed job.
    expect(failing.mapLoop('for (let i = s; i < e; i++) V[i] = 2;', X, V, null)).toBe(true);
    expect(V.every((v) => v === 2)).toBe(true);
    failing.dispose();
  });

  it('a reduction session step that fails in the worker is rethrown with its message', () => {
    const memory = sharedWasmMemory()!;
    const bytes = tileModuleBytes(false, true);
    instantiateTiles(bytes, memory)!;
    const session = pool.startReductionSession(memory, bytes)!;
    expect(session).not.toBeNull();
    // A product whose operands lie far past the end of the memory: the wasm kernel traps in the worker.
    const far = 2 ** 28;
    session.run({
      kind: 'product',
      spec: {
        r0: 0,
        r1: 5,
        valid: 5,
        cols: 4,
        k: 2,
        alpha: 1,
        P: { off: far, rs: 2, ts: 1 },
        Q: { off: far, rs: 2, ts: 1 },
        c: far,
        ldc: 4,
        upper: false,
      },
      scratch: { p: far, q: far },
    });
    let caught: unknown;
    try {
      session.wait();
    } catch (e) {
      caught = e;
    } finally {
      session.close();
    }
    expect(caught).toBeInstanceOf(SpecError);
    expect((caught as SpecError).code).toBe('E_BACKEND');
    expect((caught as SpecError).message).toMatch(/out of bounds|offset is out of bounds/i);
  });
});
