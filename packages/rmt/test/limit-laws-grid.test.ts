import { describe, expect, it } from 'vitest';
import { ckCombination } from '../src/ck-limit.js';
import type { InputMeasure } from '../src/input-measure.js';
import { type KernelCombination, combinationAtoms, stieltjesLimit } from '../src/kernel-system.js';
import { kernelLimit } from '../src/kernel-limit.js';
import type { LimitSpectrum } from '../src/limit-spectrum.js';
import { mpQuantile } from '../src/mp.js';
import { ntkCombination } from '../src/ntk-limit.js';
import { ACTIVATIONS, type NormalisedActivation } from './simulate-network.js';

// The linear-width CK and NTK limit laws as complete probability laws over a grid of shapes
// (apps/docs/theory/fan-wang.md#ck-limit, #ntk-surrogate, #ntk-fixed-point): n/d₀ and n/d_ℓ ∈ {0.05, 0.5, 1, 2,
// 5, 20}, depths 1–4, five activations, MP and discrete inputs. Ratios ≫ 1 make most of the mass an atom or a
// narrow component far from the rest; the fixed point then has spurious roots next to the true one, and a
// solver that follows one of them loses whole support components (a fuzz of the CLI lost mass in 297 of 1040
// runs). Each law is checked against closed forms that the solver does not use: its mean, its variance and
// its Stieltjes transform at one point off the axis, computed by a cold η-homotopy.

const RATIOS = [0.05, 0.5, 1, 2, 5, 20];
/** Grid points per law: fewer than the default 1000 keeps ~600 laws within seconds; the adaptive bisection
 * still drives the estimated quadrature error to 1e−4 of the mass (it may add up to 4× the points). */
const POINTS = 300;

/** A discrete input law of mean 1 (real data: nonzero eigenvalues of XᵀX padded with zeros up to n). */
function atomsInput(samplesPerDim: number): InputMeasure {
  const k = 8;
  const zero = Math.max(0, 1 - 1 / samplesPerDim);
  const nonzero = Array.from({ length: k }, (_, i) => mpQuantile(zero + ((1 - zero) * (i + 0.5)) / k, samplesPerDim));
  const x = Float64Array.from([...nonzero, ...(zero > 0 ? [0] : [])]);
  const weights = Float64Array.from([...nonzero.map(() => (1 - zero) / k), ...(zero > 0 ? [zero] : [])]);
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i] * weights[i];
  for (let i = 0; i < x.length; i++) x[i] /= mean; // mean exactly 1, as the closed forms below assume
  return { kind: 'atoms', x, weights };
}

/** Second moment of the input law. */
function inputSecondMoment(input: InputMeasure): number {
  if (input.kind === 'mp') return 1 + input.samplesPerDim;
  if (input.kind !== 'atoms' || input.weights === undefined) throw new Error('unsupported input');
  let s = 0;
  for (let i = 0; i < input.x.length; i++) s += input.weights[i] * input.x[i] ** 2;
  return s;
}

/**
 * Mean and variance of the law of r·I + Σ q_ℓ K_ℓ for an input of mean 1 (apps/docs/theory/fan-wang.md#ntk-surrogate):
 * every K_ℓ has mean 1, m2(μ_ℓ) − 1 = b⁴(m2(μ_{ℓ−1}) − 1) + γ_ℓ (#ck-limit), and
 * Var = Σ_{ℓ,k} q_ℓ q_k b^{2|ℓ−k|} (m2(μ_{min(ℓ,k)}) − 1).
 */
function closedFormMoments(c: KernelCombination): { mean: number; variance: number } {
  const b2 = c.b * c.b;
  const L = c.samplesPerNeuron.length;
  const m2 = [inputSecondMoment(c.input)];
  for (let l = 1; l <= L; l++) m2.push(1 + b2 * b2 * (m2[l - 1] - 1) + c.samplesPerNeuron[l - 1]);
  let mean = c.r;
  let variance = 0;
  for (let l = 0; l <= L; l++) {
    mean += c.q[l];
    for (let k = 0; k <= L; k++) variance += c.q[l] * c.q[k] * b2 ** Math.abs(l - k) * (m2[Math.min(l, k)] - 1);
  }
  return { mean, variance };
}

/** ∫ f dν over the returned law: trapezoid on its grid plus the atoms. */
function integrate(s: LimitSpectrum, f: (x: number) => number): number {
  let t = 0;
  for (let i = 1; i < s.x.length; i++)
    t += 0.5 * (s.x[i] - s.x[i - 1]) * (f(s.x[i]) * s.density[i] + f(s.x[i - 1]) * s.density[i - 1]);
  for (const a of s.atoms) t += a.mass * f(a.x);
  return t;
}

interface Case {
  readonly activation: NormalisedActivation;
  readonly kernel: 'ck' | 'ntk';
  readonly input: InputMeasure;
  readonly samplesPerNeuron: number[];
}

function combination(c: Case): KernelCombination {
  const { activation, input, samplesPerNeuron } = c;
  return c.kernel === 'ck'
    ? ckCombination({ samplesPerNeuron, b: activation.b, input })
    : ntkCombination({ samplesPerNeuron, a: activation.a, b: activation.b, input });
}

function describeCase(c: Case): string {
  const g0 = c.input.kind === 'mp' ? `n/d0 = ${c.input.samplesPerDim}` : 'atoms';
  return `${c.activation.name} ${c.kernel} ${g0}, n/d = [${c.samplesPerNeuron.join(', ')}]`;
}

/**
 * Checks one law; returns a description of what is off, or '' when it is a complete law with the right
 * moments. Tolerances:
 * - mass: the contract, |density + atoms − 1| ≤ 1e−3 (the adaptive grid aims at 1e−4);
 * - mean: 5e−4 relative. The bisection bounds the estimated trapezoid error of ∫(1 + x/mean)ρ by 1e−4 of the
 *   mass, so ∫xρ is off by ~1e−4·mean; 5× covers the estimate's optimism at singular edges;
 * - variance: the same error budget carried to ∫x²ρ ≤ x_max·∫xρ gives |ΔVar| ≲ 5e−4·mean·(x_max + 2·mean);
 * - m(z) at z = mean + i·sd (the scale of the law; an independent cold homotopy): the same 5e−4·5 budget
 *   relative to |m| (|1/(x − z)| ≤ 1/sd on the support, |m(z)| ≥ ~0.4/sd).
 */
function checkLaw(c: Case): string {
  const comb = combination(c);
  // a discrete input can split the law into one interval per input eigenvalue (38 points each at least)
  const s = kernelLimit(comb, { points: c.input.kind === 'atoms' ? 500 : POINTS });
  const { mean, variance } = closedFormMoments(comb);
  const problems: string[] = [];
  const atoms = combinationAtoms(comb);
  expect(s.atoms).toEqual(atoms);
  const mass = integrate(s, () => 1);
  if (!(Math.abs(mass - 1) <= 1e-3)) problems.push(`mass ${mass}`);
  const m1 = integrate(s, (x) => x);
  if (!(Math.abs(m1 / mean - 1) <= 5e-4)) problems.push(`mean ${m1} vs ${mean}`);
  const xMax = s.x[s.x.length - 1];
  const v = integrate(s, (x) => (x - mean) ** 2);
  if (!(Math.abs(v - variance) <= 5e-4 * mean * (xMax + 2 * mean))) problems.push(`variance ${v} vs ${variance}`);
  const sd = Math.sqrt(variance);
  const z = { re: mean, im: sd };
  const m = stieltjesLimit(z, comb);
  const re = integrate(s, (x) => (x - z.re) / ((x - z.re) ** 2 + z.im ** 2));
  const im = integrate(s, (x) => z.im / ((x - z.re) ** 2 + z.im ** 2));
  if (!(Math.hypot(re - m.re, im - m.im) <= 2.5e-3 * Math.hypot(m.re, m.im))) {
    problems.push(`m(z) ${re} + ${im}i vs ${m.re} + ${m.im}i`);
  }
  return problems.length === 0 ? '' : `${describeCase(c)}: ${problems.join('; ')}`;
}

function checkAll(cases: Case[]): void {
  const failures = cases.map(checkLaw).filter((p) => p !== '');
  expect(failures).toEqual([]);
}

describe('linear-width limit laws are complete laws at every ratio', () => {
  it('the shapes a CLI fuzz found losing mass or failing (n, d₀, widths → ratios)', () => {
    const { tanh, relu, linear } = ACTIVATIONS;
    const linearByQuadrature = { name: 'linear (b = 1 − 3e−16)', b: 0.9999999999999997, a: 0.9999999999999993 };
    const mp = (g: number): InputMeasure => ({ kind: 'mp', samplesPerDim: g });
    const cases: Case[] = [];
    for (const kernel of ['ck', 'ntk'] as const) {
      cases.push(
        { activation: tanh, kernel, input: mp(1), samplesPerNeuron: [20] }, // 400, 400, [20]: NTK mass was 0.05
        { activation: tanh, kernel, input: mp(5), samplesPerNeuron: [2, 2] }, // 500, 100, [250, 250]: 0.20
        { activation: tanh, kernel, input: mp(2), samplesPerNeuron: [2] }, // 400, 200, [200]: no convergence
        { activation: relu, kernel, input: mp(20), samplesPerNeuron: [20, 20, 20, 20] }, // "no support"
        { activation: linear, kernel, input: mp(20), samplesPerNeuron: [2] }, // linear, n/d₀ = 20
        { activation: linear, kernel, input: mp(20), samplesPerNeuron: [20, 20] },
        { activation: tanh, kernel, input: mp(400), samplesPerNeuron: [1, 1] }, // depth 2, d₀ = 1 (n = 400)
        { activation: linear, kernel, input: mp(1), samplesPerNeuron: [1, 1, 1] }, // x^(−4/5) edge at 0
        // linear σ with b and a as quadrature returns them (1 − 3e−16): the atom of the linear law, 0.95
        { activation: linearByQuadrature, kernel, input: mp(20), samplesPerNeuron: [2] },
      );
    }
    checkAll(cases);
  });

  it('depth 1: every (n/d₀, n/d₁) pair for tanh, half of them for relu and linear; CK and NTK, MP input', () => {
    const cases: Case[] = [];
    for (const activation of [ACTIVATIONS.tanh, ACTIVATIONS.relu, ACTIVATIONS.linear])
      for (let i = 0; i < RATIOS.length; i++)
        for (let j = 0; j < RATIOS.length; j++) {
          if (activation !== ACTIVATIONS.tanh && (i + j) % 2 === 1) continue;
          for (const kernel of ['ck', 'ntk'] as const) {
            cases.push({
              activation,
              kernel,
              input: { kind: 'mp', samplesPerDim: RATIOS[i] },
              samplesPerNeuron: [RATIOS[j]],
            });
          }
        }
    checkAll(cases);
  });

  it('depths 2–4: every ratio at every layer (Latin rows), five activations, CK and NTK, MP input', () => {
    const cases: Case[] = [];
    const acts = Object.values(ACTIVATIONS);
    for (let L = 2; L <= 4; L++) {
      for (let row = 0; row < RATIOS.length; row++) {
        // layer ℓ (0 = input) gets RATIOS[(row + ℓ·step) mod 6], so each ratio appears at each layer next to
        // a larger (step 1) or a smaller (step 5 ≡ −1) neighbour
        for (const step of [1, 5]) {
          const ratios = Array.from({ length: L + 1 }, (_, l) => RATIOS[(row + l * step) % RATIOS.length]);
          const activation = acts[(row + L + step) % acts.length];
          cases.push({
            activation,
            kernel: (row + step) % 2 === 0 ? 'ck' : 'ntk',
            input: { kind: 'mp', samplesPerDim: ratios[0] },
            samplesPerNeuron: ratios.slice(1),
          });
        }
      }
      // every layer at one extreme
      for (const g of [0.05, 20]) {
        for (const kernel of ['ck', 'ntk'] as const) {
          cases.push({
            activation: ACTIVATIONS.tanh,
            kernel,
            input: { kind: 'mp', samplesPerDim: g },
            samplesPerNeuron: Array<number>(L).fill(g),
          });
        }
      }
    }
    checkAll(cases);
  });

  it('discrete input (a real-data-like spectrum with a null part), depths 1–3, CK and NTK', () => {
    const cases: Case[] = [];
    RATIOS.forEach((g0, i) => {
      for (const widths of [[RATIOS[(i + 3) % 6]], [20, RATIOS[(i + 1) % 6], 0.5]]) {
        for (const kernel of ['ck', 'ntk'] as const) {
          cases.push({ activation: ACTIVATIONS.tanh, kernel, input: atomsInput(g0), samplesPerNeuron: widths });
        }
      }
    });
    checkAll(cases);
  });
});
