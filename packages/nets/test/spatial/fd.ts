import { expect } from 'vitest';
import { createCpuBackend } from '@spec/backend-cpu';
import type { LayerContext, Rng, Activations, Layer, LayerParams, Shape } from '@spec/core';

/*
 * Finite-difference references for the spatial layers. Central differences with step h = 1e-5 on O(1) quantities:
 * truncation error h²·|F‴|/6 ≈ 2e-11·|F‴| and rounding error ≈ ε·|F|/h ≈ 2e-11·|F| per derivative, so a tolerance of
 * 1e-7 relative to the largest entry (plus 1e-7 absolute) leaves a margin of ~10³ over both while still catching any
 * wrong term (a missing factor or transpose changes entries at O(1)).
 */
/** The layer context of the spatial tests: the CPU backend (its worker threads start lazily and do not hold the process). */
export const ctx: LayerContext = { backend: createCpuBackend() };

export const FD_STEP = 1e-5;
export const FD_TOL = 1e-7;

/** n samples of shape `shape` with N(0, scale²) entries. */
export function randomActivations(rng: Rng, n: number, shape: Shape, scale = 1): Activations {
  const L = shape.spatial.reduce((s, v) => s * v, 1);
  const data = new Float64Array(n * L * shape.channels);
  rng.fillNormal(data);
  for (let i = 0; i < data.length; i++) data[i] *= scale;
  return { data, samples: n, spatial: [...shape.spatial], channels: shape.channels };
}

/** Copies a parameter record (so finite differences never touch the caller's arrays). */
export function copyParams(p: LayerParams): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Float64Array.from(v)]));
}

/** Asserts |a − b| ≤ tol·(1 + max |b|) entry-wise. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  expect(a.length, what).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst, `${what}: max deviation ${worst} against scale ${scale}`).toBeLessThanOrEqual(tol * (1 + scale));
}

/** Σ gy ⊙ layer(x; params): a scalar whose gradients are exactly what vjp returns. */
function probe(layer: Layer, params: LayerParams, x: Activations, gy: Activations): number {
  const { y } = layer.apply(params, x, ctx);
  let s = 0;
  for (let i = 0; i < y.data.length; i++) s += y.data[i] * gy.data[i];
  return s;
}

/**
 * Checks a layer's vjp (input and every parameter) against central differences of Σ gy ⊙ y, with gy random, on n
 * random samples of `inShape`.
 */
export function checkVjp(
  layer: Layer,
  inShape: Shape,
  rng: Rng,
  options: { readonly samples?: number; readonly inputScale?: number; readonly tol?: number } = {},
): void {
  const n = options.samples ?? 2;
  const { params: p0, outShape } = layer.init(inShape, rng.split('init'));
  const params = copyParams(p0);
  const x = randomActivations(rng.split('x'), n, inShape, options.inputScale ?? 1);
  const gy = randomActivations(rng.split('gy'), n, outShape);
  const { cache, y } = layer.apply(params, x, ctx);
  expect(y.spatial).toEqual(outShape.spatial);
  expect(y.channels).toBe(outShape.channels);
  const { gx, gparams } = layer.vjp(params, cache, gy, ctx);
  const tol = options.tol ?? FD_TOL;
  const fdX = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    x.data[i] = v + FD_STEP;
    const fp = probe(layer, params, x, gy);
    x.data[i] = v - FD_STEP;
    const fm = probe(layer, params, x, gy);
    x.data[i] = v;
    fdX[i] = (fp - fm) / (2 * FD_STEP);
  }
  expectClose(gx.data, fdX, tol, `${layer.kind}: input gradient`);
  expect(gx.spatial).toEqual(x.spatial);
  expect(Object.keys(gparams).sort()).toEqual(Object.keys(params).sort());
  for (const key of Object.keys(params)) {
    const d = params[key];
    const fd = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      d[i] = v + FD_STEP;
      const fp = probe(layer, params, x, gy);
      d[i] = v - FD_STEP;
      const fm = probe(layer, params, x, gy);
      d[i] = v;
      fd[i] = (fp - fm) / (2 * FD_STEP);
    }
    expectClose(gparams[key], fd, tol, `${layer.kind}: gradient of "${key}"`);
  }
  // Asking for the input gradient only must give the same gx.
  expectClose(layer.vjp(params, cache, gy, ctx, { params: false }).gx.data, gx.data, 1e-14, `${layer.kind}: gx only`);
}

/** Scalar outputs of a layer list (the last output has one channel and no positions). */
function outputs(layers: ReadonlyArray<Layer>, params: ReadonlyArray<LayerParams>, x: Activations) {
  let h = x;
  layers.forEach((layer, i) => {
    h = layer.apply(params[i], h, ctx).y;
  });
  return h.data;
}

/**
 * The Jacobian of every sample's output with respect to every parameter of every layer, by central differences of
 * forward passes only, and J Jᵀ from it: an NTK independent of vjp and of the layers' NTK shares. Also J_ℓ J_ℓᵀ per
 * layer.
 */
export function finiteDifferenceNtk(
  layers: ReadonlyArray<Layer>,
  params: ReadonlyArray<Record<string, Float64Array>>,
  x: Activations,
): { ntk: Float64Array; perLayer: Float64Array[] } {
  const n = x.samples;
  const ntk = new Float64Array(n * n);
  const perLayer = params.map((p) => {
    const theta = new Float64Array(n * n);
    for (const key of Object.keys(p)) {
      const d = p[key];
      for (let i = 0; i < d.length; i++) {
        const v = d[i];
        d[i] = v + FD_STEP;
        const fp = Float64Array.from(outputs(layers, params, x));
        d[i] = v - FD_STEP;
        const fm = outputs(layers, params, x);
        d[i] = v;
        const col = Array.from(fp, (f, a) => (f - fm[a]) / (2 * FD_STEP));
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) theta[a * n + b] += col[a] * col[b];
      }
    }
    for (let i = 0; i < ntk.length; i++) ntk[i] += theta[i];
    return theta;
  });
  return { ntk, perLayer };
}
