import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneErrorLine, run } from './helpers.js';

describe('spec series', () => {
  it('relu depth 1, degree 8: κ = (1/π, 1, 3/(2π), 0, 5/(24π)), S² eigenvalues (1e-9) (apps/docs/theory/reference-values.md#power-series, #sphere-eigenvalues)', async () => {
    const r = await run('series', '--activation', 'relu', '--depth', '1', '--degree', '8', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      nngp: number[];
      ntk: number[];
      sphereEigenvalues: number[];
      decayExponent: number | null;
    };
    expect(doc.nngp).toHaveLength(9);
    expect(doc.ntk).toHaveLength(9);
    [1 / Math.PI, 1, 3 / (2 * Math.PI), 0, 5 / (24 * Math.PI)].forEach((v, p) =>
      expect(Math.abs(doc.ntk[p] - v)).toBeLessThan(1e-9),
    );
    [1 / 2, 1 / 3, 5 / 64, 0, 1 / 192, 0, 23 / 16384].forEach((v, k) =>
      expect(Math.abs(doc.sphereEigenvalues[k] - v)).toBeLessThan(1e-9),
    );
  });

  it('--sphere-dim 5 gives apps/docs/theory/reference-values.md#sphere-eigenvalues d = 5 values; --out writes the figures', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'spec-series-')), 'out');
    const r = await run('series', '--degree', '6', '--sphere-dim', '5', '--out', dir, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { sphereEigenvalues: number[] };
    [27 / 64, 1 / 5, 1 / 32, 0, 17 / 16384, 0, 27 / 163840].forEach((v, k) =>
      expect(Math.abs(doc.sphereEigenvalues[k] - v)).toBeLessThan(1e-9),
    );
    expect(existsSync(join(dir, 'coefficients.svg'))).toBe(true);
    expect(existsSync(join(dir, 'sphere-eigenvalues.svg'))).toBe(true);
  });

  it('--help lists every flag; bad input exits 2 with one error line', async () => {
    const h = await run('series', '--help');
    for (const flag of [
      '--activation',
      '--normalized',
      '--depth',
      '--degree',
      '--sphere-dim',
      '--sigma-w2',
      '--sigma-b2',
      '--sigma-w2-in',
      '--hermite-degree',
    ])
      expect(h.stdout).toContain(flag);
    for (const argv of [
      ['--activation', 'nope'],
      ['--degree', '-2'],
      ['--sphere-dim', '1'],
      ['--sigma-w2-in', '0'],
    ]) {
      const r = await run('series', ...argv, '--json');
      expect(r.code).toBe(2);
      expectOneErrorLine(r);
    }
  });

  it('refuses --sphere-dim beyond 20000 up front (exit 2), naming the limit and what to try', async () => {
    const r = await run('series', '--activation', 'tanh', '--sphere-dim', '100000', '--json');
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toMatch(/sphereDim must be ≤ 20000.*try a sphereDim ≤ 20000/);
    expect(r.stdout).toBe('');
  });

  it('gelu at degree 40: Funk–Hecke eigenvalues of the tabulated kernel agree with the series route (independent) within its tail mass', async () => {
    // The series route sums the power series' coefficients (Hermite coefficients of gelu by 1-D quadrature, Cauchy
    // products); the Funk–Hecke route integrates the kernel from the tabulated dual. With unit diagonal every
    // coefficient is ≥ 0 and truncation only removes terms, so 0 ≤ Θ(t) − Σ_{p≤P} κ_p t^p ≤ tailMass on [−1, 1], and
    // each λ_k (an average of Θ against a Gegenbauer polynomial bounded by 1) moves by at most tailMass; 1e-10 more
    // for the two quadratures.
    const r = await run('series', '--activation', 'gelu', '--degree', '40', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      ntk: number[];
      sphereEigenvalues: number[];
      tailMass: { ntk: number };
      unitDiagonal: boolean;
    };
    expect(doc.unitDiagonal).toBe(true);
    expect(doc.tailMass.ntk).toBeLessThan(1e-6);
    // S² eigenvalues of Σ κ_p t^p: λ_k = Σ_{p ≥ k, p ≡ k (2)} κ_p p! Γ(3/2) / (2^p ((p−k)/2)! Γ((p+k+3)/2)).
    const lgamma = (x: number): number => {
      // Γ at integers and half-integers: exact products.
      let v = Number.isInteger(x) ? 1 : Math.sqrt(Math.PI);
      for (let y = Number.isInteger(x) ? 1 : 0.5; y < x; y++) v *= y;
      return Math.log(v);
    };
    for (let k = 0; k <= 6; k++) {
      let lambda = 0;
      for (let p = k; p < doc.ntk.length; p += 2) {
        lambda +=
          doc.ntk[p] *
          Math.exp(lgamma(p + 1) + lgamma(1.5) - p * Math.LN2 - lgamma((p - k) / 2 + 1) - lgamma((p + k + 3) / 2));
      }
      expect(Math.abs(doc.sphereEigenvalues[k] - lambda), `k = ${k}`).toBeLessThan(doc.tailMass.ntk + 1e-10);
    }
  });
});
