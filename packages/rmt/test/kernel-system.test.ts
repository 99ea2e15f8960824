import { describe, expect, it } from 'vitest';
import type { Complex } from '../src/complex.js';
import { ckCombination } from '../src/ck-limit.js';
import { type KernelCombination, combinationAtoms, stieltjesLimit } from '../src/kernel-system.js';
import { mpMap } from '../src/mp-map.js';
import { ntkCombination, ntkSurrogateCoefficients } from '../src/ntk-limit.js';

const b = 0.964609; // tanh, apps/docs/theory/toolkit.md#normalised-activations
const a = 1.177807;
const input = { kind: 'mp', samplesPerDim: 1.5 } as const;

/** Moments about c of the law whose Stieltjes transform is m, by the contour integral
 * μ_k(c) = −(1/2π) ∫ R^{k+1} e^{i(k+1)φ} m(c + Re^{iφ}) dφ (apps/docs/theory/toolkit.md#marchenko-pastur "moments from
 * m"); the trapezoid rule on the circle converges like (ρ/R)^M with ρ the support's radius about c. */
function contourMoments(m: (z: Complex) => Complex, c: number, R: number, k: number, M = 96): number[] {
  const vals: Complex[] = [];
  for (let j = 0; j <= M / 2; j++)
    vals.push(m({ re: c + R * Math.cos((2 * Math.PI * j) / M), im: R * Math.sin((2 * Math.PI * j) / M) }));
  const at = (j: number): Complex => (j <= M / 2 ? vals[j] : { re: vals[M - j].re, im: -vals[M - j].im });
  const central: number[] = [];
  for (let p = 0; p <= k; p++) {
    let s = 0;
    for (let j = 0; j < M; j++) {
      const phi = ((p + 1) * 2 * Math.PI * j) / M;
      const v = at(j);
      s += Math.cos(phi) * v.re - Math.sin(phi) * v.im;
    }
    central.push((-(R ** (p + 1)) * s) / M);
  }
  const raw: number[] = [];
  for (let p = 0; p <= k; p++) {
    let s = 0;
    let binom = 1;
    for (let j = 0; j <= p; j++) {
      s += binom * central[j] * c ** (p - j);
      binom = (binom * (p - j)) / (j + 1);
    }
    raw.push(s);
  }
  return raw;
}

/** apps/docs/theory/fan-wang.md#ck-limit moment recursion (independent of the solver). */
function ckMomentRecursion(m2: number, m3: number, gammas: number[], bb: number): [number, number][] {
  const out: [number, number][] = [[m2, m3]];
  for (const g of gammas) {
    const u2 = m2 - 1;
    const u3 = m3 - 3 * m2 + 2;
    const n2 = 1 + bb ** 4 * u2;
    const n3 = 1 + 3 * bb ** 4 * u2 + bb ** 6 * u3;
    m2 = n2 + g;
    m3 = n3 + 3 * g * n2 + g * g;
    out.push([m2, m3]);
  }
  return out;
}

describe('apps/docs/theory/fan-wang.md#ntk-fixed-point vector fixed point (apps/docs/theory/fan-wang.md#ntk-fixed-point, reference table)', () => {
  // The table's values are given to 10 decimals; the solver converges to a relative residual of 1e-12.
  const table: [Complex, number[][]][] = [
    [
      { re: -1, im: 0 },
      [
        [0.6831642908, 0],
        [0.6959980616, 0],
        [0.4823135342, 0],
        [0.3361184835, 0],
      ],
    ],
    [
      { re: 1, im: 0.1 },
      [
        [-0.6196084582, 0.581836818],
        [-0.6992892938, 0.5368396021],
        [-0.411546607, 0.6360555311],
        [-0.5976205836, 2.0956766826],
      ],
    ],
  ];
  it('reproduces the CK and NTK Stieltjes reference values (L = 1, 2) to 1e-8', () => {
    for (const [z, expected] of table) {
      const combos: KernelCombination[] = [
        ckCombination({ samplesPerNeuron: [0.75], b, input }),
        ckCombination({ samplesPerNeuron: [0.75, 0.75], b, input }),
        ntkCombination({ samplesPerNeuron: [0.75], a, b, input }),
        ntkCombination({ samplesPerNeuron: [0.75, 0.75], a, b, input }),
      ];
      combos.forEach((c, i) => {
        const m = stieltjesLimit(z, c);
        expect(Math.abs(m.re - expected[i][0])).toBeLessThan(1e-8);
        expect(Math.abs(m.im - expected[i][1])).toBeLessThan(1e-8);
      });
    }
  });

  it('CK fixed point agrees with the nested scalar MP map (two algorithms) to 1e-10', () => {
    // μ_ℓ = ρ^MP_γℓ ⊠ ((1 − b²) + b² μ_{ℓ−1}); the affine image has m_ν(ζ) = m_{ℓ−1}((ζ − (1 − b²))/b²)/b².
    const gammas = [0.75, 1.6];
    const affine =
      (m: (z: Complex) => Complex) =>
      (zeta: Complex): Complex => {
        const v = m({ re: (zeta.re - (1 - b * b)) / (b * b), im: zeta.im / (b * b) });
        return { re: v.re / (b * b), im: v.im / (b * b) };
      };
    const m1 = (z: Complex): Complex =>
      mpMap(
        z,
        {
          kind: 'law',
          stieltjes: affine((w) => mpMap(w, { kind: 'atoms', x: new Float64Array([1]) }, 1.5)),
          support: [1 - b * b, 10],
        },
        gammas[0],
      );
    const m2 = (z: Complex): Complex =>
      mpMap(z, { kind: 'law', stieltjes: affine(m1), support: [1 - b * b, 40] }, gammas[1]);
    for (const z of [
      { re: -1, im: 0 },
      { re: 1, im: 0.1 },
      { re: 2.5, im: 0.05 },
    ]) {
      const nested = m2(z);
      const vec = stieltjesLimit(z, ckCombination({ samplesPerNeuron: gammas, b, input }));
      expect(Math.abs(nested.re - vec.re)).toBeLessThan(1e-10);
      expect(Math.abs(nested.im - vec.im)).toBeLessThan(1e-10);
    }
  });

  it('the same law from an MP input and from the equivalent "law" input agree', () => {
    const viaLaw = stieltjesLimit(
      { re: 0.7, im: 0.2 },
      ckCombination({
        samplesPerNeuron: [0.5, 2],
        b,
        input: {
          kind: 'law',
          stieltjes: (w) => mpMap(w, { kind: 'atoms', x: new Float64Array([1]) }, 1.5),
          support: [0, 5],
        },
      }),
    );
    const viaMp = stieltjesLimit({ re: 0.7, im: 0.2 }, ckCombination({ samplesPerNeuron: [0.5, 2], b, input }));
    expect(Math.abs(viaLaw.re - viaMp.re) + Math.abs(viaLaw.im - viaMp.im)).toBeLessThan(1e-10);
  });

  it('moments from the Stieltjes transform match apps/docs/theory/reference-values.md#iterated-mp, #ntk-surrogate (contour integral, spectral accuracy)', () => {
    // apps/docs/theory/reference-values.md#iterated-mp: n = 2000, d0 = 1000, d = (3000, 1500, 2500) → γ0 = 2, γ = (2/3,
    // 4/3, 0.8).
    const gammas = [2 / 3, 4 / 3, 0.8];
    for (const [bb, m2s, m3s] of [
      [1, [3, 3.666667, 5.0, 5.8], [11, 17.444444, 33.888889, 46.528889]],
      [b, [3, 3.3982, 4.4097, 4.752], [11, 15.3245, 27.0557, 32.7304]],
    ] as [number, number[], number[]][]) {
      const rec = ckMomentRecursion(3, 11, gammas, bb);
      for (let L = 1; L <= 3; L++) {
        const c = ckCombination({
          samplesPerNeuron: gammas.slice(0, L),
          b: bb,
          input: { kind: 'mp', samplesPerDim: 2 },
        });
        // support ⊂ [0, U] with U ≤ 15 here; circle centred at 7.5 with radius 12 → convergence (7.5/12)^96 ≈ 1e-20.
        const mom = contourMoments((z) => stieltjesLimit(z, c), 7.5, 12, 3);
        expect(Math.abs(mom[0] - 1)).toBeLessThan(1e-9);
        expect(Math.abs(mom[1] - 1)).toBeLessThan(1e-9); // m1 = 1 at every layer
        expect(Math.abs(mom[2] - rec[L][0])).toBeLessThan(1e-8 * rec[L][0]);
        expect(Math.abs(mom[3] - rec[L][1])).toBeLessThan(1e-8 * rec[L][1]);
        // the table values of apps/docs/theory/reference-values.md#iterated-mp are rounded to 6 (linear) / 4 (tanh)
        // decimals
        const tol = bb === 1 ? 1e-6 : 1e-4;
        expect(Math.abs(mom[2] - m2s[L])).toBeLessThan(tol);
        expect(Math.abs(mom[3] - m3s[L])).toBeLessThan(tol);
      }
    }
  });

  it('NTK surrogate mean Σ a^k and variance 13.466481 (apps/docs/theory/reference-values.md#ntk-surrogate) from the contour moments', () => {
    const c = ntkCombination({ samplesPerNeuron: [0.75, 0.75], a, b, input });
    const mom = contourMoments((z) => stieltjesLimit(z, c), 10, 16, 2);
    expect(Math.abs(mom[1] - (1 + a + a * a))).toBeLessThan(1e-9);
    expect(Math.abs(mom[1] - 3.565036)).toBeLessThan(1e-6);
    // apps/docs/theory/reference-values.md#ntk-surrogate gives the variance to 6 decimals (computed with b, a rounded
    // to 6 decimals as here)
    expect(Math.abs(mom[2] - mom[1] ** 2 - 13.466481)).toBeLessThan(2e-6);
  });

  it('surrogate coefficients for tanh match apps/docs/theory/fan-wang.md#ntk-surrogate', () => {
    const l1 = ntkSurrogateCoefficients(a, b, 1);
    expect(Math.abs(l1.r - 0.247337)).toBeLessThan(1e-6);
    expect(Math.abs(l1.q[0] - 0.93047)).toBeLessThan(1e-6);
    const l2 = ntkSurrogateCoefficients(a, b, 2);
    expect(Math.abs(l2.r - 0.768791)).toBeLessThan(1e-6);
    expect(Math.abs(l2.q[0] - 0.865775)).toBeLessThan(1e-6);
    expect(l2.q[2]).toBe(1);
  });

  it('atoms: CK atom max(0, 1 − 1/γ_L) at 0; none for the tanh NTK; linear nets keep the lowest null space', () => {
    expect(combinationAtoms(ckCombination({ samplesPerNeuron: [0.5, 4], b, input }))).toEqual([{ x: 0, mass: 0.75 }]);
    expect(combinationAtoms(ckCombination({ samplesPerNeuron: [4, 0.5], b, input }))).toEqual([]);
    expect(combinationAtoms(ntkCombination({ samplesPerNeuron: [4, 4], a, b, input }))).toEqual([]);
    // linear σ: null K_0 (mass 1 − 1/2 for γ0 = 2) ⊂ null K_1
    expect(
      combinationAtoms(ckCombination({ samplesPerNeuron: [0.5], b: 1, input: { kind: 'mp', samplesPerDim: 2 } })),
    ).toEqual([{ x: 0, mass: 0.5 }]);
  });

  it('bad input throws E_INPUT; NaN z throws', () => {
    expect(() => stieltjesLimit({ re: 1, im: 0.1 }, ckCombination({ samplesPerNeuron: [-1], b, input }))).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() => stieltjesLimit({ re: 1, im: 0.1 }, ckCombination({ samplesPerNeuron: [1], b: 1.2, input }))).toThrow(
      expect.objectContaining({ code: 'E_INPUT' }),
    );
    expect(() =>
      stieltjesLimit({ re: Number.NaN, im: 0.1 }, ckCombination({ samplesPerNeuron: [1], b, input })),
    ).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => ntkSurrogateCoefficients(0.5, 0.9, 2)).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() =>
      stieltjesLimit(
        { re: 1, im: 0.1 },
        ckCombination({ samplesPerNeuron: [1], b, input: { kind: 'atoms', x: new Float64Array([1, Number.NaN]) } }),
      ),
    ).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
