import { describe, expect, it } from 'vitest';
import { expectSpecError } from '@spec/testing';
import { classifyPhase, phaseDiagram } from '../../src/dispersion/index.js';

describe('classifyPhase (apps/docs/theory/dispersion.md#setting)', () => {
  it('puts the ReLU edge of chaos at σ_w² = 2 on both sides, for every σ_b²', () => {
    for (const b2 of [0, 0.3]) {
      expect(classifyPhase({ sigmaW2: 1.9, sigmaB2: b2 }).phase).toBe('ordered');
      expect(classifyPhase({ sigmaW2: 2, sigmaB2: b2 }).phase).toBe('edge-of-chaos');
      expect(classifyPhase({ sigmaW2: 2.1, sigmaB2: b2 }).phase).toBe('chaotic');
      expect(classifyPhase({ sigmaW2: 2 - 1e-12, sigmaB2: b2 }).phase).toBe('edge-of-chaos');
      expect(classifyPhase({ sigmaW2: 2.01, sigmaB2: b2, tolerance: 0.01 }).phase).toBe('edge-of-chaos');
    }
    expect(classifyPhase({ sigmaW2: 1.5 }).chi).toBe(0.75);
  });

  it('q* is the limit of iterating q ← σ_w² q/2 + σ_b² (and infinite for σ_b > 0 at χ ≥ 1)', () => {
    for (const [w2, b2] of [
      [1, 0.5],
      [1.6, 0.2],
      [0.4, 1],
    ]) {
      let q = 1;
      for (let i = 0; i < 2000; i++) q = (w2 * q) / 2 + b2;
      // Contraction factor χ ≤ 0.8: after 2000 steps the iterate equals the fixed point to rounding.
      expect(Math.abs(classifyPhase({ sigmaW2: w2, sigmaB2: b2 }).qStar - q)).toBeLessThan(1e-12);
    }
    expect(classifyPhase({ sigmaW2: 2, sigmaB2: 0.1 }).qStar).toBe(Infinity);
    expect(classifyPhase({ sigmaW2: 3, sigmaB2: 0.1 }).qStar).toBe(Infinity);
    expect(classifyPhase({ sigmaW2: 1, sigmaB2: 0 }).qStar).toBe(0);
  });

  it('phaseDiagram fills a row-major grid with phases and χ', () => {
    const g = phaseDiagram({ sigmaW2: [1, 2, 3], sigmaB2: [0, 0.5] });
    expect(g.phase).toEqual([
      ['ordered', 'ordered'],
      ['edge-of-chaos', 'edge-of-chaos'],
      ['chaotic', 'chaotic'],
    ]);
    expect(Array.from(g.chi[2])).toEqual([1.5, 1.5]);
    expect(g.qStar[0][1]).toBe(1);
  });

  it('rejects non-positive σ_w², negative σ_b² and empty grids with E_INPUT', () => {
    for (const f of [
      () => classifyPhase({ sigmaW2: 0 }),
      () => classifyPhase({ sigmaW2: 2, sigmaB2: -1 }),
      () => phaseDiagram({ sigmaW2: [], sigmaB2: [0] }),
    ]) {
      expectSpecError(f, 'E_INPUT');
    }
  });
});
