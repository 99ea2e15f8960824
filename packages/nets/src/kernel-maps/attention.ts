import { SpecError, type BlockKernelMap, type RecordBlock, type SpatialKernel } from '@spec/core';
import { mapFullRecordBlockwise } from './block-map.js';
import type { LayerKernelMap } from './layer-map.js';
import { assertStd } from './parameters.js';
import { requireFullForm, spatialSize } from './record.js';

/** Parameters of {@link attentionKernelMap} (apps/docs/theory/architectures.md#attention). */
export interface AttentionKernelMapOptions {
  /**
   * `'tied'` (default): 1/d scaling with W_Q = W_K; `'untied'`: 1/d with independent W_Q, W_K (uniform attention);
   * `'sqrt'`: 1/√d with independent W_Q, W_K and infinitely many heads (identity mechanism only).
   */
  readonly mode?: 'tied' | 'untied' | 'sqrt';
  /** Default `'softmax'`. */
  readonly mechanism?: 'softmax' | 'identity';
  /** W_query_std · W_key_std (default 1). */
  readonly QK_std?: number;
  /** W_out_std · W_value_std (default 1). */
  readonly OV_std?: number;
  /** Output bias scale (default 0). */
  readonly b_std?: number;
}

/**
 * The attention matrix A (L × L, row-major) of one sample in the 1/d modes, from its diagonal block `Kaa[p·L + q] =
 * K[a,p,a,q]` (unused when untied): the limit of the attention weights, which concentrate on `softmax_q(QK·K[a,p,a,q])`
 * when W_Q = W_K, and on logits 0 when they are independent.
 */
function attentionMatrix(
  Kaa: Float64Array | null,
  L: number,
  mechanism: 'softmax' | 'identity',
  qk: number,
): Float64Array {
  const A = new Float64Array(L * L);
  for (let p = 0; p < L; p++) {
    for (let q = 0; q < L; q++) A[p * L + q] = Kaa !== null ? qk * Kaa[p * L + q] : 0;
    if (mechanism === 'softmax') {
      let max = -Infinity;
      for (let q = 0; q < L; q++) max = Math.max(max, A[p * L + q]);
      let s = 0;
      for (let q = 0; q < L; q++) {
        A[p * L + q] = Math.exp(A[p * L + q] - max);
        s += A[p * L + q];
      }
      for (let q = 0; q < L; q++) A[p * L + q] /= s;
    }
  }
  return A;
}

/**
 * The kernel map of multi-head self-attention over positions (apps/docs/theory/architectures.md#attention):
 * - 1/d modes (`tied`, `untied`): `K' = OV² A_a K A_bᵀ + b²`, `Θ' = OV² A_a Θ A_bᵀ + 2 OV² A_a K A_bᵀ + b²` with the
 *   deterministic attention matrix A (softmax of `QK·K[a,·,a,·]` when tied, uniform when untied);
 * - `sqrt` with the identity mechanism: `K' = s² K ⊙ S + b²`, `Θ' = s²(Θ ⊙ S + 2K ⊙ R + 4K ⊙ S) + b²`, where
 *   `S[a,b] = Σ_{p,q} K[a,p,b,q]²`, `R[a,b] = Σ_{p,q} K[a,p,b,q] Θ[a,p,b,q]`, `s = QK·OV`.
 * The input need not be Gaussian; the output is Gaussian with m' = 0. Needs the full record; runs pair by pair of samples
 * (block maps, each sample's attention matrix computed once).
 *
 * @throws SpecError `E_INPUT` for `mode: 'sqrt'` with softmax (no closed form) or an unknown mode or mechanism
 */
export function attentionKernelMap(options: AttentionKernelMapOptions = {}): LayerKernelMap {
  const mode = options.mode ?? 'tied';
  const mechanism = options.mechanism ?? 'softmax';
  if (mode !== 'tied' && mode !== 'untied' && mode !== 'sqrt') {
    throw new SpecError('E_INPUT', `attention: mode must be "tied", "untied" or "sqrt", got ${JSON.stringify(mode)}`);
  }
  if (mechanism !== 'softmax' && mechanism !== 'identity') {
    throw new SpecError(
      'E_INPUT',
      `attention: mechanism must be "softmax" or "identity", got ${JSON.stringify(mechanism)}`,
    );
  }
  if (mode === 'sqrt' && mechanism === 'softmax') {
    throw new SpecError(
      'E_INPUT',
      'attention: softmax attention with 1/√d scaling (mode "sqrt") has no closed-form infinite-width kernel (the softmax of Gaussian logits); use mode "tied" (1/d, W_Q = W_K) or the identity mechanism, or estimate the kernel by Monte Carlo of finite networks',
    );
  }
  const qk = assertStd(options.QK_std ?? 1, 'attention', 'QK_std');
  const ov2 = assertStd(options.OV_std ?? 1, 'attention', 'OV_std') ** 2;
  const b2 = assertStd(options.b_std ?? 0, 'attention', 'b_std') ** 2;
  const label = `attention (${mode}, ${mechanism})`;
  const block = (spatial: ReadonlyArray<number>): BlockKernelMap =>
    attentionBlockMap(spatial, { mode, mechanism, qk, ov2, b2 });
  return {
    label,
    linearity: 'fresh',
    needsFullSpatial: true,
    outputSpatial: (spatial) => spatial,
    // One implementation of the mathematics: the record route runs the block map over every pair.
    map(input: SpatialKernel): SpatialKernel {
      requireFullForm(input, label);
      return mapFullRecordBlockwise(input, block(input.spatial), false);
    },
    blocks: (spatial) => [block(spatial)],
  };
}

/**
 * Attention's map on block (a, b) of the full record (apps/docs/theory/architectures.md#blockwise, #attention): in the
 * 1/d modes `A_a K_ab A_bᵀ` with each sample's attention matrix as its state (tied: from its diagonal block; untied:
 * one fixed matrix), in the `sqrt` mode the block's own sums S and R.
 */
function attentionBlockMap(
  spatial: ReadonlyArray<number>,
  o: {
    readonly mode: 'tied' | 'untied' | 'sqrt';
    readonly mechanism: 'softmax' | 'identity';
    readonly qk: number;
    readonly ov2: number;
    readonly b2: number;
  },
): BlockKernelMap {
  const L = spatialSize(spatial);
  const { ov2, b2 } = o;
  const fixed = o.mode === 'untied' ? attentionMatrix(null, L, o.mechanism, o.qk) : null;
  const left = new Float64Array(2 * L * L);
  return {
    inputSize: L,
    outputSpatial: spatial,
    outputGaussian: () => true,
    ...(o.mode === 'tied'
      ? { sampleState: (diagonal: RecordBlock) => attentionMatrix(diagonal.nngp, L, o.mechanism, o.qk) }
      : {}),
    mapBlock(input, output, _varianceA, _varianceB, stateA, stateB) {
      if (o.mode === 'sqrt') {
        sqrtIdentityBlock(input, output, L, o.qk * o.qk * ov2, b2);
        return;
      }
      const Aa = fixed ?? stateA!;
      const Ab = fixed ?? stateB!;
      // left = A_a · block(a, b) for K and Θ; then block' = left · A_bᵀ.
      left.fill(0);
      for (let p = 0; p < L; p++) {
        for (let r = 0; r < L; r++) {
          const w = Aa[p * L + r];
          if (w === 0) continue;
          for (let j = 0; j < L; j++) {
            left[p * L + j] += w * input.nngp[r * L + j];
            left[L * L + p * L + j] += w * input.ntk[r * L + j];
          }
        }
      }
      for (let p = 0; p < L; p++) {
        for (let q = 0; q < L; q++) {
          let sk = 0;
          let st = 0;
          for (let j = 0; j < L; j++) {
            sk += left[p * L + j] * Ab[q * L + j];
            st += left[L * L + p * L + j] * Ab[q * L + j];
          }
          output.nngp[p * L + q] = ov2 * sk + b2;
          output.ntk[p * L + q] = ov2 * st + 2 * ov2 * sk + b2;
        }
      }
    },
    mapMean: () => null,
  };
}

/** The 1/√d identity-mechanism map with infinitely many heads on one block (apps/docs/theory/architectures.md#attention). */
function sqrtIdentityBlock(input: RecordBlock, output: RecordBlock, L: number, s2: number, b2: number): void {
  let S = 0;
  let R = 0;
  for (let i = 0; i < L * L; i++) {
    const k = input.nngp[i];
    S += k * k;
    R += k * input.ntk[i];
  }
  for (let i = 0; i < L * L; i++) {
    const k = input.nngp[i];
    output.nngp[i] = s2 * k * S + b2;
    output.ntk[i] = s2 * (input.ntk[i] * S + 2 * k * R + 4 * k * S) + b2;
  }
}
