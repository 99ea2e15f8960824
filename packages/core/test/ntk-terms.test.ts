import { describe, expect, it } from 'vitest';
import { createRng, isSpecError, ntkTermsContribution, type Backend, type Matrix, type NtkTerm } from '../src/index.js';

/** The two products the helper needs, by plain loops (core cannot depend on a backend package). */
const loopBackend = {
  /** The Gram of the rows (factors hold one row per sample); the helper must ask for exactly that. */
  gram(A: Matrix, options?: { rows?: boolean }): Matrix {
    if (options?.rows !== true) throw new Error('the helper must ask for the Gram of the rows');
    const { rows, cols, data } = A;
    const out = new Float64Array(rows * rows);
    for (let a = 0; a < rows; a++)
      for (let b = 0; b < rows; b++) {
        let s = 0;
        for (let k = 0; k < cols; k++) s += data[a * cols + k] * data[b * cols + k];
        out[a * rows + b] = s;
      }
    return { rows, cols: rows, data: out };
  },
  hadamard(A: Matrix, B: Matrix): Matrix {
    return { rows: A.rows, cols: A.cols, data: Float64Array.from(A.data, (v, i) => v * B.data[i]) };
  },
} as unknown as Backend;

function random(rows: number, cols: number, seed: number): Matrix {
  const data = new Float64Array(rows * cols);
  createRng(seed).fillNormal(data);
  return { rows, cols, data };
}

/** Σ over terms of (a2 Σ_k L[α,k]L[β,k] + b2) · Σ_k R[α,k]R[β,k], entry by entry from the definition. */
function byDefinition(terms: NtkTerm[], n: number): Float64Array {
  const out = new Float64Array(n * n);
  const dot = (M: Matrix, a: number, b: number): number => {
    let s = 0;
    for (let k = 0; k < M.cols; k++) s += M.data[a * M.cols + k] * M.data[b * M.cols + k];
    return s;
  };
  for (const t of terms)
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++)
        out[a * n + b] += (t.a2 * (t.left === null ? 0 : dot(t.left, a, b)) + t.b2) * dot(t.right, a, b);
  return out;
}

describe('ntkTermsContribution (the n × n share of factored NTK terms)', () => {
  it('sums (a2 L Lᵀ + b2) ⊙ R Rᵀ over the terms, a null left counting as a zero Gram', () => {
    const n = 6;
    const terms: NtkTerm[] = [
      { left: random(n, 4, 1), right: random(n, 3, 2), a2: 0.7, b2: 0.2 },
      { left: random(n, 2, 3), right: random(n, 1, 4), a2: 1.3, b2: 0 },
      { left: null, right: random(n, 5, 5), a2: 9, b2: 0.4 },
    ];
    const K = ntkTermsContribution(terms, loopBackend)!;
    const ref = byDefinition(terms, n);
    expect(K.rows).toBe(n);
    // A few roundings per entry of sums of order 10: 1e-13 of the largest entry.
    const scale = Math.max(...ref.map(Math.abs));
    for (let j = 0; j < ref.length; j++) expect(Math.abs(K.data[j] - ref[j])).toBeLessThan(1e-13 * scale);
  });

  it('is null without terms, and uses the Gram the caller holds', () => {
    expect(ntkTermsContribution([], loopBackend)).toBeNull();
    const left = random(4, 3, 7);
    const right = random(4, 2, 8);
    const held = loopBackend.gram(left, { rows: true });
    let asked = 0;
    const K = ntkTermsContribution([{ left, right, a2: 2, b2: 0 }], loopBackend, {
      gramOf: (m) => {
        asked++;
        return m === left ? held : undefined;
      },
    })!;
    expect(asked).toBe(1);
    // a2 = 2 scales exactly, so the helper's (LᵀL ⊙ RᵀR)·2 and the definition's (2·LᵀL)·RᵀR agree bit for bit.
    expect(Array.from(K.data)).toEqual(Array.from(byDefinition([{ left, right, a2: 2, b2: 0 }], 4)));
    expect(Array.from(held.data)).toEqual(Array.from(loopBackend.gram(left, { rows: true }).data)); // read, not written
  });

  it('refuses factors with different numbers of rows (samples) (E_SHAPE)', () => {
    const bad = (): unknown =>
      ntkTermsContribution([{ left: random(5, 2, 1), right: random(4, 2, 2), a2: 1, b2: 0 }], loopBackend);
    expect(bad).toThrow(/rows/);
    try {
      bad();
    } catch (e) {
      expect(isSpecError(e) && e.code).toBe('E_SHAPE');
    }
  });
});
