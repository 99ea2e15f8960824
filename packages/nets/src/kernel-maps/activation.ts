import { SpecError, type Activation, type SpatialKernel } from '@spec/core';
import { activationDualsBatch, activationMean } from './activation-entries.js';
import type { LayerKernelMap } from './layer-map.js';
import { allocateRecord, selfVariances, spatialSize } from './record.js';

/**
 * The kernel map of an element-wise activation φ (apps/docs/theory/architectures.md#activations): for every entry,
 * with `q₁ = K[a,p,a,p]`, `q₂ = K[b,q,b,q]`, `c = K[a,p,b,q]`, `K' = E φ(u)φ(v)`, `Θ' = Θ ⊙ E φ′(u)φ′(v)`,
 * `m'[a,p] = E φ(u)` (u ~ N(0, q₁)); the output is not Gaussian. Either record form; closed-form duals where the
 * activation has them, otherwise Gauss–Hermite quadrature.
 *
 * @throws SpecError `E_INPUT` (when mapping) on a non-Gaussian record: the map is not determined by the record
 */
export function activationKernelMap(act: Activation): LayerKernelMap {
  const label = `activation "${act.name}"`;
  return {
    label,
    linearity: 'other',
    needsFullSpatial: false,
    outputSpatial: (spatial) => spatial,
    map(input: SpatialKernel): SpatialKernel {
      if (!input.gaussian) {
        throw new SpecError(
          'E_INPUT',
          `${label}: its input is not Gaussian (raw data, or the output of an activation, flatten or RNN), so the map is not determined by the kernel record; put a dense or conv layer before it`,
        );
      }
      return mapActivation(act, input);
    },
  };
}

/** The entrywise map on a Gaussian record (also the RNN's nonlinearity). */
export function mapActivation(act: Activation, input: SpatialKernel): SpatialKernel {
  const n = input.samples;
  const L = spatialSize(input.spatial);
  const full = input.form === 'full';
  const out = allocateRecord({
    samples: n,
    spatial: input.spatial,
    form: input.form,
    gaussian: false,
    withMean: true,
  });
  const variance = selfVariances(input);
  const block = full ? L * L : L;
  const q1 = new Float64Array(block);
  const q2 = new Float64Array(block);
  const c = new Float64Array(block);
  const value = new Float64Array(block);
  const derivative = new Float64Array(block);
  // Blocks (a, b) with a ≤ b only: block (b, a) is the transpose (K and Θ are symmetric).
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      for (let p = 0; p < (full ? L : 1); p++) {
        for (let q = 0; q < L; q++) {
          const i = full ? p * L + q : q;
          q1[i] = variance[a * L + (full ? p : q)];
          q2[i] = variance[b * L + q];
          c[i] = input.nngp[full ? ((a * L + p) * n + b) * L + q : (a * n + b) * L + q];
        }
      }
      activationDualsBatch(act, { q1, q2, c, value, derivative, count: block });
      for (let p = 0; p < (full ? L : 1); p++) {
        for (let q = 0; q < L; q++) {
          const i = full ? p * L + q : q;
          const ab = full ? ((a * L + p) * n + b) * L + q : (a * n + b) * L + q;
          const ba = full ? ((b * L + q) * n + a) * L + p : (b * n + a) * L + q;
          out.nngp[ab] = value[i];
          out.nngp[ba] = value[i];
          out.ntk[ab] = input.ntk[ab] * derivative[i];
          out.ntk[ba] = input.ntk[ba] * derivative[i];
        }
      }
    }
  }
  for (let r = 0; r < n * L; r++) out.mean![r] = activationMean(act, variance[r]);
  return out;
}
