import { SpecError, type KernelRecord } from '@spec/core';
import type { Network } from './network.js';

/**
 * The kernel record of a pair of inputs before the first layer: NNGP entries from the inputs, NTK 0
 * (apps/docs/theory/infinite-width.md#mlp-recursions). Convention (see {@link dense}): pass `⟨x, y⟩` etc. for the
 * fan-wang parametrisation and `⟨x, y⟩/d_0` for `'ntk'` and `'standard'`.
 *
 * @throws SpecError `E_INPUT` unless xx, yy ≥ 0 and |xy| ≤ √(xx·yy)
 */
export function inputKernel(xx: number, yy: number, xy: number): KernelRecord {
  if (
    !(xx >= 0) ||
    !(yy >= 0) ||
    !Number.isFinite(xy) ||
    !Number.isFinite(xx) ||
    !Number.isFinite(yy) ||
    Math.abs(xy) > Math.sqrt(xx * yy) * (1 + 1e-9)
  ) {
    throw new SpecError('E_INPUT', `inputKernel: (${xx}, ${yy}, ${xy}) is not a 2 × 2 Gram matrix`);
  }
  return { nngp: xy, nngpXX: xx, nngpYY: yy, ntk: 0, ntkXX: 0, ntkYY: 0 };
}

/**
 * Infinite-width NNGP and NTK of a network for one pair of inputs, by folding the layers' kernel maps
 * (apps/docs/theory/infinite-width.md#mlp-recursions for MLPs, apps/docs/theory/infinite-width.md#residual-mlp for
 * residual blocks). The result's `nngp`/`ntk` are Σ_f, Θ_f of the scalar output. Layers get `{ inputDim }` for
 * width-dependent maps (standard parametrisation).
 */
export function networkKernelMap(net: Network, input: KernelRecord): KernelRecord {
  return net.layers.reduce((k, layer, i) => layer.kernelMap(k, { inputDim: net.dims[i] }), input);
}
