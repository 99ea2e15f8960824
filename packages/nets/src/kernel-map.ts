import { SpecError, type SpatialKernel } from '@spec/core';
import { asLayerKernelMap, type LayerKernelMap } from './kernel-maps/layer-map.js';
import { serialKernelMap } from './kernel-maps/combinators.js';
import type { Network } from './network.js';

/**
 * The kernel record of n inputs before the first layer of an MLP (apps/docs/theory/architectures.md#kernel-record, no
 * positions): NNGP = the Gram of the inputs, NTK 0, not Gaussian (raw data). Convention (see `dense`): pass `⟨x, y⟩`
 * for the fan-wang parametrisation and `⟨x, y⟩/d_0` for `'ntk'` and `'standard'`. An entry past the Cauchy–Schwarz
 * bound by rounding (at most 1e−9 relative) is set on the bound, so no correlation leaves [−1, 1].
 *
 * @throws SpecError `E_SHAPE` when `gram` does not have n² entries; `E_INPUT` unless the Gram is symmetric with
 *   finite entries, diagonal ≥ 0 and |G[a, b]| ≤ √(G[a, a]·G[b, b])
 */
export function gramKernelRecord(gram: Float64Array, samples: number): SpatialKernel {
  const n = samples;
  if (!Number.isInteger(n) || n < 1 || gram.length !== n * n) {
    throw new SpecError('E_SHAPE', `gram kernel record: expected ${n} × ${n} entries, got ${gram.length}`);
  }
  const nngp = Float64Array.from(gram);
  for (let a = 0; a < n; a++) {
    const qa = nngp[a * n + a];
    if (!(qa >= 0) || !Number.isFinite(qa)) {
      throw new SpecError('E_INPUT', `gram kernel record: diagonal entry ${a} is ${qa}, not a finite number ≥ 0`);
    }
  }
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const c = nngp[a * n + b];
      const bound = Math.sqrt(nngp[a * n + a] * nngp[b * n + b]);
      if (!Number.isFinite(c) || c !== nngp[b * n + a] || Math.abs(c) > bound * (1 + 1e-9)) {
        throw new SpecError(
          'E_INPUT',
          `gram kernel record: entries (${a}, ${b}) = ${c} and (${b}, ${a}) = ${nngp[b * n + a]} are not those of a ` +
            `Gram matrix (symmetric, |G[a, b]| ≤ √(G[a, a]·G[b, b]) = ${bound})`,
        );
      }
      const clamped = Math.max(-bound, Math.min(bound, c));
      nngp[a * n + b] = clamped;
      nngp[b * n + a] = clamped;
    }
  }
  // Without positions the full and diagonal layouts hold the same n × n entries; the diagonal one maps a row at a time.
  return { samples: n, spatial: [], form: 'diagonal', nngp, ntk: new Float64Array(n * n), mean: null, gaussian: false };
}

/**
 * The infinite-width kernel map of a whole network (apps/docs/theory/infinite-width.md#mlp-recursions for MLPs,
 * apps/docs/theory/infinite-width.md#residual-mlp for residual blocks): the layers' maps on the batched record in
 * order, each for its input shape (read by width-dependent maps only: the standard parametrisation). Map
 * {@link gramKernelRecord} with it; the output record's `nngp` and `ntk` are Σ_f and Θ_f of the scalar output, n × n.
 *
 * @throws SpecError `E_INPUT` naming the first layer without a kernel map
 */
export function networkKernelMap(net: Network): LayerKernelMap {
  const maps = net.layers.map((layer, i) => {
    if (typeof layer.kernelMap !== 'function') {
      throw new SpecError(
        'E_INPUT',
        `layer ${i + 1} (${layer.kind}) has no infinite-width kernel map, so the network has no infinite-width kernels`,
      );
    }
    return asLayerKernelMap(layer.kernelMap(net.shapes[i]), layer.kind);
  });
  return serialKernelMap(maps, 'network');
}

/**
 * Σ_f and Θ_f (n × n, row-major) of a network for inputs with Gram `gram` (n × n, in the convention of
 * {@link gramKernelRecord}): {@link networkKernelMap} on {@link gramKernelRecord}.
 */
export function networkKernels(
  net: Network,
  gram: Float64Array,
  samples: number,
): { readonly nngp: Float64Array; readonly ntk: Float64Array } {
  const out = networkKernelMap(net).map(gramKernelRecord(gram, samples));
  return { nngp: out.nngp, ntk: out.ntk };
}
