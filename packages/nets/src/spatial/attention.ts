import { SpecError, type Activations, type Layer, type LayerParams } from '@spec/core';
import { activations, assertActivations, assertShapeArg, shapeOf, spatialSize } from './activations.js';
import { signalSumGram } from './dense.js';
import { assertCount, assertOptions, assertStd, drawNormal, param } from './params.js';
import { addInto, perSampleGradientGram } from './sample-gram.js';

/** Options of {@link spatialAttention}. */
export interface SpatialAttentionOptions {
  /** Output channels. */
  readonly width: number;
  /**
   * Query–key scaling (apps/docs/theory/architectures.md#attention): `'tied'` (default) 1/d_k with W_Q = W_K;
   * `'untied'` 1/d_k with independent W_Q, W_K; `'sqrt'` the standard 1/√d_k with independent W_Q, W_K.
   */
  readonly mode?: 'tied' | 'untied' | 'sqrt';
  /** `'softmax'` over key positions (default) or `'identity'` (the logits used as weights). */
  readonly mechanism?: 'softmax' | 'identity';
  /** QK_std, the product of the query and key scales (default 1). */
  readonly QK_std?: number;
  /** OV_std, the product of the output and value scales (default 1). */
  readonly OV_std?: number;
  /** b_std (default 0: no bias parameter). */
  readonly b_std?: number;
  /** Modes tied and untied: the number of heads H (default 1); key and value dimensions per head are `width`. */
  readonly n_heads?: number;
  /** Mode sqrt: the key and value dimension per head (default `width`); heads H = width / d_head. */
  readonly d_head?: number;
}

interface AttentionCache {
  readonly x: Activations;
  /** Per (sample, head): Q, K, V (L × d), the attention weights A (L × L) and O = A V. */
  readonly Q: Float64Array;
  readonly K: Float64Array;
  readonly V: Float64Array;
  readonly A: Float64Array;
  readonly O: Float64Array;
}

/**
 * Multi-head scaled dot-product self-attention over positions, per sample (apps/docs/theory/architectures.md#attention),
 * NTK parametrisation: with W ~ N(0, 1),
 * `q_h = x W_Q^h/√C`, `k_h = x W_K^h/√C`, `v_h = x W_V^h/√C`,
 * `A_h = softmax_{p′}(QK_std ⟨q_h(p), k_h(p′)⟩ / d_k^γ)` (γ = 1 for tied/untied, ½ for sqrt; or the logits themselves
 * with the identity mechanism), `y(p) = OV_std Σ_h [A_h v_h](p) W_O^h / √(H d_v) + b_std β`.
 * Parameters `WQK` (tied) or `WQ`, `WK` (H × C × d_k each), `WV` (H × C × d_v), `WO` (H·d_v × width), and `b` (width)
 * when b_std > 0. The NTK share is the Gram of the per-sample gradients of all of them (every weight is used at every
 * position pair), plus `b_std² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩`.
 *
 * @throws SpecError `E_INPUT` for an unknown mode or mechanism, bad scales or head counts, or a head option that does
 *   not belong to the mode
 */
export function spatialAttention(options: SpatialAttentionOptions): Layer<AttentionCache> {
  assertOptions(options, 'attention');
  const width = assertCount(options.width, 'attention', 'width');
  const mode = options.mode ?? 'tied';
  if (mode !== 'tied' && mode !== 'untied' && mode !== 'sqrt') {
    throw new SpecError('E_INPUT', `attention: mode must be 'tied', 'untied' or 'sqrt', got ${JSON.stringify(mode)}`);
  }
  const mechanism = options.mechanism ?? 'softmax';
  if (mechanism !== 'softmax' && mechanism !== 'identity') {
    throw new SpecError(
      'E_INPUT',
      `attention: mechanism must be 'softmax' or 'identity', got ${JSON.stringify(mechanism)}`,
    );
  }
  const qkStd = assertStd(options.QK_std ?? 1, 'attention', 'QK_std');
  const ovStd = assertStd(options.OV_std ?? 1, 'attention', 'OV_std');
  const bStd = assertStd(options.b_std ?? 0, 'attention', 'b_std');
  let heads: number;
  let d: number;
  if (mode === 'sqrt') {
    if (options.n_heads !== undefined) {
      throw new SpecError(
        'E_INPUT',
        'attention: mode sqrt sets the heads by d_head (heads = width / d_head), not n_heads',
      );
    }
    d = assertCount(options.d_head ?? width, 'attention', 'd_head');
    if (width % d !== 0) {
      throw new SpecError('E_INPUT', `attention: d_head = ${d} must divide width = ${width} (heads = width / d_head)`);
    }
    heads = width / d;
  } else {
    if (options.d_head !== undefined) {
      throw new SpecError(
        'E_INPUT',
        `attention: d_head applies to mode sqrt; mode ${mode} uses n_heads heads of width ${width}`,
      );
    }
    heads = assertCount(options.n_heads ?? 1, 'attention', 'n_heads');
    d = width;
  }
  const tied = mode === 'tied';
  const hasBias = bStd > 0;
  const logitScale = qkStd / (mode === 'sqrt' ? Math.sqrt(d) : d);
  const outScale = ovStd / Math.sqrt(heads * d);
  const weightNames = tied ? ['WQK', 'WV', 'WO'] : ['WQ', 'WK', 'WV', 'WO'];
  const sizes = (cin: number): number[] => [
    ...(tied ? [heads * cin * d] : [heads * cin * d, heads * cin * d]),
    heads * cin * d,
    heads * d * width,
  ];

  function weights(
    params: LayerParams,
    cin: number,
  ): { WQ: Float64Array; WK: Float64Array; WV: Float64Array; WO: Float64Array } {
    const s = sizes(cin);
    const list = weightNames.map((name, i) => param(params, name, s[i], 'attention'));
    if (hasBias) param(params, 'b', width, 'attention');
    return tied
      ? { WQ: list[0], WK: list[0], WV: list[1], WO: list[2] }
      : { WQ: list[0], WK: list[1], WV: list[2], WO: list[3] };
  }

  /** M (L × d) = x_a (L × C) W_h (C × d) / √C. */
  function project(x: Activations, a: number, W: Float64Array, h: number, out: Float64Array, offset: number): void {
    const C = x.channels;
    const L = spatialSize(x.spatial);
    const r = 1 / Math.sqrt(C);
    for (let p = 0; p < L; p++) {
      const xo = (a * L + p) * C;
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let i = 0; i < C; i++) s += x.data[xo + i] * W[(h * C + i) * d + j];
        out[offset + p * d + j] = r * s;
      }
    }
  }

  /**
   * The backward pass of sample a: adds ∂f(x_a)/∂(weights) into `grads` (in the order of `weightNames`) and, when
   * `gx` is given, ∂f(x_a)/∂x_a into it.
   */
  function backSample(
    params: LayerParams,
    cache: AttentionCache,
    gy: Activations,
    a: number,
    grads: ReadonlyArray<Float64Array> | null,
    gx: Float64Array | null,
  ): void {
    const { x, Q, K, V, A, O } = cache;
    const C = x.channels;
    const L = spatialSize(x.spatial);
    const { WQ, WK, WV, WO } = weights(params, C);
    const rC = 1 / Math.sqrt(C);
    const gO = new Float64Array(L * d);
    const gA = new Float64Array(L * L);
    const gZ = new Float64Array(L * L);
    const gQ = new Float64Array(L * d);
    const gK = new Float64Array(L * d);
    const gV = new Float64Array(L * d);
    const [gWQ, gWK, gWV, gWO] =
      grads === null ? [null, null, null, null] : tied ? [grads[0], grads[0], grads[1], grads[2]] : grads;
    for (let h = 0; h < heads; h++) {
      const base = (a * heads + h) * L * d;
      const abase = (a * heads + h) * L * L;
      // gO = c gy W_Oᵀ, gW_O += c Oᵀ gy.
      for (let p = 0; p < L; p++) {
        const go = (a * L + p) * width;
        for (let j = 0; j < d; j++) {
          const wo = (h * d + j) * width;
          let s = 0;
          for (let o = 0; o < width; o++) s += gy.data[go + o] * WO[wo + o];
          gO[p * d + j] = outScale * s;
          if (gWO !== null) {
            const oj = outScale * O[base + p * d + j];
            for (let o = 0; o < width; o++) gWO[wo + o] += oj * gy.data[go + o];
          }
        }
      }
      // gA = gO Vᵀ, gV = Aᵀ gO.
      gV.fill(0);
      for (let p = 0; p < L; p++) {
        for (let q = 0; q < L; q++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += gO[p * d + j] * V[base + q * d + j];
          gA[p * L + q] = s;
          const apq = A[abase + p * L + q];
          for (let j = 0; j < d; j++) gV[q * d + j] += apq * gO[p * d + j];
        }
      }
      // Through the mechanism to the logits: softmax rows have Jacobian diag(A) − A Aᵀ.
      for (let p = 0; p < L; p++) {
        if (mechanism === 'softmax') {
          let dot = 0;
          for (let q = 0; q < L; q++) dot += gA[p * L + q] * A[abase + p * L + q];
          for (let q = 0; q < L; q++) gZ[p * L + q] = A[abase + p * L + q] * (gA[p * L + q] - dot);
        } else {
          for (let q = 0; q < L; q++) gZ[p * L + q] = gA[p * L + q];
        }
      }
      // Z = s Q Kᵀ: gQ = s gZ K, gK = s gZᵀ Q.
      gQ.fill(0);
      gK.fill(0);
      for (let p = 0; p < L; p++) {
        for (let q = 0; q < L; q++) {
          const z = logitScale * gZ[p * L + q];
          if (z === 0) continue;
          for (let j = 0; j < d; j++) {
            gQ[p * d + j] += z * K[base + q * d + j];
            gK[q * d + j] += z * Q[base + p * d + j];
          }
        }
      }
      // Projections M = x W/√C: gW += xᵀ gM/√C, gx += gM Wᵀ/√C.
      for (let p = 0; p < L; p++) {
        const xo = (a * L + p) * C;
        for (let i = 0; i < C; i++) {
          const w = (h * C + i) * d;
          const xi = rC * x.data[xo + i];
          let s = 0;
          for (let j = 0; j < d; j++) {
            const [q, k, v] = [gQ[p * d + j], gK[p * d + j], gV[p * d + j]];
            if (gWQ !== null && gWK !== null && gWV !== null) {
              gWQ[w + j] += xi * q;
              gWK[w + j] += xi * k;
              gWV[w + j] += xi * v;
            }
            s += q * WQ[w + j] + k * WK[w + j] + v * WV[w + j];
          }
          if (gx !== null) gx[xo + i] += rC * s;
        }
      }
    }
  }

  function checkGradient(cache: AttentionCache, gy: Activations): void {
    assertActivations(gy, 'attention', 'the output gradient', {
      spatial: cache.x.spatial,
      channels: width,
      samples: cache.x.samples,
    });
  }

  return {
    kind: 'attention',
    init(inShape, rng) {
      assertShapeArg(inShape, 'attention');
      const s = sizes(inShape.channels);
      const params: Record<string, Float64Array> = {};
      weightNames.forEach((name, i) => {
        params[name] = drawNormal(rng, name, s[i]);
      });
      if (hasBias) params.b = drawNormal(rng, 'b', width);
      return { params, outShape: { spatial: [...inShape.spatial], channels: width } };
    },
    apply(params, x) {
      assertActivations(x, 'attention', 'the input');
      const C = x.channels;
      const { WQ, WK, WV, WO } = weights(params, C);
      const n = x.samples;
      const L = spatialSize(x.spatial);
      const Q = new Float64Array(n * heads * L * d);
      const K = tied ? Q : new Float64Array(n * heads * L * d);
      const V = new Float64Array(n * heads * L * d);
      const A = new Float64Array(n * heads * L * L);
      const O = new Float64Array(n * heads * L * d);
      const y = new Float64Array(n * L * width);
      const b = hasBias ? params.b : null;
      for (let a = 0; a < n; a++) {
        for (let h = 0; h < heads; h++) {
          const base = (a * heads + h) * L * d;
          const abase = (a * heads + h) * L * L;
          project(x, a, WQ, h, Q, base);
          if (!tied) project(x, a, WK, h, K, base);
          project(x, a, WV, h, V, base);
          for (let p = 0; p < L; p++) {
            let max = -Infinity;
            for (let q = 0; q < L; q++) {
              let s = 0;
              for (let j = 0; j < d; j++) s += Q[base + p * d + j] * K[base + q * d + j];
              const z = logitScale * s;
              A[abase + p * L + q] = z;
              if (z > max) max = z;
            }
            if (mechanism === 'softmax') {
              let total = 0;
              for (let q = 0; q < L; q++) {
                const e = Math.exp(A[abase + p * L + q] - max);
                A[abase + p * L + q] = e;
                total += e;
              }
              for (let q = 0; q < L; q++) A[abase + p * L + q] /= total;
            }
            for (let j = 0; j < d; j++) {
              let s = 0;
              for (let q = 0; q < L; q++) s += A[abase + p * L + q] * V[base + q * d + j];
              O[base + p * d + j] = s;
            }
            const yo = (a * L + p) * width;
            for (let j = 0; j < d; j++) {
              const oj = outScale * O[base + p * d + j];
              const wo = (h * d + j) * width;
              for (let o = 0; o < width; o++) y[yo + o] += oj * WO[wo + o];
            }
          }
        }
        if (b !== null)
          for (let r = a * L; r < (a + 1) * L; r++) for (let o = 0; o < width; o++) y[r * width + o] += bStd * b[o];
      }
      return { y: activations(y, n, { spatial: x.spatial, channels: width }), cache: { x, Q, K, V, A, O } };
    },
    vjp(params, cache, gy, _ctx, options) {
      checkGradient(cache, gy);
      const { x } = cache;
      const gx = new Float64Array(x.data.length);
      const want = options?.params !== false;
      const s = sizes(x.channels);
      const grads = want ? s.map((size) => new Float64Array(size)) : null;
      for (let a = 0; a < x.samples; a++) backSample(params, cache, gy, a, grads, gx);
      const gxAct = activations(gx, x.samples, shapeOf(x));
      if (grads === null) return { gx: gxAct, gparams: {} };
      const gparams: Record<string, Float64Array> = {};
      weightNames.forEach((name, i) => {
        gparams[name] = grads[i];
      });
      if (hasBias) {
        const gb = new Float64Array(width);
        for (let r = 0; r < gy.data.length / width; r++)
          for (let o = 0; o < width; o++) gb[o] += bStd * gy.data[r * width + o];
        gparams.b = gb;
      }
      return { gx: gxAct, gparams };
    },
    ntk(params, cache, gy, { backend }) {
      checkGradient(cache, gy);
      const theta = perSampleGradientGram(backend, cache.x.samples, sizes(cache.x.channels), (a, rows) =>
        backSample(params, cache, gy, a, rows, null),
      );
      if (hasBias) addInto(theta, signalSumGram(backend, gy, bStd));
      return theta;
    },
  };
}
