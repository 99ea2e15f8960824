import { SpecError, type Activation, type SpatialKernel } from '@spec/core';
import { activationDualsBatch, activationMean } from './activation-entries.js';
import type { LayerKernelMap } from './layer-map.js';
import { assertStd } from './parameters.js';
import { allocateRecord, requireFullForm } from './record.js';

/** Parameters of {@link rnnKernelMap} (apps/docs/theory/architectures.md#rnn). */
export interface RnnKernelMapOptions {
  /** The state nonlinearity φ. */
  readonly act: Activation;
  /** Recurrent weight scale (default 1). */
  readonly W_std?: number;
  /** Input weight scale (default 1). */
  readonly U_std?: number;
  /** Bias scale (default 0). */
  readonly b_std?: number;
}

/**
 * The kernel map of an Elman RNN over the one spatial (time) axis, `g^t = W s^{t−1} + U x^t + b`, `s^t = φ(g^t)`,
 * `s⁰ = 0` (apps/docs/theory/architectures.md#rnn), in forward form, with blocks [t, s] over time:
 * `Kg[t,s] = U² Kx[t,s] + b² + [t,s>1] W² Ks[t−1,s−1]`,
 * `Θg[t,s] = U²(Kx + Θx)[t,s] + b² + [t,s>1] W²(Ks + Θs)[t−1,s−1]`,
 * `Ks = E φ(u)φ(v)`, `Θs = Θg ⊙ E φ′(u)φ′(v)` from Kg. The output is the state sequence: not Gaussian, with channel
 * means `E φ(u)`. The input need not be Gaussian (g is a fresh linear layer). Needs the full record.
 *
 * @throws SpecError `E_INPUT` (when shaping or mapping) for an input that is not a sequence (one spatial axis)
 */
export function rnnKernelMap(options: RnnKernelMapOptions): LayerKernelMap {
  const w2 = assertStd(options.W_std ?? 1, 'rnn', 'W_std') ** 2;
  const u2 = assertStd(options.U_std ?? 1, 'rnn', 'U_std') ** 2;
  const b2 = assertStd(options.b_std ?? 0, 'rnn', 'b_std') ** 2;
  const act = options.act;
  const label = `rnn "${act.name}"`;
  const checkSequence = (spatial: ReadonlyArray<number>): ReadonlyArray<number> => {
    if (spatial.length !== 1) {
      throw new SpecError(
        'E_INPUT',
        `${label}: runs over a sequence (data of shape (n, T, C)), got ${spatial.length} spatial axes [${spatial.join(', ')}]`,
      );
    }
    return spatial;
  };
  return {
    label,
    linearity: 'other',
    needsFullSpatial: true,
    outputSpatial: checkSequence,
    map(input: SpatialKernel): SpatialKernel {
      checkSequence(input.spatial);
      requireFullForm(input, label);
      const n = input.samples;
      const T = input.spatial[0];
      const at = (a: number, t: number, b: number, s: number): number => ((a * T + t) * n + b) * T + s;
      const Kg = new Float64Array(input.nngp.length);
      const Tg = new Float64Array(input.nngp.length);
      const out = allocateRecord({ samples: n, spatial: input.spatial, form: 'full', gaussian: false, withMean: true });
      const Ks = out.nngp;
      const Ts = out.ntk;
      const count = n * n * T;
      const q1 = new Float64Array(count);
      const q2 = new Float64Array(count);
      const c = new Float64Array(count);
      const value = new Float64Array(count);
      const derivative = new Float64Array(count);
      const where = new Int32Array(count);
      for (let t = 0; t < T; t++) {
        // Row t of the pre-activation blocks: needs the states up to step t − 1 only.
        for (let s = 0; s <= t; s++) {
          for (let a = 0; a < n; a++) {
            for (let b = 0; b < n; b++) {
              const i = at(a, t, b, s);
              let k = u2 * input.nngp[i] + b2;
              let th = u2 * (input.nngp[i] + input.ntk[i]) + b2;
              if (s > 0) {
                const j = at(a, t - 1, b, s - 1);
                k += w2 * Ks[j];
                th += w2 * (Ks[j] + Ts[j]);
              }
              Kg[i] = k;
              Tg[i] = th;
              const i2 = at(b, s, a, t);
              Kg[i2] = k;
              Tg[i2] = th;
            }
          }
        }
        let m = 0;
        for (let s = 0; s <= t; s++) {
          for (let a = 0; a < n; a++) {
            for (let b = 0; b < n; b++) {
              const i = at(a, t, b, s);
              q1[m] = Kg[at(a, t, a, t)];
              q2[m] = Kg[at(b, s, b, s)];
              c[m] = Kg[i];
              where[m] = i;
              m++;
            }
          }
        }
        activationDualsBatch(act, { q1, q2, c, value, derivative, count: m });
        for (let k = 0; k < m; k++) {
          const i = where[k];
          const tt = Math.floor(i / n / T) % T;
          const a = Math.floor(i / (n * T * T));
          const rest = i % (n * T);
          const b = Math.floor(rest / T);
          const s = rest % T;
          const i2 = at(b, s, a, tt);
          Ks[i] = value[k];
          Ks[i2] = value[k];
          Ts[i] = Tg[i] * derivative[k];
          Ts[i2] = Tg[i2] * derivative[k];
        }
      }
      for (let a = 0; a < n; a++) {
        for (let t = 0; t < T; t++) out.mean![a * T + t] = activationMean(act, Kg[at(a, t, a, t)]);
      }
      return out;
    },
  };
}
