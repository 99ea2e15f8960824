import { SpecError, type SpatialKernel } from '@spec/core';
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
