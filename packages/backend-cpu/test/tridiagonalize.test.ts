import { createRng } from '@spec/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BlockedReductionOptions,
  createCpuBackend,
  PANEL,
  applyReflectorsToRows,
  blockedWorkspace,
  createThreadPool,
  instantiateTiles,
  relaxedSimd,
  sharedWasmMemory,
  tileModuleBytes,
  tridiagonalize,
} from '../src/index.js';

const EPS = Number.EPSILON;
const pool = createThreadPool(2);
afterAll(() => pool.dispose());

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] = A[j * n + i] = rng.normal();
  return A;
}

type Variant = 'typescript' | 'wasm' | 'wasm + worker';

/** Runs the reduction of A in the given variant; returns d, e, tau and a copy of the reflectors. */
function reduce(
  n: number,
  A: Float64Array,
  variant: Variant,
): { d: Float64Array; e: Float64Array; tau: Float64Array; R: Float64Array } {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const tau = new Float64Array(n);
  const total = n * n + blockedWorkspace(n);
  let work: Float64Array;
  let options: BlockedReductionOptions = {};
  let close = (): void => undefined;
  if (variant === 'typescript') {
    work = new Float64Array(total).subarray(0, n * n);
  } else {
    const memory = variant === 'wasm + worker' ? sharedWasmMemory() : undefined;
    const bytes = tileModuleBytes(relaxedSimd(), memory !== undefined);
    const tiles = instantiateTiles(bytes, memory ?? undefined)!;
    tiles.memory.grow(Math.ceil((total * 8) / 65536));
    // Start the matrix past a few doubles, so that offsets other than 0 are exercised.
    work = new Float64Array(tiles.memory.buffer, 8 * 8, n * n);
    const session = memory ? pool.startReductionSession(tiles.memory, bytes) : null;
    if (memory) expect(session).not.toBeNull();
    options = { wasm: tiles, pool, session };
    close = () => session?.close();
  }
  work.set(A);
  try {
    tridiagonalize(n, work, d, e, tau, options);
  } finally {
    close();
  }
  return { d, e, tau, R: Float64Array.from(work) };
}

describe('tridiagonalize (blocked Householder reduction, dsytrd style)', () => {
  const cases: Array<[number, Variant]> = [];
  for (const n of [1, 2, 3, 5, PANEL - 1, PANEL, PANEL + 1, PANEL + 2, 2 * PANEL + 1, 97]) {
    cases.push([n, 'typescript'], [n, 'wasm']);
  }
  // From 256 trailing rows the worker takes part of each step; from 64 rows, part of each trailing update.
  cases.push([300, 'wasm + worker'], [301, 'typescript']);

  it.each(cases)('Qᵀ A Q equals the tridiagonal T and Q is orthogonal (n = %i, %s)', (n, variant) => {
    const A = randomSymmetric(n, 100 + n);
    const { d, e, tau, R } = reduce(n, A, variant);
    // Columns of Q: the back-transformation of the unit vectors (row j of Y becomes Q e_j).
    const Y = new Float64Array(n * n);
    for (let j = 0; j < n; j++) Y[j * n + j] = 1;
    applyReflectorsToRows(n, R, tau, Y, n);
    // AQ, then Qᵀ(AQ), against T; and QᵀQ against I.
    const AQ = new Float64Array(n * n); // row j = A q_j
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += A[i * n + t] * Y[j * n + t];
        AQ[j * n + i] = s;
      }
    }
    let normA = 0;
    for (const x of A) normA += x * x;
    normA = Math.sqrt(normA);
    let worstT = 0;
    let worstI = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let t = 0;
        let q = 0;
        for (let l = 0; l < n; l++) {
          t += Y[i * n + l] * AQ[j * n + l];
          q += Y[i * n + l] * Y[j * n + l];
        }
        const expectT = i === j ? d[i] : Math.abs(i - j) === 1 ? e[Math.min(i, j)] : 0;
        worstT = Math.max(worstT, Math.abs(t - expectT));
        worstI = Math.max(worstI, Math.abs(q - (i === j ? 1 : 0)));
      }
    }
    // Householder reduction is backward stable: ‖QᵀAQ − T‖ and ‖QᵀQ − I‖ are O(n·ε) (times ‖A‖); the products
    // formed here add the same order again. 10·n·ε leaves a wide margin over the ≈ √n·ε seen in practice, yet is
    // far below any error a wrong reflector, a missed panel update or a misplaced trailing block would make (O(1)).
    expect(worstT).toBeLessThanOrEqual(10 * Math.max(n, 4) * EPS * normA);
    expect(worstI).toBeLessThanOrEqual(10 * Math.max(n, 4) * EPS);
    expect(e[n - 1]).toBe(0);
  });

  it.each([
    [5, 2, true],
    [100, 1, false],
    [700, 2, true],
  ] as const)(
    'closed-form spectra through eigvalsh: diagonal, zero, all-ones, two all-ones blocks (n = %i, %i threads, simd %s)',
    (n, threads, simd) => {
      // Already-reduced rows (τ = 0: the reflector step is skipped) and exact low-rank matrices: λ known exactly.
      const backend = createCpuBackend({ threads, simd });
      const ev = (data: Float64Array): Float64Array => backend.eigvalsh({ rows: n, cols: n, data });
      const D = new Float64Array(n * n);
      for (let i = 0; i < n; i++) D[i * n + i] = n - i;
      expect(Array.from(ev(D))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(ev(new Float64Array(n * n)).every((v) => v === 0)).toBe(true);
      const h = n >> 1;
      const ones = new Float64Array(n * n).fill(1);
      const blocks = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i < h === j < h) blocks[i * n + j] = 1;
      // Backward stable: every eigenvalue within a few n·ε·‖A‖ (‖A‖ ≤ n); 1e-10·n is a wide margin.
      const r = ev(ones);
      expect(Math.abs(r[n - 1] - n)).toBeLessThan(1e-10 * n);
      for (let i = 0; i < n - 1; i++) expect(Math.abs(r[i])).toBeLessThan(1e-10 * n);
      const b = ev(blocks);
      expect(Math.abs(b[n - 1] - (n - h))).toBeLessThan(1e-10 * n);
      expect(Math.abs(b[n - 2] - h)).toBeLessThan(1e-10 * n);
      for (let i = 0; i < n - 2; i++) expect(Math.abs(b[i])).toBeLessThan(1e-10 * n);
      backend.dispose();
    },
  );
});
