import { describe, expect, it } from 'vitest';
import type { SpatialKernel } from '@spec/core';
import { activationKernel, erf, relu } from '../../src/index.js';
import {
  activationKernelMap,
  attentionKernelMap,
  avgPoolKernelMap,
  convKernelMap,
  denseKernelMap,
  fanInSumKernelMap,
  fanOutKernelMap,
  flattenKernelMap,
  globalAvgPoolKernelMap,
  identityKernelMap,
  inputSpatialKernel,
  lastKernelMap,
  layerNormKernelMap,
  residualKernelMap,
  rnnKernelMap,
  serialKernelMap,
} from '../../src/kernel-maps/index.js';
import { at, expectClose, randomData } from './helpers.js';

/**
 * A full record with Θ ≠ K and a non-zero mean: input → dense(1.2, 0.3) → relu → conv(…) — the maps under test are
 * then checked on it against formulas written out here with explicit loops and dense matrices.
 */
function sampleRecord(spatial: number[], seed: number, n = 3, C = 3): SpatialKernel {
  const shape = [n, ...spatial, C];
  const x = inputSpatialKernel(randomData(shape, seed), shape, { form: 'full' });
  return serialKernelMap([denseKernelMap({ W_std: 1.2, b_std: 0.3 }), activationKernelMap(relu)]).map(x);
}

/** The full record's (a, b) block as an L × L array of rows. */
function block(r: SpatialKernel, which: 'nngp' | 'ntk', a: number, b: number): number[][] {
  const L = r.spatial.reduce((x, y) => x * y, 1);
  return Array.from({ length: L }, (_, p) => Array.from({ length: L }, (_, q) => at(r, which, a, p, b, q)));
}

const matmul = (A: number[][], B: number[][]): number[][] =>
  A.map((row) => B[0].map((_, j) => row.reduce((s, v, k) => s + v * B[k][j], 0)));
const transpose = (A: number[][]): number[][] => A[0].map((_, j) => A.map((row) => row[j]));

/** The record's (a, b) blocks after `f` (on K and Θ separately), re-assembled as a flat full layout. */
function expectBlocks(
  actual: SpatialKernel,
  input: SpatialKernel,
  f: (K: number[][], T: number[][], a: number, b: number) => { K: number[][]; T: number[][] },
  rel = 1e-13,
): void {
  const n = input.samples;
  const L = actual.spatial.reduce((x, y) => x * y, 1);
  const K = new Float64Array(n * n * L * L);
  const T = new Float64Array(n * n * L * L);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const r = f(block(input, 'nngp', a, b), block(input, 'ntk', a, b), a, b);
      for (let p = 0; p < L; p++) {
        for (let q = 0; q < L; q++) {
          K[((a * L + p) * n + b) * L + q] = r.K[p][q];
          T[((a * L + p) * n + b) * L + q] = r.T[p][q];
        }
      }
    }
  }
  expectClose(actual.nngp, K, rel);
  expectClose(actual.ntk, T, rel);
}

/**
 * Shift matrix S_δ of one axis (L_out × H), written from the JAX/TF padding rules of
 * apps/docs/theory/architectures.md#convolution independently of src/kernel-maps/index-map.ts.
 */
function axisShifts(H: number, f: number, s: number, padding: 'VALID' | 'SAME' | 'CIRCULAR'): number[][][] {
  const out = padding === 'VALID' ? Math.floor((H - f) / s) + 1 : Math.ceil(H / s);
  const lo = padding === 'VALID' ? 0 : Math.floor(Math.max((out - 1) * s + f - H, 0) / 2);
  return Array.from({ length: f }, (_, d) =>
    Array.from({ length: out }, (_, p) => {
      const row = new Array<number>(H).fill(0);
      let i = s * p + d - lo;
      if (padding === 'CIRCULAR') i = ((i % H) + H) % H;
      if (i >= 0 && i < H) row[i] = 1;
      return row;
    }),
  );
}

/** Kronecker product: the 2-D shift matrix of offset (d1, d2) is S¹_{d1} ⊗ S²_{d2} (row-major positions). */
const kron = (A: number[][], B: number[][]): number[][] =>
  A.flatMap((ra) => B.map((rb) => ra.flatMap((x) => rb.map((y) => x * y))));

describe('layer maps against hand-derived formulas (apps/docs/theory/architectures.md)', () => {
  it('#dense: K′ = W²K + b², Θ′ = K′ + W²Θ, m′ = 0, Gaussian; and equal to a 1 × 1 convolution', () => {
    const r = sampleRecord([4], 1);
    const d = denseKernelMap({ W_std: 1.7, b_std: 0.4 }).map(r);
    expectBlocks(d, r, (K, T) => {
      const Kp = K.map((row) => row.map((k) => 1.7 ** 2 * k + 0.4 ** 2));
      return { K: Kp, T: Kp.map((row, p) => row.map((k, q) => k + 1.7 ** 2 * T[p][q])) };
    });
    expect(d.mean).toBeNull();
    expect(d.gaussian).toBe(true);
    const c = convKernelMap({ filter: [1], W_std: 1.7, b_std: 0.4 }).map(r);
    expect(c.nngp).toEqual(d.nngp);
    expect(c.ntk).toEqual(d.ntk);
  });

  it('#activations: each entry is E φφ / E φ′φ′ of its own 2 × 2 covariance; m′ = E φ(u); not Gaussian', () => {
    const r = denseKernelMap({ W_std: 1.1, b_std: 0.2 }).map(sampleRecord([3], 2));
    const out = activationKernelMap(erf).map(r);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        for (let p = 0; p < 3; p++) {
          for (let q = 0; q < 3; q++) {
            const q1 = at(r, 'nngp', a, p, a, p);
            const q2 = at(r, 'nngp', b, q, b, q);
            // Williams' erf closed form written out (apps/docs/theory/architectures.md#activations).
            const c = at(r, 'nngp', a, p, b, q);
            const den = (1 + 2 * q1) * (1 + 2 * q2);
            expect(at(out, 'nngp', a, p, b, q)).toBeCloseTo((2 / Math.PI) * Math.asin((2 * c) / Math.sqrt(den)), 13);
            const dd = 4 / Math.PI / Math.sqrt(den - 4 * c * c);
            expect(at(out, 'ntk', a, p, b, q)).toBeCloseTo(at(r, 'ntk', a, p, b, q) * dd, 13);
          }
        }
      }
    }
    const rl = activationKernelMap(relu).map(r);
    expect(rl.gaussian).toBe(false);
    expect(rl.mean![4]).toBeCloseTo(Math.sqrt(at(r, 'nngp', 1, 1, 1, 1) / (2 * Math.PI)), 14);
  });

  for (const [padding, H, W, f1, f2, s1, s2] of [
    ['SAME', 5, 4, 3, 2, 2, 1],
    ['VALID', 5, 4, 3, 2, 1, 2],
    ['CIRCULAR', 4, 5, 3, 3, 1, 2],
  ] as const) {
    it(`#convolution ${padding} ${f1}×${f2} stride ${s1}×${s2}: K′ = (W²/|F|) Σ_δ S_δ K S_δᵀ + b² with explicit shift matrices`, () => {
      const r = sampleRecord([H, W], 3);
      const conv = convKernelMap({ filter: [f1, f2], strides: [s1, s2], padding, W_std: 1.3, b_std: 0.2 });
      const out = conv.map(r);
      const A = axisShifts(H, f1, s1, padding);
      const B = axisShifts(W, f2, s2, padding);
      expect(out.spatial).toEqual([A[0].length, B[0].length]);
      const S = A.flatMap((a) => B.map((b) => kron(a, b)));
      const scale = 1.3 ** 2 / (f1 * f2);
      expectBlocks(out, r, (K, T) => {
        const sum = (X: number[][]) =>
          S.map((Sd) => matmul(matmul(Sd, X), transpose(Sd))).reduce((acc, M) =>
            acc.map((row, p) => row.map((v, q) => v + M[p][q])),
          );
        const Kp = sum(K).map((row) => row.map((v) => scale * v + 0.04));
        const Tp = sum(T).map((row, p) => row.map((v, q) => Kp[p][q] + scale * v));
        return { K: Kp, T: Tp };
      });
    });
  }

  it('#average-pooling: K′ = M K Mᵀ with M written out (avg, SAME normalize_edges, sum pooling); m′ = M m', () => {
    const r = sampleRecord([5], 4);
    // Window 2, stride 2, SAME on H = 5: output 3, total padding 1, lo = 0; windows {0,1}, {2,3}, {4, pad}.
    const Mavg = [
      [0.5, 0.5, 0, 0, 0],
      [0, 0, 0.5, 0.5, 0],
      [0, 0, 0, 0, 0.5],
    ];
    const Medges = Mavg.map((row, i) => (i === 2 ? [0, 0, 0, 0, 1] : row));
    const Msum = Mavg.map((row) => row.map((v) => 2 * v));
    for (const [M, options] of [
      [Mavg, {}],
      [Medges, { normalize_edges: true }],
      [Msum, { sum: true }],
    ] as const) {
      const out = avgPoolKernelMap({ window: [2], strides: [2], padding: 'SAME', ...options }).map(r);
      expectBlocks(out, r, (K, T) => ({
        K: matmul(matmul(M, K), transpose(M)),
        T: matmul(matmul(M, T), transpose(M)),
      }));
      for (let a = 0; a < 3; a++) {
        for (let p = 0; p < 3; p++) {
          const m = M[p].reduce((s, w, i) => s + w * r.mean![a * 5 + i], 0);
          expect(out.mean![a * 3 + p]).toBeCloseTo(m, 14);
        }
      }
      expect(out.gaussian).toBe(r.gaussian);
    }
  });

  it('#global-average-pooling, #flatten, last: mean over all pairs, over equal positions, the last position', () => {
    const r = sampleRecord([2, 3], 5);
    const gap = globalAvgPoolKernelMap().map(r);
    const flat = flattenKernelMap().map(r);
    const last = lastKernelMap().map(r);
    for (const out of [gap, flat, last]) expect(out.spatial).toEqual([]);
    expect(flat.gaussian).toBe(false);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        for (const which of ['nngp', 'ntk'] as const) {
          const B = block(r, which, a, b);
          const all = B.flat().reduce((s, v) => s + v, 0) / 36;
          const diag = B.reduce((s, row, p) => s + row[p], 0) / 6;
          expect(gap[which][a * 3 + b]).toBeCloseTo(all, 14);
          expect(flat[which][a * 3 + b]).toBeCloseTo(diag, 14);
          expect(last[which][a * 3 + b]).toBe(B[5][5]);
        }
      }
    }
  });

  it('#layernorm: mean-corrected (K − m mᵀ)/√(v vᵀ) on a non-centred record, Θ/√(v vᵀ); m′ = 0', () => {
    const r = sampleRecord([3], 6);
    const eps = 0.05;
    const out = layerNormKernelMap({ eps }).map(r);
    const m = r.mean!;
    const v = (a: number, p: number) => at(r, 'nngp', a, p, a, p) - m[a * 3 + p] ** 2 + eps;
    expectBlocks(out, r, (K, T, a, b) => ({
      K: K.map((row, p) => row.map((k, q) => (k - m[a * 3 + p] * m[b * 3 + q]) / Math.sqrt(v(a, p) * v(b, q)))),
      T: T.map((row, p) => row.map((t, q) => t / Math.sqrt(v(a, p) * v(b, q)))),
    }));
    expect(out.mean).toBeNull();
  });

  it('#residual-branches: residual = K + α²K_B, weighted sums, serial = composition', () => {
    const r = sampleRecord([4], 7);
    const branch = serialKernelMap([
      denseKernelMap({ W_std: 0.9 }),
      activationKernelMap(erf),
      convKernelMap({ filter: [3], padding: 'SAME', W_std: 1.4, b_std: 0.1 }),
    ]);
    const B = branch.map(r);
    const res = residualKernelMap(branch, 0.7).map(r);
    expectClose(
      res.nngp,
      r.nngp.map((k, i) => k + 0.49 * B.nngp[i]),
      1e-15,
    );
    expectClose(
      res.ntk,
      r.ntk.map((k, i) => k + 0.49 * B.ntk[i]),
      1e-15,
    );
    // The branch ends in a fresh conv (m = 0), so the sum's mean is the identity branch's.
    expect(res.mean).toEqual(r.mean);
    const d1 = denseKernelMap({ W_std: 1.5 });
    const d2 = convKernelMap({ filter: [2], padding: 'CIRCULAR', b_std: 0.3 });
    const sum = fanInSumKernelMap(fanOutKernelMap([d1, d2, identityKernelMap()]), [2, -0.5, 1]).map(r);
    const [o1, o2] = [d1.map(r), d2.map(r)];
    expectClose(
      sum.nngp,
      r.nngp.map((k, i) => 4 * o1.nngp[i] + 0.25 * o2.nngp[i] + k),
      1e-15,
    );
    expectClose(
      sum.ntk,
      r.ntk.map((k, i) => 4 * o1.ntk[i] + 0.25 * o2.ntk[i] + k),
      1e-15,
    );
    expect(sum.gaussian).toBe(false);
  });

  it('#attention: untied equals tied with QK = 0; tied softmax A K Aᵀ written out; sqrt-identity S and R written out', () => {
    const r = sampleRecord([4], 8);
    const untied = attentionKernelMap({ mode: 'untied', OV_std: 1.3, b_std: 0.2 }).map(r);
    const tied0 = attentionKernelMap({ mode: 'tied', QK_std: 0, OV_std: 1.3, b_std: 0.2 }).map(r);
    expectClose(untied.nngp, tied0.nngp, 1e-15);
    expectClose(untied.ntk, tied0.ntk, 1e-15);
    const tied = attentionKernelMap({ QK_std: 0.8, OV_std: 1.3, b_std: 0.2 }).map(r);
    const A = (a: number) =>
      block(r, 'nngp', a, a).map((row) => {
        const e = row.map((k) => Math.exp(0.8 * k));
        const s = e.reduce((x, y) => x + y, 0);
        return e.map((x) => x / s);
      });
    expectBlocks(tied, r, (K, T, a, b) => {
      const AKA = matmul(matmul(A(a), K), transpose(A(b)));
      const ATA = matmul(matmul(A(a), T), transpose(A(b)));
      return {
        K: AKA.map((row) => row.map((v) => 1.69 * v + 0.04)),
        T: ATA.map((row, p) => row.map((v, q) => 1.69 * v + 2 * 1.69 * AKA[p][q] + 0.04)),
      };
    });
    const sq = attentionKernelMap({ mode: 'sqrt', mechanism: 'identity', QK_std: 0.5, OV_std: 1.2 }).map(r);
    const s2 = (0.5 * 1.2) ** 2;
    expectBlocks(sq, r, (K, T) => {
      const S = K.flat().reduce((s, k) => s + k * k, 0);
      const R = K.flat().reduce((s, k, i) => s + k * T.flat()[i], 0);
      return {
        K: K.map((row) => row.map((k) => s2 * k * S)),
        T: K.map((row, p) => row.map((k, q) => s2 * (T[p][q] * S + 2 * k * R + 4 * k * S))),
      };
    });
  });

  it('#rnn: two steps unrolled by hand with the activation duals', () => {
    const shape = [2, 2, 3];
    const x = inputSpatialKernel(randomData(shape, 9), shape, { form: 'full' });
    const out = rnnKernelMap({ act: erf, W_std: 1.1, U_std: 1.3, b_std: 0.2 }).map(x);
    const Kx = (a: number, t: number, b: number, s: number) => at(x, 'nngp', a, t, b, s);
    // Step 1: g¹ = U x¹ + b. Step 2: g² = W s¹ + U x² + b (s⁰ = 0, so mixed blocks [2,1] have no recurrent term).
    const Kg: Record<string, number> = {};
    const Tg: Record<string, number> = {};
    const Ks: Record<string, number> = {};
    const Ts: Record<string, number> = {};
    const key = (a: number, t: number, b: number, s: number) => `${a}${t}${b}${s}`;
    for (const [t, s] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]) {
      for (let a = 0; a < 2; a++) {
        for (let b = 0; b < 2; b++) {
          let k = 1.69 * Kx(a, t, b, s) + 0.04;
          let th = k;
          if (t === 1 && s === 1) {
            k += 1.21 * Ks[key(a, 0, b, 0)];
            th = k + 1.21 * Ts[key(a, 0, b, 0)];
          }
          Kg[key(a, t, b, s)] = k;
          Tg[key(a, t, b, s)] = th;
        }
      }
      if (t === s) {
        for (let a = 0; a < 2; a++) {
          for (let b = 0; b < 2; b++) {
            const e = activationKernel(erf, Kg[key(a, t, a, t)], Kg[key(b, t, b, t)], Kg[key(a, t, b, t)]);
            Ks[key(a, t, b, t)] = e.value;
            Ts[key(a, t, b, t)] = Tg[key(a, t, b, t)] * e.derivative;
          }
        }
      }
    }
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 2; b++) {
        for (const [t, s] of [
          [1, 0],
          [0, 1],
        ]) {
          const e = activationKernel(erf, Kg[key(a, t, a, t)], Kg[key(b, s, b, s)], Kg[key(a, t, b, s)]);
          Ks[key(a, t, b, s)] = e.value;
          Ts[key(a, t, b, s)] = Tg[key(a, t, b, s)] * e.derivative;
        }
        for (let t = 0; t < 2; t++) {
          for (let s = 0; s < 2; s++) {
            expect(at(out, 'nngp', a, t, b, s)).toBeCloseTo(Ks[key(a, t, b, s)], 14);
            expect(at(out, 'ntk', a, t, b, s)).toBeCloseTo(Ts[key(a, t, b, s)], 14);
          }
        }
      }
    }
  });
});

describe('in-place mapping (the chain reuses the arrays of records it owns)', () => {
  const copy = (r: SpatialKernel): SpatialKernel => ({
    ...r,
    nngp: Float64Array.from(r.nngp),
    ntk: Float64Array.from(r.ntk),
    mean: r.mean && Float64Array.from(r.mean),
  });
  for (const form of ['full', 'diagonal'] as const) {
    it(`${form} record: map() leaves its input untouched and mapInPlace() gives the same numbers`, () => {
      const shape = [3, 4, 3, 2];
      const base = inputSpatialKernel(randomData(shape, 11), shape, { form });
      const r = denseKernelMap({ W_std: 1.1, b_std: 0.2 }).map(base);
      const maps = [
        denseKernelMap({ W_std: 1.3, b_std: 0.1 }),
        convKernelMap({ filter: [3, 2], padding: 'SAME', W_std: 1.2, b_std: 0.1 }),
        convKernelMap({ filter: [2, 2], strides: [2, 1], padding: 'VALID' }),
        activationKernelMap(erf),
        layerNormKernelMap({ eps: 0.01 }),
        serialKernelMap([
          convKernelMap({ filter: [2, 3], padding: 'CIRCULAR' }),
          activationKernelMap(relu),
          denseKernelMap(),
        ]),
      ];
      for (const m of maps) {
        const before = copy(r);
        const expected = m.map(r);
        expect(r.nngp).toEqual(before.nngp);
        expect(r.ntk).toEqual(before.ntk);
        const owned = copy(r);
        const got = m.mapInPlace!(owned);
        expect(got.nngp).toEqual(expected.nngp);
        expect(got.ntk).toEqual(expected.ntk);
        expect(got.mean).toEqual(expected.mean);
        expect(got.spatial).toEqual(expected.spatial);
        expect(got.gaussian).toBe(expected.gaussian);
      }
    });
  }
});
