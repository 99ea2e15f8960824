import { SpecError, type BlockKernelMap, type SpatialKernel } from '@spec/core';
import type { LayerKernelMap } from './layer-map.js';
import { assertStd } from './parameters.js';
import { allocateRecord, selfVariances, spatialSize } from './record.js';

/**
 * The kernel map of LayerNorm over channels without gain or bias (apps/docs/theory/architectures.md#layernorm), in
 * the mean-corrected form that also holds for non-centred input: `v[a,p] = K[a,p,a,p] − m[a,p]² + ε`,
 * `K' = (K − m mᵀ)/√(v vᵀ)`, `Θ' = Θ/√(v vᵀ)`, `m' = 0`, Gaussianity kept. Either record form.
 *
 * @throws SpecError `E_INPUT` (when mapping) where the channel variance plus ε is not positive
 */
export function layerNormKernelMap(options: { readonly eps?: number } = {}): LayerKernelMap {
  const eps = assertStd(options.eps ?? 0, 'layernorm', 'eps');
  return {
    label: 'layernorm',
    linearity: 'other',
    needsFullSpatial: false,
    outputSpatial: (spatial) => spatial,
    map: (input) => apply(input, false),
    mapInPlace: (input) => apply(input, true),
    blocks: (spatial) => [layerNormBlockMap(spatial, eps, 'full')],
    diagonalBlocks: (spatial) => [layerNormBlockMap(spatial, eps, 'diagonal')],
  };

  /** The map; with `inPlace` into the input's arrays (entrywise, the variances and means taken first). */
  function apply(input: SpatialKernel, inPlace: boolean): SpatialKernel {
    const n = input.samples;
    const L = spatialSize(input.spatial);
    const m = input.mean;
    const second = selfVariances(input);
    const scale = new Float64Array(n * L);
    for (let r = 0; r < n * L; r++) {
      const v = second[r] - (m === null ? 0 : m[r] * m[r]) + eps;
      if (!(v > 0)) {
        throw new SpecError(
          'E_INPUT',
          `layernorm: the variance over channels of sample ${Math.floor(r / L) + 1} at position ${(r % L) + 1} is ${v} (not positive); set eps > 0`,
        );
      }
      scale[r] = 1 / Math.sqrt(v);
    }
    const out = inPlace
      ? { ...input, mean: null }
      : allocateRecord({
          samples: n,
          spatial: input.spatial,
          form: input.form,
          gaussian: input.gaussian,
          withMean: false,
        });
    const full = input.form === 'full';
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        for (let p = 0; p < (full ? L : 1); p++) {
          for (let q = 0; q < L; q++) {
            const rp = a * L + (full ? p : q);
            const rq = b * L + q;
            const i = full ? ((a * L + p) * n + b) * L + q : (a * n + b) * L + q;
            const s = scale[rp] * scale[rq];
            out.nngp[i] = (input.nngp[i] - (m === null ? 0 : m[rp] * m[rq])) * s;
            out.ntk[i] = input.ntk[i] * s;
          }
        }
      }
    }
    return out;
  }
}

/**
 * LayerNorm's map on block (a, b) (apps/docs/theory/architectures.md#blockwise): the entries of {@link layerNormKernelMap}
 * from the block, the two samples' variances and their channel means, with the same rounding. Full blocks hold
 * (p, q) for every pair of positions, diagonal ones (p, p).
 */
function layerNormBlockMap(spatial: ReadonlyArray<number>, eps: number, form: 'full' | 'diagonal'): BlockKernelMap {
  const L = spatialSize(spatial);
  const scaleA = new Float64Array(L);
  const scaleB = new Float64Array(L);
  return {
    inputSize: L,
    outputSpatial: spatial,
    outputGaussian: (gaussian) => gaussian,
    mapBlock(input, output, varianceA, varianceB, meanA, meanB) {
      inverseStd(varianceA, meanA ?? null, eps, scaleA);
      inverseStd(varianceB, meanB ?? null, eps, scaleB);
      const mA = meanA ?? null;
      const mB = meanB ?? null;
      for (let p = 0; p < L; p++) {
        const [from, to] = form === 'full' ? [0, L] : [p, p + 1];
        for (let q = from; q < to; q++) {
          const i = form === 'full' ? p * L + q : p;
          const s = scaleA[p] * scaleB[q];
          output.nngp[i] = (input.nngp[i] - (mA === null || mB === null ? 0 : mA[p] * mB[q])) * s;
          output.ntk[i] = input.ntk[i] * s;
        }
      }
    },
    // m' = 0; pass 1 meets every sample here first, so a non-positive variance is reported before any pair.
    mapMean: (mean, variance) => {
      inverseStd(variance, mean, eps, scaleA);
      return null;
    },
  };
}

/**
 * `out[p] = 1/√(v[p] − m[p]² + ε)`, the channel standard deviation's inverse at every position (the record route's
 * `scale`).
 *
 * @throws SpecError `E_INPUT` where the variance plus ε is not positive
 */
function inverseStd(variance: Float64Array, mean: Float64Array | null, eps: number, out: Float64Array): void {
  for (let p = 0; p < variance.length; p++) {
    const v = variance[p] - (mean === null ? 0 : mean[p] * mean[p]) + eps;
    if (!(v > 0)) {
      throw new SpecError(
        'E_INPUT',
        `layernorm: the variance over channels at position ${p + 1} is ${v} (not positive); set eps > 0`,
      );
    }
    out[p] = 1 / Math.sqrt(v);
  }
}
