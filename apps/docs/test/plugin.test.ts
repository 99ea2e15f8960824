import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { cosine } from '../examples/plugin/cosine-activation.js';
import { example } from '../examples/plugin/usage.js';

describe('docs example plugin', () => {
  it('registers and runs: the counting backend wraps the CPU one and the NTK contribution has a positive trace', async () => {
    const { backend, trace } = await example();
    expect(backend).toBe('counting(cpu)');
    expect(Number.isFinite(trace)).toBe(true);
    expect(trace).toBeGreaterThan(0);
  });

  it('closed-form dual of cos matches Monte Carlo within 5 standard errors', () => {
    const rng = createRng(7);
    const [q1, q2, c] = [1.3, 0.7, 0.5];
    // (u, v) = (√q1 z1, c/√q1 z1 + √(q2 − c²/q1) z2) has covariance [[q1, c], [c, q2]].
    const a = Math.sqrt(q1);
    const b = c / a;
    const e = Math.sqrt(q2 - b * b);
    const N = 200_000;
    let sv = 0,
      sv2 = 0,
      sd = 0,
      sd2 = 0;
    for (let i = 0; i < N; i++) {
      const z1 = rng.normal();
      const z2 = rng.normal();
      const u = a * z1;
      const v = b * z1 + e * z2;
      const pv = cosine.fn(u) * cosine.fn(v);
      const pd = cosine.deriv(u) * cosine.deriv(v);
      sv += pv;
      sv2 += pv * pv;
      sd += pd;
      sd2 += pd * pd;
    }
    const mv = sv / N;
    const md = sd / N;
    // Monte Carlo standard error √(Var/N); 5 SE makes a false failure astronomically unlikely at a fixed seed.
    const sev = Math.sqrt((sv2 / N - mv * mv) / N);
    const sed = Math.sqrt((sd2 / N - md * md) / N);
    expect(Math.abs(mv - cosine.dual!.value(q1, q2, c))).toBeLessThan(5 * sev);
    expect(Math.abs(md - cosine.dual!.derivative(q1, q2, c))).toBeLessThan(5 * sed);
  });
});
