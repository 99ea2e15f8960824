import { describe, expect, it } from 'vitest';
import { ckCombination } from '../src/ck-limit.js';
import { createWork, dampedSolve, newtonSolve, onBranch, solvePoint } from '../src/fixed-point.js';
import { type KernelCombination, combinationAtoms, kernelSystem, stieltjesLimit } from '../src/kernel-system.js';
import { ntkCombination } from '../src/ntk-limit.js';
import { ACTIVATIONS } from './simulate-network.js';

// The branch of the fixed point (apps/docs/theory/toolkit.md#marchenko-pastur "Branch choice",
// fan-wang.md#ntk-fixed-point): which root of δ = F(δ; z) is the Stieltjes transform of the law.

const { tanh, relu, linear } = ACTIVATIONS;
const mp = (g: number) => ({ kind: 'mp', samplesPerDim: g }) as const;

/**
 * The true solution along x + iη for η from 3·scale down to `etaMin`, by steps η ← 0.9η, each solved by
 * Newton from the previous one: so short a step cannot leave the root it follows (a separate, slow
 * algorithm). Calls `visit` at every step.
 */
function slowPath(
  c: KernelCombination,
  x: number,
  etaMin: number,
  visit: (ok: boolean, d: Float64Array) => void,
): void {
  const sys = kernelSystem(c);
  const w = createWork(sys.size);
  const d = new Float64Array(2 * sys.size);
  let eta = 3 * sys.scale;
  expect(dampedSolve(sys, x, eta, d, w, 5000)).toBe(true);
  while (eta > etaMin) {
    eta *= 0.9;
    expect(newtonSolve(sys, x, eta, d, w)).toBe(true);
    visit(onBranch(sys, x, eta, d, w.m), d);
  }
}

describe('branch of the fixed point', () => {
  it('a march along the axis from a gap into a support component stays on the Stieltjes branch', () => {
    // NTK, n/d = (1, 20): 95 % of the mass in [0.25, 3.8], 5 % in [11.8, 37]. Marching down from x = 20 the
    // warm start crosses the gap; with only "Im m ≥ 0" checked it ran on a real root (m ≈ −0.13 + 2e−8 i at
    // x = 2, density 0) through the whole lower component.
    const c = ntkCombination({ samplesPerNeuron: [20], a: tanh.a, b: tanh.b, input: mp(1) });
    const sys = kernelSystem(c);
    const w = createWork(sys.size);
    const d = new Float64Array(2 * sys.size);
    const eta = 1e-8 * sys.scale;
    let warm = false;
    for (const x of [20, 11.9, 11.81, 10, 8, 5, 3.9, 3.5, 3, 2]) {
      solvePoint(sys, x, eta, d, w, warm);
      warm = true;
    }
    const cold = stieltjesLimit({ re: 2, im: eta }, c);
    expect(Math.hypot(w.m[0] - cold.re, w.m[1] - cold.im)).toBeLessThan(1e-8 * Math.hypot(cold.re, cold.im));
    expect(cold.im).toBeGreaterThan(0.5); // density ≈ 0.17 at x = 2
  });

  it('the branch conditions hold along the true solution, down to η = 1e−11·scale (Im δ_ℓ itself need not)', () => {
    let negativeDelta = false;
    const shapes: [KernelCombination, number][] = [
      // (n/d₀, n/d₁, n/d₂) = (2, 20, 20): Im δ₁ < 0 on the true branch around x ≈ 1
      [ntkCombination({ samplesPerNeuron: [20, 20], a: tanh.a, b: tanh.b, input: mp(2) }), 0.9578],
      [ntkCombination({ samplesPerNeuron: [20], a: tanh.a, b: tanh.b, input: mp(1) }), 2],
      [ntkCombination({ samplesPerNeuron: [2, 0.05, 5], a: relu.a, b: relu.b, input: mp(0.5) }), 3],
      [ckCombination({ samplesPerNeuron: [1, 2], b: tanh.b, input: mp(2) }), 0.005], // in the gap next to the atom
      [ckCombination({ samplesPerNeuron: [1, 1, 1], b: linear.b, input: mp(2) }), 0.1],
      [
        ntkCombination({
          samplesPerNeuron: [5, 0.5],
          a: tanh.a,
          b: tanh.b,
          input: { kind: 'atoms', x: Float64Array.from([0, 0, 0.5, 1, 2.5]) },
        }),
        1.2,
      ],
    ];
    for (const [c, x] of shapes) {
      slowPath(c, x, 1e-11 * kernelSystem(c).scale, (ok, d) => {
        expect(ok).toBe(true);
        for (let k = 1; k < d.length; k += 2) if (d[k] < -1e-6) negativeDelta = true;
      });
    }
    expect(negativeDelta).toBe(true);
  });

  it('heavy atoms of a discrete input survive n/d ≫ 1 as atoms at r + q₀x of mass w − 1/γ', () => {
    // 8 input eigenvalues of multiplicity n/8; K₁ has rank n/20, so on a fraction 1/8 − 1/20 of each
    // eigenspace the NTK surrogate r + b²K₀ + K₁ acts as r + b²x
    const x = Float64Array.from([0.1, 0.3, 0.6, 0.9, 1.1, 1.4, 1.6, 2]);
    const c = ntkCombination({ samplesPerNeuron: [20], a: tanh.a, b: tanh.b, input: { kind: 'atoms', x } });
    const atoms = combinationAtoms(c);
    expect(atoms.map((t) => t.x)).toEqual(Array.from(x, (v) => c.r + c.q[0] * v));
    // independent: the mass of an atom at a is lim η·Im m(a + iη) (the solver at one point)
    for (const atom of atoms) {
      expect(atom.mass).toBeCloseTo(1 / 8 - 1 / 20, 12);
      const eta = 1e-9;
      const m = stieltjesLimit({ re: atom.x, im: eta }, c);
      // η·Im m = mass + η·π·ρ(a) + O(η/gap): the rest is < 1e−6 here
      expect(Math.abs(eta * m.im - atom.mass)).toBeLessThan(1e-6);
    }
  });
});
