import { SpecError, type Activation, type SpatialKernel, type BlockKernelMap } from '@spec/core';
import { activationDualsBatch, activationMean } from './activation-entries.js';
import { mapFullRecordBlockwise } from './block-map.js';
import type { LayerKernelMap } from './layer-map.js';
import { allocateRecord, selfVariances, spatialSize } from './record.js';

/**
 * The kernel map of an element-wise activation φ (apps/docs/theory/architectures.md#activations): for every entry,
 * with `q₁ = K[a,p,a,p]`, `q₂ = K[b,q,b,q]`, `c = K[a,p,b,q]`, `K' = E φ(u)φ(v)`, `Θ' = Θ ⊙ E φ′(u)φ′(v)`,
 * `m'[a,p] = E φ(u)` (u ~ N(0, q₁)); the output is not Gaussian. Either record form; closed-form duals where the
 * activation has them (in one loop per block when the dual has a batched form), otherwise Gauss–Hermite quadrature.
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
    map: (input) => apply(input, false),
    mapInPlace: (input) => apply(input, true),
    blocks: (spatial) => [activationBlockMap(act, spatial)],
    diagonalBlocks: (spatial) => [activationDiagonalBlockMap(act, spatial)],
  };

  function apply(input: SpatialKernel, inPlace: boolean): SpatialKernel {
    const block = activationBlockMap(act, input.spatial);
    if (input.form === 'full') return mapFullRecordBlockwise(input, block, inPlace);
    block.outputGaussian(input.gaussian);
    return mapDiagonalRecord(act, input, inPlace);
  }
}

/**
 * The activation's map on one block (a, b) of the full record (apps/docs/theory/architectures.md#blockwise): entry
 * (p, q) with `q₁ = K[a,p,a,p]`, `q₂ = K[b,q,b,q]`, `c = K[a,p,b,q]`; `m' = E φ(u)` per position.
 */
export function activationBlockMap(act: Activation, spatial: ReadonlyArray<number>): BlockKernelMap {
  const label = `activation "${act.name}"`;
  const L = spatialSize(spatial);
  // Scratch of L² floats each, made on the first block (the diagonal route builds the map only for its check).
  let q1 = new Float64Array(0);
  let q2 = q1;
  let derivative = q1;
  return {
    inputSize: L,
    outputSpatial: spatial,
    outputGaussian(inputGaussian) {
      if (!inputGaussian) {
        throw new SpecError(
          'E_INPUT',
          `${label}: its input is not Gaussian (raw data, or the output of an activation, flatten or RNN), so the map is not determined by the kernel record; put a dense or conv layer before it`,
        );
      }
      return false;
    },
    mapBlock(input, output, varianceA, varianceB) {
      if (q1.length !== L * L) {
        q1 = new Float64Array(L * L);
        q2 = new Float64Array(L * L);
        derivative = new Float64Array(L * L);
      }
      for (let p = 0; p < L; p++) {
        const v = varianceA[p];
        for (let q = 0; q < L; q++) {
          q1[p * L + q] = v;
          q2[p * L + q] = varianceB[q];
        }
      }
      activationDualsBatch(act, { q1, q2, c: input.nngp, value: output.nngp, derivative, count: L * L });
      for (let i = 0; i < L * L; i++) output.ntk[i] = input.ntk[i] * derivative[i];
    },
    mapMean(_mean, variance) {
      const m = new Float64Array(L);
      for (let p = 0; p < L; p++) m[p] = activationMean(act, variance[p]);
      return m;
    },
  };
}

/**
 * The activation's map on one block (a, b) of the diagonal record (apps/docs/theory/architectures.md#blockwise): entry p
 * with `q₁ = K[a,p,a,p]`, `q₂ = K[b,p,b,p]`, `c = K[a,p,b,p]` — the numbers of {@link mapDiagonalRecord}'s row (a, b).
 */
function activationDiagonalBlockMap(act: Activation, spatial: ReadonlyArray<number>): BlockKernelMap {
  const L = spatialSize(spatial);
  const full = activationBlockMap(act, spatial);
  const derivative = new Float64Array(L);
  return {
    inputSize: L,
    outputSpatial: spatial,
    outputGaussian: full.outputGaussian,
    mapBlock(input, output, varianceA, varianceB) {
      activationDualsBatch(act, {
        q1: varianceA,
        q2: varianceB,
        c: input.nngp,
        value: output.nngp,
        derivative,
        count: L,
      });
      for (let p = 0; p < L; p++) output.ntk[p] = input.ntk[p] * derivative[p];
    },
    mapMean: full.mapMean,
  };
}

/**
 * The entrywise map on a Gaussian diagonal record, entry (a, b, p) with `q₁ = K[a,a,p]`, `q₂ = K[b,b,p]`; with
 * `inPlace` into the input's arrays (each row is read before it is written, the variances are taken first).
 */
function mapDiagonalRecord(act: Activation, input: SpatialKernel, inPlace: boolean): SpatialKernel {
  const n = input.samples;
  const L = spatialSize(input.spatial);
  const variance = selfVariances(input);
  const out = inPlace
    ? { ...input, gaussian: false, mean: new Float64Array(n * L) }
    : allocateRecord({ samples: n, spatial: input.spatial, form: 'diagonal', gaussian: false, withMean: true });
  // The record is symmetric in (a, b): row a's entries (b, p) for b ≥ a are contiguous and make one batch of duals
  // with q₂ = the variances themselves (one call per row, not per pair: an MLP's record has L = 1), mirrored to (b, a)
  // — as the pair-by-pair route does, so both give the same bits. In place, a mirrored entry (b, a) lies in a part of
  // row b that row b's own batch does not read.
  const q1 = new Float64Array(n * L);
  const value = new Float64Array(n * L);
  const derivative = new Float64Array(n * L);
  for (let a = 0; a < n; a++) {
    const start = (a * n + a) * L;
    const count = (n - a) * L;
    for (let b = a; b < n; b++) q1.set(variance.subarray(a * L, (a + 1) * L), (b - a) * L);
    const c = input.nngp.subarray(start, start + count);
    activationDualsBatch(act, { q1, q2: variance.subarray(a * L), c, value, derivative, count });
    for (let b = a; b < n; b++) {
      const upper = (a * n + b) * L;
      const lower = (b * n + a) * L;
      for (let p = 0; p < L; p++) {
        const i = (b - a) * L + p;
        const k = value[i];
        const t = input.ntk[upper + p] * derivative[i];
        out.nngp[upper + p] = k;
        out.ntk[upper + p] = t;
        out.nngp[lower + p] = k;
        out.ntk[lower + p] = t;
      }
    }
  }
  for (let r = 0; r < n * L; r++) out.mean![r] = activationMean(act, variance[r]);
  return out;
}
