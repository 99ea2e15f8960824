import { expect } from 'vitest';
import { createRng, type Layer, type Shape } from '@spec/core';
import { initSpatialNetwork, spatialEmpiricalKernels } from '../../src/index.js';
import { ctx, FD_TOL, copyParams, expectClose, finiteDifferenceNtk, randomActivations } from './fd.js';

/**
 * The empirical NTK as the sum of the layers' shares against J Jᵀ with J from central differences of the outputs
 * (forward passes only), in total and layer by layer; tolerance as explained in fd.ts.
 */
export function checkNetworkNtk(layers: Layer[], inShape: Shape, seed: number, samples = 3): void {
  const rng = createRng(seed);
  const init = initSpatialNetwork(layers, inShape, rng.split('init'));
  const params = init.params.map(copyParams);
  const x = randomActivations(rng.split('x'), samples, inShape);
  const k = spatialEmpiricalKernels(layers, params, x, ctx.backend, { perLayer: true });
  const fd = finiteDifferenceNtk(layers, params, x);
  expectClose(k.ntk!, fd.ntk, FD_TOL, 'NTK');
  layers.forEach((layer, i) => {
    const share = k.perLayer![i];
    if (share === null)
      expect(
        fd.perLayer[i].every((v) => v === 0),
        `layer ${i + 1} (${layer.kind})`,
      ).toBe(true);
    else expectClose(share, fd.perLayer[i], FD_TOL, `layer ${i + 1} (${layer.kind})`);
  });
  // The CK is the Gram of the readout's input, computed here directly.
  const z = layers.slice(0, -1).reduce((h, layer, i) => layer.apply(params[i], h, ctx).y, x);
  const D = z.data.length / samples;
  const ck = Array.from({ length: samples * samples }, (_, ab) => {
    const [a, b] = [Math.floor(ab / samples), ab % samples];
    let s = 0;
    for (let j = 0; j < D; j++) s += z.data[a * D + j] * z.data[b * D + j];
    return s;
  });
  expectClose(k.ck!, ck, 1e-14, 'CK');
}
