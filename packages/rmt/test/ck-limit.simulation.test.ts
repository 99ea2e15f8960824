import { createCpuBackend } from '@spec/backend-cpu';
import { type Matrix, createRng, transpose } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { ckLimit } from '../src/ck-limit.js';
import { ksDistance } from '../src/stats/ks.js';

// The one slow test of the package (~5 s): a sampled tanh network against the CK limit law.
describe('CK limit vs simulated networks (apps/docs/theory/fan-wang.md#ck-limit, apps/docs/theory/reference-values.md#how-checked)', () => {
  it('empirical CK of a normalised-tanh network, n = 1500, L = 2, matches the limit with KS ≤ 0.02', () => {
    const cpu = createCpuBackend();
    const rng = createRng(2024);
    const n = 1500;
    const d0 = 1000;
    const widths = [1000, 1000];
    const s = 0.627929; // sd of tanh(ξ) (apps/docs/theory/toolkit.md#normalised-activations): σ̃ = tanh/s has mean 0, variance 1
    const b = 0.964609; // b_σ of normalised tanh (apps/docs/theory/toolkit.md#normalised-activations)
    // X0 with N(0, 1/d0) entries → μ_0 = ρ^MP with γ_0 = n/d0.
    const X0 = cpu.randn(d0, n, rng.split('X0'));
    for (let i = 0; i < X0.data.length; i++) X0.data[i] /= Math.sqrt(d0);
    let X: Matrix = X0;
    widths.forEach((d, l) => {
      const W = cpu.randn(d, X.rows, rng.split(`W${l}`));
      const H = cpu.gemm(W, X);
      const out = new Float64Array(H.data.length);
      for (let i = 0; i < out.length; i++) out[i] = Math.tanh(H.data[i]) / s / Math.sqrt(d);
      X = { rows: d, cols: n, data: out };
    });
    // K_2 = X2ᵀX2 (n × n) has rank d2 < n: its nonzero eigenvalues are those of X2X2ᵀ = gram(X2ᵀ).
    const nonzero = cpu.eigvalsh(cpu.gram(transpose(X)));
    const eig = new Float64Array(n);
    eig.set(nonzero, n - nonzero.length);
    const law = ckLimit({
      samplesPerNeuron: widths.map((d) => n / d),
      b,
      input: { kind: 'mp', samplesPerDim: n / d0 },
    });
    expect(law.atoms).toHaveLength(1);
    expect(law.atoms[0].mass).toBeCloseTo(1 - 1000 / 1500, 12);
    // 0.02 is the acceptance bound set for this check; apps/docs/theory/reference-values.md#how-checked measured 0.0046
    // for a comparable network, and the finite-n fluctuation of the KS statistic is O(n^{-1/2}·small) for spectra
    // (eigenvalue rigidity).
    const ks = ksDistance(eig, law, { atomTolerance: 1e-9 });
    expect(ks).toBeLessThanOrEqual(0.02);
  });
});
