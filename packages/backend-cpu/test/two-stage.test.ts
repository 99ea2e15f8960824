import { createRng, tridiagonalQL } from '@spec/core';
import { afterAll, describe, expect, it } from 'vitest';
import { applyBandReflectors, backLayout, bandLayout, bandWorkspace, reduceToBand } from '../src/band-reduction.js';
import {
  CHASE_PROGRESS_WORDS,
  applyChaseReflectors,
  bandStorage,
  bandToTridiagonal,
  chaseReflectors,
  chaseSweeps,
  copyBand,
  reflectLeftTs,
} from '../src/band-tridiagonal.js';
import { createCpuBackend, createThreadPool, instantiateTiles, relaxedSimd, tileModuleBytes } from '../src/index.js';
import { sharedWasmMemory } from '../src/wasm-kernel.js';
import { type TwoStageMemory, twoStageSize } from '../src/two-stage.js';
import { bandContextFor } from '../src/two-stage.js';

const EPS = Number.EPSILON;
const pool = createThreadPool(2);
afterAll(() => pool.dispose());

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] = A[j * n + i] = rng.normal();
  return A;
}

function frobenius(A: Float64Array): number {
  let s = 0;
  for (const x of A) s += x * x;
  return Math.sqrt(s);
}

/**
 * Q from a back-transformation that replaces the n × n matrix at H[y] (row stride ldY) by Q times it: applied to the
 * identity; returned with the columns of Q as rows (row j = Q e_j).
 */
function explicitQ(n: number, H: Float64Array, y: number, ldY: number, apply: () => void): Float64Array {
  H.fill(0, y, y + (n + 5) * ldY);
  for (let j = 0; j < n; j++) H[y + j * ldY + j] = 1;
  apply();
  const Y = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Y[j * n + i] = H[y + i * ldY + j];
  return Y;
}

/** max |(QᵀAQ)[i, j] − want(i, j)| and max |QᵀQ − I| for Q given by its columns as rows of Y. */
function similarity(
  n: number,
  A: Float64Array,
  Y: Float64Array,
  want: (i: number, j: number) => number,
): { worstT: number; worstI: number } {
  const AQ = new Float64Array(n * n); // row j = A q_j
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += A[i * n + t] * Y[j * n + t];
      AQ[j * n + i] = s;
    }
  }
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
      worstT = Math.max(worstT, Math.abs(t - want(i, j)));
      worstI = Math.max(worstI, Math.abs(q - (i === j ? 1 : 0)));
    }
  }
  return { worstT, worstI };
}

type Kernels = 'typescript' | 'wasm' | 'wasm + worker';

/** An array (wasm memory or plain) holding the two-stage reduction's memory for order n (and n vectors), A at 0. */
function memoryFor(n: number, b: number, kernels: Kernels, A: Float64Array): TwoStageMemory {
  const size = backLayout(n, n, b, twoStageSize(n, b)).end;
  if (kernels === 'typescript') {
    const H = new Float64Array(size);
    H.set(A);
    return { H, wasm: null, session: null };
  }
  const shared = kernels === 'wasm + worker' ? sharedWasmMemory()! : undefined;
  const bytes = tileModuleBytes(relaxedSimd(), shared !== undefined);
  const wasm = instantiateTiles(bytes, shared)!;
  wasm.memory.grow(Math.ceil((size * 8) / 65536));
  const H = new Float64Array(wasm.memory.buffer);
  H.set(A);
  const session = shared !== undefined ? pool.startReductionSession(wasm.memory, bytes) : null;
  if (shared !== undefined) expect(session).not.toBeNull();
  return { H, wasm, session };
}

describe('stage one: dense to band (LAPACK dsytrd_sy2sb style)', () => {
  // Sizes around the band and panel edges: n = 1, 2, b − 1, b, b + 1, 2b + 1, and panel multiples ± 1.
  const cases: Array<[number, number, Kernels]> = [];
  for (const b of [4, 8]) {
    for (const n of [1, 2, b - 1, b, b + 1, b + 2, 2 * b + 1, 3 * b - 1, 3 * b, 3 * b + 1, 5 * b + 3]) {
      cases.push([n, b, 'typescript'], [n, b, 'wasm']);
    }
  }
  cases.push([61, 12, 'wasm'], [61, 12, 'typescript']);
  // Large enough that the worker takes rows of every product (and claims chunks of the look-ahead updates).
  cases.push([243, 8, 'wasm + worker']);

  it.each(cases)('Q₁ᵀ A Q₁ is the band left in A and Q₁ is orthogonal (n = %i, b = %i, %s)', (n, b, kernels) => {
    const A = randomSymmetric(n, 10 * n + b);
    const memory = memoryFor(n, b, kernels, A);
    const { H } = memory;
    const tau = new Float64Array(n);
    reduceToBand(n, b, 0, tau, bandContextFor(memory, bandLayout(n, b, 0)));
    const R = Float64Array.from(H.subarray(0, n * n));
    const back = backLayout(n, n, b, twoStageSize(n, b));
    const context = bandContextFor(memory, bandLayout(n, b, 0));
    const Y = explicitQ(n, H, back.y, back.ldY, () => applyBandReflectors(n, b, n, 0, tau, back, context));
    const band = (i: number, j: number): number => {
      const [r, c] = i <= j ? [i, j] : [j, i];
      return c - r <= b ? R[r * n + c] : 0;
    };
    memory.session?.close();
    const { worstT, worstI } = similarity(n, A, Y, band);
    // Householder reductions are backward stable: ‖QᵀAQ − B‖ and ‖QᵀQ − I‖ are O(n·ε) (times ‖A‖); forming the
    // products here adds as much again. 10·n·ε is far below the O(1) error of a wrong sign, a reflector shifted by
    // one column or a missed panel update.
    expect(worstT).toBeLessThanOrEqual(10 * Math.max(n, 4) * EPS * frobenius(A));
    expect(worstI).toBeLessThanOrEqual(10 * Math.max(n, 4) * EPS);
  });
});

/** A random symmetric band matrix of half-bandwidth b (dense n × n). */
function randomBand(n: number, b: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < Math.min(n, i + b + 1); j++) A[i * n + j] = A[j * n + i] = rng.normal();
  return A;
}

describe('stage two: band to tridiagonal by bulge chasing (LAPACK dsytrd_sb2st style)', () => {
  const cases: Array<[number, number, Kernels]> = [];
  for (const [n, b] of [
    [1, 4],
    [2, 4],
    [3, 4],
    [5, 4],
    [9, 4],
    [13, 4],
    [23, 8],
    [24, 8],
    [25, 8],
    [40, 12],
  ] as const) {
    cases.push([n, b, 'typescript'], [n, b, 'wasm']);
  }

  it.each(cases)('Q₂ᵀ B Q₂ is the tridiagonal (d, e) and Q₂ is orthogonal (n = %i, b = %i, %s)', (n, b, kernels) => {
    const B = randomBand(n, b, 7 * n + b);
    const memory = memoryFor(n, b, kernels, B);
    const { H, wasm } = memory;
    const band = n * n + bandWorkspace(n, b);
    copyBand(n, b, H, 0, H, band);
    const d = new Float64Array(n);
    const e = new Float64Array(n);
    const keep = chaseReflectors(n, b);
    const scratch = band + bandStorage(n, b);
    const kernel = wasm !== null ? { chase: wasm.chase, v: scratch, w: scratch + 2 * b } : undefined;
    bandToTridiagonal(n, b, H, band, d, e, keep, kernel);
    expect(keep.count).toBe(keep.tau.length);
    const back = backLayout(n, n, b, twoStageSize(n, b));
    const reflect = (y: number, ldy: number, rows: number, cols: number, v: number, tau: number, w: number): void => {
      if (wasm !== null) wasm.reflectLeft(8 * y, 8 * ldy, rows, cols, 8 * v, tau, 8 * w);
      else reflectLeftTs(H, y, ldy, rows, cols, v, tau, w);
    };
    const Y = explicitQ(n, H, back.y, back.ldY, () =>
      applyChaseReflectors(b, keep, H, back.y, back.ldY, n, back.v, back.w, reflect),
    );
    const tri = (i: number, j: number): number => (i === j ? d[i] : Math.abs(i - j) === 1 ? e[Math.min(i, j)] : 0);
    const { worstT, worstI } = similarity(n, B, Y, tri);
    // Backward stable as stage one; the same 10·n·ε margin, far below the O(1) error of a wrong reflector.
    expect(worstT).toBeLessThanOrEqual(10 * Math.max(n, 4) * EPS * frobenius(B));
    expect(worstI).toBeLessThanOrEqual(10 * Math.max(n, 4) * EPS);
    expect(e[n - 1]).toBe(0);
  });

  it('two threads chasing alternate sweeps give bitwise the sequential band, tridiagonal and reflectors', () => {
    const [n, b] = [150, 8];
    const B = randomBand(n, b, 3);
    const size = twoStageSize(n, b);
    const memory = sharedWasmMemory()!;
    const bytes = tileModuleBytes(relaxedSimd(), true);
    const tiles = instantiateTiles(bytes, memory)!;
    tiles.memory.grow(Math.ceil((size * 8) / 65536));
    const H = new Float64Array(tiles.memory.buffer);
    const band = n * n + bandWorkspace(n, b);
    const scratch = band + bandStorage(n, b);
    H.set(B);
    copyBand(n, b, H, 0, H, band);
    const sequential = chaseReflectors(n, b);
    const [d1, e1, d2, e2] = [0, 1, 2, 3].map(() => new Float64Array(n));
    bandToTridiagonal(n, b, H, band, d1, e1, sequential, { chase: tiles.chase, v: scratch, w: scratch + 2 * b });
    const afterOne = Float64Array.from(H.subarray(band, scratch));
    copyBand(n, b, H, 0, H, band);
    const session = pool.startReductionSession(tiles.memory, bytes)!;
    expect(session).not.toBeNull();
    const progress = new Int32Array(new SharedArrayBuffer(4 * CHASE_PROGRESS_WORDS));
    const tasks = sequential.tau.length;
    const shared = {
      tau: new SharedArrayBuffer(8 * tasks),
      head: new SharedArrayBuffer(4 * tasks),
      len: new SharedArrayBuffer(4 * tasks),
      v: new SharedArrayBuffer(8 * sequential.v.length),
    };
    const keep = {
      tau: new Float64Array(shared.tau),
      head: new Int32Array(shared.head),
      len: new Int32Array(shared.len),
      v: new Float64Array(shared.v),
      count: tasks,
    };
    try {
      session.run({
        kind: 'chase',
        n,
        b,
        band,
        v: scratch + 4 * b,
        w: scratch + 6 * b,
        parity: 1,
        progress: progress.buffer,
        keep: shared,
      });
      chaseSweeps(n, b, H, band, { chase: tiles.chase, v: scratch, w: scratch + 2 * b }, 0, progress, keep);
      session.wait();
    } finally {
      session.close();
    }
    const afterTwo = H.subarray(band, scratch);
    let differ = 0;
    for (let i = 0; i < afterOne.length; i++) if (!Object.is(afterOne[i], afterTwo[i])) differ++;
    for (let t = 0; t < tasks; t++) {
      if (!Object.is(keep.tau[t], sequential.tau[t]) || keep.head[t] !== sequential.head[t]) differ++;
    }
    for (let i = 0; i < keep.v.length; i++) if (!Object.is(keep.v[i], sequential.v[i])) differ++;
    expect(differ).toBe(0);
    void d2;
    void e2;
  });
});

/**
 * An independent one-stage reference: unblocked Householder tridiagonalisation of a dense copy (Golub & Van Loan,
 * Algorithm 8.3.1, both triangles updated) and then QL with Wilkinson shifts (`tridiagonalQL`, not the root-free
 * iteration the solver ends with).
 */
function oneStageEigenvalues(n: number, A: Float64Array): Float64Array {
  const M = Float64Array.from(A);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    let sigma = 0;
    for (let i = k + 2; i < n; i++) sigma += M[i * n + k] ** 2;
    if (sigma === 0) continue;
    const alpha = M[(k + 1) * n + k];
    const norm = Math.sqrt(alpha * alpha + sigma);
    const beta = alpha >= 0 ? -norm : norm;
    v.fill(0);
    v[k + 1] = alpha - beta;
    for (let i = k + 2; i < n; i++) v[i] = M[i * n + k];
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += v[i] * v[i];
    const tau = 2 / vv;
    // M ← H M H with H = I − τ v vᵀ: p = τ M v, w = p − (τ/2)(vᵀp) v, M −= v wᵀ + w vᵀ.
    let vp = 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = k + 1; j < n; j++) acc += M[i * n + j] * v[j];
      p[i] = tau * acc;
      vp += v[i] * p[i];
    }
    for (let i = 0; i < n; i++) p[i] -= 0.5 * tau * vp * v[i];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] -= v[i] * p[j] + p[i] * v[j];
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    d[i] = M[i * n + i];
    if (i + 1 < n) e[i] = M[(i + 1) * n + i];
  }
  tridiagonalQL(d, e, null);
  return d;
}

/** The three routes: TypeScript kernels, wasm on one thread, wasm with a worker thread. */
const ROUTES = [
  { name: 'simd: false', options: { threads: 1, simd: false } },
  { name: 'wasm', options: { threads: 1, simd: true } },
  { name: 'wasm + worker', options: { threads: 2, simd: true } },
] as const;

/** Sizes around the half-bandwidth b = 32 and its panel multiples; the worker joins from n = 256. */
const SIZES = [1, 2, 31, 32, 33, 65, 95, 97];
const WORKER_SIZES = [287, 289];

describe('two-stage eigenvalues', () => {
  it('agree with an independent one-stage reduction within the backward-error bound, on every route', () => {
    for (const route of ROUTES) {
      const backend = createCpuBackend(route.options);
      for (const n of route.options.threads === 2 ? WORKER_SIZES : [37, 97, 130]) {
        const A = randomSymmetric(n, n);
        const got = backend.eigvalsh({ rows: n, cols: n, data: A });
        const ref = oneStageEigenvalues(n, A);
        // Both are backward stable: each computed spectrum is exact for A + E with ‖E‖ ≤ c·n·ε·‖A‖ (Weyl: the values
        // move by at most ‖E‖). With c = 10 for each route they differ by at most 20·n·ε·‖A‖_F.
        const bound = 20 * n * EPS * frobenius(A);
        let worst = 0;
        for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]));
        expect(worst, `${route.name}, n = ${n}`).toBeLessThanOrEqual(bound);
      }
      backend.dispose();
    }
  });

  it.each(ROUTES)('closed-form spectra: diagonal, zero, rank one, two blocks ($name)', (route) => {
    const backend = createCpuBackend(route.options);
    for (const n of route.options.threads === 2 ? WORKER_SIZES : SIZES) {
      const ev = (data: Float64Array): Float64Array => backend.eigvalsh({ rows: n, cols: n, data });
      // Already-reduced rows (τ = 0: every reflector is skipped) and exact low-rank matrices: λ known exactly.
      const D = new Float64Array(n * n);
      for (let i = 0; i < n; i++) D[i * n + i] = n - i;
      expect(Array.from(ev(D))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(ev(new Float64Array(n * n)).every((v) => v === 0)).toBe(true);
      const h = n >> 1;
      const ones = new Float64Array(n * n).fill(1);
      const blocks = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i < h === j < h) blocks[i * n + j] = 1;
      // Backward stable: every eigenvalue within c·n·ε·‖A‖ with ‖A‖_F = n (ones) or ≤ n (blocks); c = 10.
      const tol = 10 * n * EPS * n;
      const r = ev(ones);
      expect(Math.abs(r[n - 1] - n)).toBeLessThanOrEqual(tol);
      for (let i = 0; i < n - 1; i++) expect(Math.abs(r[i])).toBeLessThanOrEqual(tol);
      if (n >= 2) {
        const bl = ev(blocks);
        expect(Math.abs(bl[n - 1] - (n - h))).toBeLessThanOrEqual(tol);
        expect(Math.abs(bl[n - 2] - h)).toBeLessThanOrEqual(tol);
        for (let i = 0; i < n - 2; i++) expect(Math.abs(bl[i])).toBeLessThanOrEqual(tol);
      }
    }
    backend.dispose();
  });

  it.each(ROUTES)('eigh: residuals ‖A v − λ v‖ and orthogonality, all vectors and the top k ($name)', (route) => {
    const backend = createCpuBackend(route.options);
    for (const n of route.options.threads === 2 ? WORKER_SIZES : SIZES) {
      const A = randomSymmetric(n, 3 * n);
      const norm = frobenius(A);
      for (const k of [n, Math.max(1, Math.floor(n / 10))]) {
        const { values, vectors } = backend.eigh({ rows: n, cols: n, data: A }, { k });
        const V = vectors.data as Float64Array;
        let res = 0;
        let orth = 0;
        for (let j = 0; j < k; j++) {
          let r2 = 0;
          for (let i = 0; i < n; i++) {
            let acc = 0;
            for (let t = 0; t < n; t++) acc += A[i * n + t] * V[t * k + j];
            r2 += (acc - values[j] * V[i * k + j]) ** 2;
          }
          res = Math.max(res, Math.sqrt(r2));
          for (let l = 0; l <= j; l++) {
            let dot = 0;
            for (let i = 0; i < n; i++) dot += V[i * k + j] * V[i * k + l];
            orth = Math.max(orth, Math.abs(dot - (j === l ? 1 : 0)));
          }
        }
        // A backward-stable solver: residuals O(n·ε·‖A‖), orthogonality O(n·ε); c = 10 (inverse iteration for the
        // top k is verified to the same order by the solver itself).
        expect(res, `n = ${n}, k = ${k}`).toBeLessThanOrEqual(10 * Math.max(n, 4) * EPS * norm);
        expect(orth, `n = ${n}, k = ${k}`).toBeLessThanOrEqual(10 * Math.max(n, 4) * EPS);
      }
    }
    backend.dispose();
  });

  it('are bitwise the same on one thread and on two (each tile and each chase task runs the same code)', () => {
    const n = 333;
    const A = randomSymmetric(n, 5);
    const one = createCpuBackend({ threads: 1 });
    const two = createCpuBackend({ threads: 2 });
    const a = one.eigvalsh({ rows: n, cols: n, data: A });
    const b = two.eigvalsh({ rows: n, cols: n, data: A });
    const va = one.eigh({ rows: n, cols: n, data: A }, { k: 5 }).vectors.data;
    const vb = two.eigh({ rows: n, cols: n, data: A }, { k: 5 }).vectors.data;
    one.dispose();
    two.dispose();
    let differ = 0;
    for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) differ++;
    for (let i = 0; i < va.length; i++) if (!Object.is(va[i], vb[i])) differ++;
    expect(differ).toBe(0);
  });
});
