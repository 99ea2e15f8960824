import { SpecError, type Activation, type Activations, type Layer, type LayerParams } from '@spec/core';
import { activationOption } from '../activations/resolve.js';
import { activations, assertActivations, assertShapeArg, shapeOf } from './activations.js';
import { assertCount, assertOptions, assertStd, drawNormal, param } from './params.js';
import { perSampleGradientGram } from './sample-gram.js';

/** Options of {@link spatialRnn}. */
export interface SpatialRnnOptions {
  /** State size N (the output channels). */
  readonly width: number;
  /** φ: an Activation object or the name of a registered activation (used raw). */
  readonly act: Activation | string;
  /** W_std of the recurrent weights (default 1). */
  readonly W_std?: number;
  /** U_std of the input weights (default 1). */
  readonly U_std?: number;
  /** b_std (default 0: no bias parameter). */
  readonly b_std?: number;
}

interface RnnCache {
  readonly x: Activations;
  /** Pre-activations g^t and states s^t, (n, T, N) each. */
  readonly g: Float64Array;
  readonly s: Float64Array;
}

/**
 * An Elman RNN over the one spatial (time) axis with weights shared across time (apps/docs/theory/architectures.md#rnn),
 * NTK parametrisation: `g^t = W_std ω_W s^{t−1}/√N + U_std ω_U x^t/√C + b_std β`, `s^t = φ(g^t)`, `s⁰ = 0`; the output
 * is the sequence of states (n, T, N). Parameters `W` (N × N), `U` (N × C) and, when b_std > 0, `b` (N). Backward
 * through time; the NTK share is the Gram of the per-sample gradients of W, U and b (each used at every step).
 *
 * @throws SpecError `E_INPUT` for a bad width, scale or activation
 */
export function spatialRnn(options: SpatialRnnOptions): Layer<RnnCache> {
  assertOptions(options, 'rnn');
  const N = assertCount(options.width, 'rnn', 'width');
  const act = activationOption(options.act, 'rnn');
  const wStd = assertStd(options.W_std ?? 1, 'rnn', 'W_std');
  const uStd = assertStd(options.U_std ?? 1, 'rnn', 'U_std');
  const bStd = assertStd(options.b_std ?? 0, 'rnn', 'b_std');
  const hasBias = bStd > 0;
  const alphaW = wStd / Math.sqrt(N);
  const sizes = (cin: number): number[] => (hasBias ? [N * N, N * cin, N] : [N * N, N * cin]);
  const names = hasBias ? ['W', 'U', 'b'] : ['W', 'U'];

  const checkSequence = (spatial: ReadonlyArray<number>): void => {
    if (spatial.length !== 1) {
      throw new SpecError(
        'E_SHAPE',
        `rnn: needs a sequence (one spatial axis, time), got spatial shape [${spatial.join(', ')}]`,
      );
    }
  };

  function weights(params: LayerParams, cin: number): Float64Array[] {
    const s = sizes(cin);
    return names.map((name, i) => param(params, name, s[i], 'rnn'));
  }

  /** Adds ∂f(x_a)/∂(W, U, b) into `grads` and, when given, ∂f(x_a)/∂x_a into `gx`. */
  function backSample(
    params: LayerParams,
    cache: RnnCache,
    gy: Activations,
    a: number,
    grads: ReadonlyArray<Float64Array> | null,
    gx: Float64Array | null,
  ): void {
    const { x, g, s } = cache;
    const C = x.channels;
    const T = x.spatial[0];
    const [W, U] = weights(params, C);
    const alphaU = uStd / Math.sqrt(C);
    const carry = new Float64Array(N);
    const gg = new Float64Array(N);
    for (let t = T - 1; t >= 0; t--) {
      const o = (a * T + t) * N;
      for (let k = 0; k < N; k++) gg[k] = act.deriv(g[o + k]) * (gy.data[o + k] + carry[k]);
      const xo = (a * T + t) * C;
      if (grads !== null) {
        const [gW, gU] = grads;
        for (let k = 0; k < N; k++) {
          const v = gg[k];
          if (t > 0) for (let j = 0; j < N; j++) gW[k * N + j] += alphaW * v * s[o - N + j];
          for (let i = 0; i < C; i++) gU[k * C + i] += alphaU * v * x.data[xo + i];
          if (hasBias) grads[2][k] += bStd * v;
        }
      }
      if (gx !== null) {
        for (let i = 0; i < C; i++) {
          let sum = 0;
          for (let k = 0; k < N; k++) sum += U[k * C + i] * gg[k];
          gx[xo + i] += alphaU * sum;
        }
      }
      for (let j = 0; j < N; j++) {
        let sum = 0;
        for (let k = 0; k < N; k++) sum += W[k * N + j] * gg[k];
        carry[j] = alphaW * sum;
      }
    }
  }

  function checkGradient(cache: RnnCache, gy: Activations): void {
    assertActivations(gy, 'rnn', 'the output gradient', {
      spatial: cache.x.spatial,
      channels: N,
      samples: cache.x.samples,
    });
  }

  return {
    kind: 'rnn',
    init(inShape, rng) {
      assertShapeArg(inShape, 'rnn');
      checkSequence(inShape.spatial);
      const s = sizes(inShape.channels);
      const params: Record<string, Float64Array> = {};
      names.forEach((name, i) => {
        params[name] = drawNormal(rng, name, s[i]);
      });
      return { params, outShape: { spatial: [...inShape.spatial], channels: N } };
    },
    apply(params, x) {
      assertActivations(x, 'rnn', 'the input');
      checkSequence(x.spatial);
      const C = x.channels;
      const T = x.spatial[0];
      const [W, U, b] = weights(params, C);
      const alphaU = uStd / Math.sqrt(C);
      const g = new Float64Array(x.samples * T * N);
      const s = new Float64Array(g.length);
      for (let a = 0; a < x.samples; a++) {
        for (let t = 0; t < T; t++) {
          const o = (a * T + t) * N;
          const xo = (a * T + t) * C;
          for (let k = 0; k < N; k++) {
            let u = 0;
            for (let i = 0; i < C; i++) u += U[k * C + i] * x.data[xo + i];
            let w = 0;
            if (t > 0) for (let j = 0; j < N; j++) w += W[k * N + j] * s[o - N + j];
            const v = alphaW * w + alphaU * u + (hasBias ? bStd * b[k] : 0);
            g[o + k] = v;
            s[o + k] = act.fn(v);
          }
        }
      }
      return { y: activations(s, x.samples, { spatial: x.spatial, channels: N }), cache: { x, g, s } };
    },
    vjp(params, cache, gy, _ctx, options) {
      checkGradient(cache, gy);
      const { x } = cache;
      const gx = new Float64Array(x.data.length);
      const grads = options?.params === false ? null : sizes(x.channels).map((size) => new Float64Array(size));
      for (let a = 0; a < x.samples; a++) backSample(params, cache, gy, a, grads, gx);
      const gparams: Record<string, Float64Array> = {};
      if (grads !== null) names.forEach((name, i) => (gparams[name] = grads[i]));
      return { gx: activations(gx, x.samples, shapeOf(x)), gparams };
    },
    ntk(params, cache, gy, { backend }) {
      checkGradient(cache, gy);
      return perSampleGradientGram(backend, cache.x.samples, sizes(cache.x.channels), (a, rows) =>
        backSample(params, cache, gy, a, rows, null),
      );
    },
  };
}
