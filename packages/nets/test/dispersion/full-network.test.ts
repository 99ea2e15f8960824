import { expectSpecError } from '@spec/testing';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng } from '@spec/core';
import { dispersionEstimate, dispersionLimit, ntkMeans, scalarNtkSamples } from '@spec/rmt';
import { dispersionStudy, fullNetworkNtkSamples } from '../../src/index.js';

const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
const se = (a: Float64Array): number => {
  const m = mean(a);
  return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1) / a.length);
};

describe('fullNetworkNtkSamples (apps/docs/theory/dispersion.md#setting, #exact-finite-width)', () => {
  const backend = createCpuBackend();
  const [M, n0, L, N] = [20, 20, 4, 3000];
  const full = fullNetworkNtkSamples({
    width: M,
    inputDim: n0,
    depth: L,
    sigmaW2: 2,
    samples: N,
    rng: createRng(11),
    backend,
  });

  it('means of Θ_w and Θ_b match χ^L(1 + LM/n0) and Σ_k χ^k within 3 SE (apps/docs/theory/reference-values.md#ntk-means)', () => {
    const exact = ntkMeans({ width: M, inputDim: n0, depth: L, sigmaW2: 2 });
    expect(exact.weights).toBeCloseTo(5, 12);
    expect(Math.abs(mean(full.weights) - exact.weights)).toBeLessThan(3 * se(full.weights));
    expect(Math.abs(mean(full.biases) - exact.biases)).toBeLessThan(3 * se(full.biases));
  });

  it('full networks and the exact scalar recursion (apps/docs/theory/dispersion.md#exact-finite-width) give the same dispersion within 3 combined SE', () => {
    const scalar = scalarNtkSamples({
      width: M,
      inputDim: n0,
      depth: L,
      sigmaW2: 2,
      samples: 20_000,
      rng: createRng(12),
    });
    for (const part of ['weights', 'biases', 'total'] as const) {
      const a = dispersionEstimate(full[part]);
      const b = dispersionEstimate(scalar[part]);
      expect(Math.abs(a.dispersion - b.dispersion)).toBeLessThan(3 * Math.hypot(a.stderr, b.stderr));
    }
  });

  it('ordered phase (σ_w² = 1): means match apps/docs/theory/dispersion.md#exact-finite-width within 3 SE', () => {
    const s = fullNetworkNtkSamples({
      width: 10,
      inputDim: 5,
      depth: 3,
      sigmaW2: 1,
      samples: 1500,
      rng: createRng(13),
      backend,
    });
    const exact = ntkMeans({ width: 10, inputDim: 5, depth: 3, sigmaW2: 1 });
    expect(Math.abs(mean(s.total) - exact.total)).toBeLessThan(3 * se(s.total));
  });
});

describe('dispersionStudy (apps/docs/theory/dispersion.md#depth-width-limits)', () => {
  it('EOC, width 400, λ = 0.1 and 0.25: the scalar Monte Carlo is within 2% of the apps/docs/theory/dispersion.md#depth-width-limits limit (D_ww, n0 fixed)', () => {
    // apps/docs/theory/reference-values.md#how-checked: λ = 0.25, M = 400: 2.675 vs 2.659. n0 = 1 ⇒ r0 = 400 ≈ ∞:
    // theory ≈ D_ww.
    const st = dispersionStudy({
      sigmaW2: 2,
      width: 400,
      inputDim: 1,
      depths: [40, 100],
      samples: 20_000,
      rng: createRng(14),
    });
    expect(st.phase).toBe('edge-of-chaos');
    for (const r of st.rows) {
      expect(r.theory).not.toBeNull();
      // 2% = the finite-width gap quoted in apps/docs/theory/reference-values.md#how-checked; plus 3 SE of Monte Carlo.
      expect(Math.abs(r.dispersion - r.theory!)).toBeLessThan(0.02 * r.theory! + 3 * r.stderr);
      expect(Math.abs(r.mean - r.meanTheory!)).toBeLessThan(3 * r.meanStderr);
    }
    expect(Math.abs(dispersionLimit({ lambda: 0.25, phase: 'edge-of-chaos' }).weights - 2.659135)).toBeLessThan(1e-6);
  });

  it('full method: rows carry the same fields and agree with the scalar method within 3 combined SE (M = 12, L = 3)', () => {
    const backend = createCpuBackend();
    const base = { sigmaW2: 2.5, width: 12, inputDim: 12, depths: [3], samples: 2000 } as const;
    const f = dispersionStudy({ ...base, method: 'full', backend, rng: createRng(16) }).rows[0];
    const s = dispersionStudy({ ...base, rng: createRng(17) }).rows[0];
    expect(f.lambda).toBe(0.25);
    expect(Math.abs(f.dispersion - s.dispersion)).toBeLessThan(3 * Math.hypot(f.stderr, s.stderr));
    backend.dispose();
  });

  it('bad input is a SpecError', () => {
    expect(() =>
      dispersionStudy({ sigmaW2: 2, sigmaB2: 0.1, width: 10, depths: [1], samples: 10, rng: createRng(0) }),
    ).toThrow(/σ_b² = 0/);
    expect(() => dispersionStudy({ sigmaW2: 2, width: -1, depths: [1], samples: 10, rng: createRng(0) })).toThrow(
      /width/,
    );
  });

  it('refuses up front what float64 cannot hold or what would run for minutes, naming the limit', () => {
    const rng = createRng(0);
    // EOC, λ = 10000/30: D ≈ e^{5λ}/3 ≈ 1e723.
    expectSpecError(
      () => dispersionStudy({ sigmaW2: 2, width: 30, depths: [10000], samples: 10, rng }),
      'E_INPUT',
      /e\^\{5λ\} ≈ 10\^7\d\d/,
      /use depths up to about \d+/,
    );
    // Chaotic χ = 500, L = 100: E Θ ≈ 500^100 = 1e270.
    expectSpecError(
      () => dispersionStudy({ sigmaW2: 1000, width: 10000, depths: [100], samples: 10, rng }),
      'E_INPUT',
      /mean NTK grows like χ\^L/,
    );
    // 500 samples × 200000 layer steps: 1e8 steps.
    expectSpecError(
      () => dispersionStudy({ sigmaW2: 1, width: 100000, depths: [100000, 100000], samples: 500, rng }),
      'E_INPUT',
      /would take minutes/,
      /fewer --samples/,
    );
    // The largest accepted depth at width 30 really runs and gives finite numbers.
    const st = dispersionStudy({ sigmaW2: 2, width: 30, depths: [3400], samples: 20, rng });
    for (const r of st.rows)
      for (const v of [r.dispersion, r.stderr, r.mean, r.meanStderr]) expect(Number.isFinite(v)).toBe(true);
  });
});
