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
    map: (input) => checked(input, false),
    mapInPlace: (input) => checked(input, true),
  };

  function checked(input: SpatialKernel, inPlace: boolean): SpatialKernel {
    if (!input.gaussian) {
      throw new SpecError(
        'E_INPUT',
        `${label}: its input is not Gaussian (raw data, or the output of an activation, flatten or RNN), so the map is not determined by the kernel record; put a dense or conv layer before it`,
      );
    }
    return mapActivation(act, input, inPlace);
  }
}

/**
 * The entrywise map on a Gaussian record; with `inPlace` into the input's arrays (each entry is read before it is
 * written, the variances are taken first).
 */
export function mapActivation(act: Activation, input: SpatialKernel, inPlace = false): SpatialKernel {
  const n = input.samples;
  const L = spatialSize(input.spatial);
  const full = input.form === 'full';
  const variance = selfVariances(input);
  const out = inPlace
    ? { ...input, gaussian: false, mean: new Float64Array(n * L) }
    : allocateRecord({ samples: n, spatial: input.spatial, form: input.form, gaussian: false, withMean: true });
  const block = full ? L * L : L;
  const q1 = new Float64Array(block);
  const q2 = new Float64Array(block);
  const c = new Float64Array(block);
  const value = new Float64Array(block);
  const derivative = new Float64Array(block);
  // Blocks (a, b) with a ≤ b only: block (b, a) is the transpose (K is symmetric). Rows of a block are contiguous in
  // the record, so each block is read and written row by row (the transposed block too, reading the small scratch
  // with a stride instead of the record).
  const P = full ? L : 1;
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      for (let p = 0; p < P; p++) {
        const row = full ? ((a * L + p) * n + b) * L : (a * n + b) * L;
        const v1 = full ? variance[a * L + p] : 0;
        for (let q = 0; q < L; q++) {
          const i = p * L + q;
          q1[i] = full ? v1 : variance[a * L + q];
          q2[i] = variance[b * L + q];
          c[i] = input.nngp[row + q];
        }
      }
      activationDualsBatch(act, { q1, q2, c, value, derivative, count: block });
      for (let p = 0; p < P; p++) {
        const row = full ? ((a * L + p) * n + b) * L : (a * n + b) * L;
        for (let q = 0; q < L; q++) {
          out.nngp[row + q] = value[p * L + q];
          out.ntk[row + q] = input.ntk[row + q] * derivative[p * L + q];
        }
      }
      if (a === b) continue;
      for (let q = 0; q < P; q++) {
        const row = full ? ((b * L + q) * n + a) * L : (b * n + a) * L;
        for (let p = 0; p < L; p++) {
          const i = full ? p * L + q : p;
          out.nngp[row + p] = value[i];
          out.ntk[row + p] = input.ntk[row + p] * derivative[i];
        }
      }
    }
  }
  for (let r = 0; r < n * L; r++) out.mean![r] = activationMean(act, variance[r]);
  return out;
}
