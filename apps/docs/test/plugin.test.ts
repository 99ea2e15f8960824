import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { spatialDense } from '@spec/nets';
import { cosine } from '../examples/plugin/cosine-activation.js';
import { scaledDenseSpatialLayer } from '../examples/plugin/scaled-dense-layer.js';
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

describe('docs example plugin: scaledDense at finite width', () => {
  it('agrees with the built-in dense layer (no bias) in output, vjp and NTK share on a spatial batch', () => {
    const rng = createRng(11);
    const entry = { layer: 'scaledDense', weightStd: 1.3 };
    const plugin = scaledDenseSpatialLayer.create(entry, { width: 5 });
    const builtin = spatialDense({ width: 5, W_std: 1.3 });
    const x = { data: new Float64Array(3 * 4 * 2), samples: 3, spatial: [4], channels: 2 };
    rng.fillNormal(x.data);
    const { params, outShape } = plugin.init({ spatial: [4], channels: 2 }, rng);
    expect(outShape).toEqual({ spatial: [4], channels: 5 });
    const a = plugin.apply(params, x);
    const b = builtin.apply(params, x);
    expect(maxDiff(a.y.data, b.y.data)).toBeLessThan(1e-13);
    const gy = { ...a.y, data: new Float64Array(a.y.data.length) };
    rng.fillNormal(gy.data);
    const va = plugin.vjp(params, a.cache, gy);
    const vb = builtin.vjp(params, b.cache, gy);
    expect(maxDiff(va.gx.data, vb.gx.data)).toBeLessThan(1e-13);
    expect(maxDiff(va.gparams.W, vb.gparams.W)).toBeLessThan(1e-13);
    expect(maxDiff(plugin.ntk(params, a.cache, gy)!, builtin.ntk(params, b.cache, gy)!)).toBeLessThan(1e-12);
    expect(() => scaledDenseSpatialLayer.create({ layer: 'scaledDense', weightStd: -1 }, { width: 5 })).toThrow(
      /weightStd/,
    );
  });
});

function maxDiff(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
