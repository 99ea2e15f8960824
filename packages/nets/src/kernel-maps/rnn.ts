import { SpecError, type Activation, type BlockKernelMap, type SpatialKernel } from '@spec/core';
import { mapFullRecordBlockwise } from './block-map.js';
import { activationDualsBatch, activationMean } from './activation-entries.js';
import type { LayerKernelMap } from './layer-map.js';
import { assertStd } from './parameters.js';
import { requireFullForm } from './record.js';

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
 * means `E φ(u)`. The input need not be Gaussian (g is a fresh linear layer). Needs the full record; runs pair by pair of
 * samples (block maps, each sample's variances over time computed once).
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
  const block = (spatial: ReadonlyArray<number>): BlockKernelMap =>
    rnnBlockMap(checkSequence(spatial)[0], { act, w2, u2, b2 });
  return {
    label,
    linearity: 'other',
    needsFullSpatial: true,
    outputSpatial: checkSequence,
    // One implementation of the mathematics: the record route runs the block map over every pair.
    map(input: SpatialKernel): SpatialKernel {
      checkSequence(input.spatial);
      requireFullForm(input, label);
      return mapFullRecordBlockwise(input, block(input.spatial), false);
    },
    blocks: (spatial) => [block(spatial)],
  };
}

/**
 * The RNN's map on block (a, b) of the full record (T × T over time, apps/docs/theory/architectures.md#blockwise,
 * #rnn). A sample's state is its pre-activation variances `Kg[a,t,a,t]`, t = 0..T−1, from the recursion along its
 * own diagonal block; block (a, b) then runs the recursion entry by entry, row t after row t − 1, each row's duals in
 * one batch. Entry (t, s) with s > t takes its dual with the two variances in the order of entry (s, t) of block
 * (b, a), so that block (b, a) is block (a, b) transposed to the last bit.
 */
function rnnBlockMap(
  T: number,
  o: { readonly act: Activation; readonly w2: number; readonly u2: number; readonly b2: number },
): BlockKernelMap {
  const { act, w2, u2, b2 } = o;
  const Kg = new Float64Array(T * T);
  const Tg = new Float64Array(T * T);
  const q1 = new Float64Array(T);
  const q2 = new Float64Array(T);
  const value = new Float64Array(T);
  const derivative = new Float64Array(T);
  const one = { q1: new Float64Array(1), value: new Float64Array(1), derivative: new Float64Array(1) };
  return {
    inputSize: T,
    outputSpatial: [T],
    outputGaussian: () => false,
    sampleState(diagonal) {
      // Kg[t,t] = U² Kx[t,t] + b² + W² Ks[t−1,t−1], Ks[t,t] = E φ(u)² with u ~ N(0, Kg[t,t]).
      const state = new Float64Array(T);
      let ks = 0;
      for (let t = 0; t < T; t++) {
        let k = u2 * diagonal.nngp[t * T + t] + b2;
        if (t > 0) k += w2 * ks;
        state[t] = k;
        one.q1[0] = k;
        activationDualsBatch(act, {
          q1: one.q1,
          q2: one.q1,
          c: one.q1,
          value: one.value,
          derivative: one.derivative,
          count: 1,
        });
        ks = one.value[0];
      }
      return state;
    },
    mapBlock(input, output, _varianceA, _varianceB, stateA, stateB) {
      const gA = stateA!;
      const gB = stateB!;
      const Ks = output.nngp;
      const Ts = output.ntk;
      for (let t = 0; t < T; t++) {
        for (let s = 0; s < T; s++) {
          const i = t * T + s;
          let k = u2 * input.nngp[i] + b2;
          let th = u2 * (input.nngp[i] + input.ntk[i]) + b2;
          if (t > 0 && s > 0) {
            const j = i - T - 1;
            k += w2 * Ks[j];
            th += w2 * (Ks[j] + Ts[j]);
          }
          Kg[i] = k;
          Tg[i] = th;
          q1[s] = s <= t ? gA[t] : gB[s];
          q2[s] = s <= t ? gB[s] : gA[t];
        }
        activationDualsBatch(act, { q1, q2, c: Kg.subarray(t * T, (t + 1) * T), value, derivative, count: T });
        for (let s = 0; s < T; s++) {
          Ks[t * T + s] = value[s];
          Ts[t * T + s] = Tg[t * T + s] * derivative[s];
        }
      }
    },
    mapMean(_mean, _variance, state) {
      const m = new Float64Array(T);
      for (let t = 0; t < T; t++) m[t] = activationMean(act, state![t]);
      return m;
    },
  };
}
