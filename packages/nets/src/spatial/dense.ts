import { SpecError, type SpatialActivations, type SpatialLayer, type SpatialParams } from '@spec/core';
import { activations, assertActivations, assertShapeArg, shapeOf, spatialSize } from './activations.js';
import { assertCount, assertOptions, assertStd, drawNormal, param } from './params.js';
import { addInto, perSampleGradientGram, rowGram } from './sample-gram.js';

/** Options of {@link spatialDense}. */
export interface SpatialDenseOptions {
  /** Output channels C_out (1 for the readout). */
  readonly width: number;
  /** W_std (default 1). */
  readonly W_std?: number;
  /** b_std (default 0: no bias parameter, as neural-tangents' `b_std=None`). */
  readonly b_std?: number;
}

interface DenseCache {
  readonly x: SpatialActivations;
}

/**
 * A dense layer applied at every position with the same weights (a 1 × 1 convolution,
 * apps/docs/theory/architectures.md#dense), NTK parametrisation:
 * `y_o(a,p) = W_std Σ_i ω_oi x_i(a,p)/√C_in + b_std β_o`. Parameters `W` (C_out × C_in, row-major) and, when
 * b_std > 0, `b` (C_out), raw N(0, 1) draws. With no positions this is the MLP's `dense` with
 * `parametrization: 'ntk'`, `sigmaW2 = W_std²`, `sigmaB2 = b_std²` and the linear activation.
 *
 * NTK share (apps/docs/theory/architectures.md#finite-layers), with g = ∂f/∂y and α = W_std/√C_in:
 * `α² Σ_{p,q} ⟨x_a(p), x_b(q)⟩⟨g_a(p), g_b(q)⟩ + b_std² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩`, computed through position Grams
 * (O(n²L²(C_in + C_out))) or, when that is dearer, through per-sample weight gradients Σ_p g_a(p) x_a(p)ᵀ
 * (O(n L C_in C_out + n² C_in C_out)).
 *
 * @throws SpecError `E_INPUT` for a bad width or scale
 */
export function spatialDense(options: SpatialDenseOptions): SpatialLayer<DenseCache> {
  assertOptions(options, 'dense');
  const width = assertCount(options.width, 'dense', 'width');
  const wStd = assertStd(options.W_std ?? 1, 'dense', 'W_std');
  const bStd = assertStd(options.b_std ?? 0, 'dense', 'b_std');
  const hasBias = bStd > 0;

  const weights = (params: SpatialParams, cin: number): { W: Float64Array; b: Float64Array | null } => ({
    W: param(params, 'W', width * cin, 'dense'),
    b: hasBias ? param(params, 'b', width, 'dense') : null,
  });

  return {
    kind: 'dense',
    init(inShape, rng) {
      assertShapeArg(inShape, 'dense');
      const params: Record<string, Float64Array> = { W: drawNormal(rng, 'W', width * inShape.channels) };
      if (hasBias) params.b = drawNormal(rng, 'b', width);
      return { params, outShape: { spatial: [...inShape.spatial], channels: width } };
    },
    apply(params, x) {
      assertActivations(x, 'dense', 'the input');
      const cin = x.channels;
      const { W, b } = weights(params, cin);
      const alpha = wStd / Math.sqrt(cin);
      const rows = x.samples * spatialSize(x.spatial);
      const y = new Float64Array(rows * width);
      const xd = x.data;
      for (let r = 0; r < rows; r++) {
        const xo = r * cin;
        for (let o = 0; o < width; o++) {
          const wo = o * cin;
          let s = 0;
          for (let i = 0; i < cin; i++) s += W[wo + i] * xd[xo + i];
          y[r * width + o] = alpha * s + (b !== null ? bStd * b[o] : 0);
        }
      }
      return { y: activations(y, x.samples, { spatial: x.spatial, channels: width }), cache: { x } };
    },
    vjp(params, cache, gy, _ctx, options) {
      const { x } = cache;
      const cin = x.channels;
      assertActivations(gy, 'dense', 'the output gradient', { ...shapeOf(x), channels: width, samples: x.samples });
      const { W } = weights(params, cin);
      const alpha = wStd / Math.sqrt(cin);
      const rows = x.samples * spatialSize(x.spatial);
      const gx = new Float64Array(rows * cin);
      const g = gy.data;
      const xd = x.data;
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < width; o++) {
          const go = alpha * g[r * width + o];
          if (go === 0) continue;
          const wo = o * cin;
          const xo = r * cin;
          for (let i = 0; i < cin; i++) gx[xo + i] += go * W[wo + i];
        }
      }
      const gxAct = activations(gx, x.samples, shapeOf(x));
      if (options?.params === false) return { gx: gxAct, gparams: {} };
      const gW = new Float64Array(width * cin);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < width; o++) {
          const go = alpha * g[r * width + o];
          const wo = o * cin;
          const xo = r * cin;
          for (let i = 0; i < cin; i++) gW[wo + i] += go * xd[xo + i];
        }
      }
      const gparams: Record<string, Float64Array> = { W: gW };
      if (hasBias) {
        const gb = new Float64Array(width);
        for (let r = 0; r < rows; r++) for (let o = 0; o < width; o++) gb[o] += bStd * g[r * width + o];
        gparams.b = gb;
      }
      return { gx: gxAct, gparams };
    },
    ntk(params, cache, gy) {
      const { x } = cache;
      assertActivations(gy, 'dense', 'the output gradient', { ...shapeOf(x), channels: width, samples: x.samples });
      weights(params, x.channels);
      const alpha = wStd / Math.sqrt(x.channels);
      const theta = denseWeightNtk(x, gy, alpha, 'auto');
      if (hasBias) addInto(theta, signalSumGram(gy, bStd));
      return theta;
    },
  };
}

/**
 * The weight part of a dense layer's NTK share, `α² Σ_{p,q} ⟨x_a(p), x_b(q)⟩⟨g_a(p), g_b(q)⟩` (n × n), by position
 * Grams or by per-sample weight gradients (`'auto'`: whichever costs fewer operations). Exported for tests of both
 * routes.
 */
export function denseWeightNtk(
  x: SpatialActivations,
  g: SpatialActivations,
  alpha: number,
  route: 'auto' | 'position-gram' | 'per-sample',
): Float64Array {
  const n = x.samples;
  const L = spatialSize(x.spatial);
  const cin = x.channels;
  const cout = g.channels;
  if (g.samples !== n || spatialSize(g.spatial) !== L) {
    throw new SpecError('E_SHAPE', 'dense: the output gradient does not match the input in samples or positions');
  }
  const gramCost = (n * n * L * L * (cin + cout)) / 2;
  const sampleCost = n * L * cin * cout + (n * n * cin * cout) / 2;
  const useGram = route === 'position-gram' || (route === 'auto' && gramCost <= sampleCost);
  const a2 = alpha * alpha;
  if (useGram) {
    const theta = new Float64Array(n * n);
    const xd = x.data;
    const gd = g.data;
    for (let a = 0; a < n; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let p = 0; p < L; p++) {
          const xa = (a * L + p) * cin;
          const ga = (a * L + p) * cout;
          for (let q = 0; q < L; q++) {
            const xb = (b * L + q) * cin;
            const gb = (b * L + q) * cout;
            let sx = 0;
            for (let i = 0; i < cin; i++) sx += xd[xa + i] * xd[xb + i];
            let sg = 0;
            for (let o = 0; o < cout; o++) sg += gd[ga + o] * gd[gb + o];
            s += sx * sg;
          }
        }
        theta[a * n + b] = a2 * s;
        theta[b * n + a] = a2 * s;
      }
    }
    return theta;
  }
  const theta = perSampleGradientGram(n, [cout * cin], (a, [row]) => {
    for (let p = 0; p < L; p++) {
      const xo = (a * L + p) * cin;
      const go = (a * L + p) * cout;
      for (let o = 0; o < cout; o++) {
        const v = g.data[go + o];
        if (v === 0) continue;
        for (let i = 0; i < cin; i++) row[o * cin + i] += v * x.data[xo + i];
      }
    }
  });
  for (let i = 0; i < theta.length; i++) theta[i] *= a2;
  return theta;
}

/** `s² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩` (n × n): the NTK share of a bias of scale s added at every position. */
export function signalSumGram(g: SpatialActivations, s: number): Float64Array {
  const n = g.samples;
  const L = spatialSize(g.spatial);
  const C = g.channels;
  const sums = new Float64Array(n * C);
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < L; p++) {
      const o = (a * L + p) * C;
      for (let c = 0; c < C; c++) sums[a * C + c] += s * g.data[o + c];
    }
  }
  return rowGram(sums, n, C);
}
