import { SpecError, type SpatialKernel } from '@spec/core';
import type { LayerKernelMap } from './layer-map.js';
import { assertStd } from './parameters.js';
import { allocateRecord, requireFullForm, spatialSize } from './record.js';

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
 * The attention matrix A_a (L × L, row-major) of sample a in the 1/d modes: the limit of the attention weights, which
 * concentrate on `softmax_{p'}(QK·K[a,p,a,p'])` when W_Q = W_K, and on logits 0 when they are independent.
 */
function attentionMatrix(
  input: SpatialKernel,
  a: number,
  tied: boolean,
  mechanism: 'softmax' | 'identity',
  qk: number,
): Float64Array {
  const n = input.samples;
  const L = spatialSize(input.spatial);
  const A = new Float64Array(L * L);
  for (let p = 0; p < L; p++) {
    for (let q = 0; q < L; q++) A[p * L + q] = tied ? qk * input.nngp[((a * L + p) * n + a) * L + q] : 0;
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
 * The input need not be Gaussian; the output is Gaussian with m' = 0. Needs the full record.
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
  return {
    label,
    linearity: 'fresh',
    needsFullSpatial: true,
    outputSpatial: (spatial) => spatial,
    map(input: SpatialKernel): SpatialKernel {
      requireFullForm(input, label);
      const n = input.samples;
      const L = spatialSize(input.spatial);
      const out = allocateRecord({ samples: n, spatial: input.spatial, form: 'full', gaussian: true, withMean: false });
      if (mode === 'sqrt') {
        mapSqrtIdentity(input, out.nngp, out.ntk, qk * qk * ov2, b2);
        return out;
      }
      const A = Array.from({ length: n }, (_, a) => attentionMatrix(input, a, mode === 'tied', mechanism, qk));
      const left = new Float64Array(2 * L * L);
      for (let a = 0; a < n; a++) {
        const Aa = A[a];
        for (let b = 0; b < n; b++) {
          const Ab = A[b];
          // left = A_a · block(a, b) for K and Θ; then block' = left · A_bᵀ.
          left.fill(0);
          for (let p = 0; p < L; p++) {
            for (let r = 0; r < L; r++) {
              const w = Aa[p * L + r];
              if (w === 0) continue;
              const row = ((a * L + r) * n + b) * L;
              for (let j = 0; j < L; j++) {
                left[p * L + j] += w * input.nngp[row + j];
                left[L * L + p * L + j] += w * input.ntk[row + j];
              }
            }
          }
          for (let p = 0; p < L; p++) {
            const row = ((a * L + p) * n + b) * L;
            for (let q = 0; q < L; q++) {
              let sk = 0;
              let st = 0;
              for (let j = 0; j < L; j++) {
                sk += left[p * L + j] * Ab[q * L + j];
                st += left[L * L + p * L + j] * Ab[q * L + j];
              }
              out.nngp[row + q] = ov2 * sk + b2;
              out.ntk[row + q] = ov2 * st + 2 * ov2 * sk + b2;
            }
          }
        }
      }
      return out;
    },
  };
}

/** The 1/√d identity-mechanism map with infinitely many heads (apps/docs/theory/architectures.md#attention). */
function mapSqrtIdentity(input: SpatialKernel, nngp: Float64Array, ntk: Float64Array, s2: number, b2: number): void {
  const n = input.samples;
  const L = spatialSize(input.spatial);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let S = 0;
      let R = 0;
      for (let p = 0; p < L; p++) {
        const row = ((a * L + p) * n + b) * L;
        for (let q = 0; q < L; q++) {
          const k = input.nngp[row + q];
          S += k * k;
          R += k * input.ntk[row + q];
        }
      }
      for (let p = 0; p < L; p++) {
        const row = ((a * L + p) * n + b) * L;
        for (let q = 0; q < L; q++) {
          const k = input.nngp[row + q];
          nngp[row + q] = s2 * k * S + b2;
          ntk[row + q] = s2 * (input.ntk[row + q] * S + 2 * k * R + 4 * k * S) + b2;
        }
      }
    }
  }
}
