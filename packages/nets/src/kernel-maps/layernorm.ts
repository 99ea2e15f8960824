import { SpecError, type BlockKernelMap, type SpatialKernel } from '@spec/core';
import type { LayerKernelMap } from './layer-map.js';
import { assertStd } from './parameters.js';
import { mapDiagonalRecordBlockwise, mapFullRecordBlockwise } from './block-map.js';
import { spatialSize } from './record.js';

/**
 * The kernel map of LayerNorm over channels without gain or bias (apps/docs/theory/architectures.md#layernorm), in
 * the mean-corrected form that also holds for non-centred input: `v[a,p] = K[a,p,a,p] − m[a,p]² + ε`,
 * `K' = (K − m mᵀ)/√(v vᵀ)`, `Θ' = Θ/√(v vᵀ)`, `m' = 0`, Gaussianity kept. Either record form.
 *
 * @throws SpecError `E_INPUT` (when mapping) where the channel variance plus ε is not positive
 */
export function layerNormKernelMap(options: { readonly eps?: number } = {}): LayerKernelMap {
  const eps = assertStd(options.eps ?? 0, 'layernorm', 'eps');
  // One implementation of the mathematics: the record routes run the block maps over every pair.
  const apply = (input: SpatialKernel, inPlace: boolean): SpatialKernel =>
    input.form === 'full'
      ? mapFullRecordBlockwise(input, layerNormBlockMap(input.spatial, eps, 'full'), inPlace)
      : mapDiagonalRecordBlockwise(input, layerNormBlockMap(input.spatial, eps, 'diagonal'), inPlace);
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
}

/**
 * LayerNorm's map on block (a, b) (apps/docs/theory/architectures.md#blockwise): a sample's state is
 * `[1/√(v[p] − m[p]² + ε) for every p, m[p] for every p]` (m = 0 without channel means), and entry (p, q) of the block
 * (full; (p, p) of a diagonal block) becomes `(K − m_a[p] m_b[q]) s_a[p] s_b[q]`, `Θ s_a[p] s_b[q]`.
 */
function layerNormBlockMap(spatial: ReadonlyArray<number>, eps: number, form: 'full' | 'diagonal'): BlockKernelMap {
  const L = spatialSize(spatial);
  return {
    inputSize: L,
    outputSpatial: spatial,
    outputGaussian: (gaussian) => gaussian,
    sampleState(_diagonal, variance, mean) {
      const state = new Float64Array(2 * L);
      for (let p = 0; p < L; p++) {
        const m = mean === null ? 0 : mean[p];
        const v = variance[p] - m * m + eps;
        if (!(v > 0)) {
          throw new SpecError(
            'E_INPUT',
            `layernorm: the variance over channels at position ${p + 1} is ${v} (not positive); set eps > 0`,
          );
        }
        state[p] = 1 / Math.sqrt(v);
        state[L + p] = m;
      }
      return state;
    },
    mapBlock(input, output, _varianceA, _varianceB, stateA, stateB) {
      const sA = stateA!;
      const sB = stateB!;
      for (let p = 0; p < L; p++) {
        const [from, to] = form === 'full' ? [0, L] : [p, p + 1];
        for (let q = from; q < to; q++) {
          const i = form === 'full' ? p * L + q : p;
          const s = sA[p] * sB[q];
          output.nngp[i] = (input.nngp[i] - sA[L + p] * sB[L + q]) * s;
          output.ntk[i] = input.ntk[i] * s;
        }
      }
    },
    mapMean: () => null,
  };
}
