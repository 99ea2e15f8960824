/**
 * Using the example plugin from code: register it, then build a backend and a layer from the registry
 * and compute the layer's empirical-NTK share on Gaussian inputs.
 */
import { createRegistry, createRng, type Activations } from '@spec/core';
import plugin from './index.js';

export async function example(): Promise<{ backend: string; trace: number }> {
  const registry = createRegistry(); // an isolated registry; `use(plugin)` registers in the default one
  registry.use(plugin);

  const backend = await registry.backend('counting').create();
  const layer = registry.layer('scaledDense').create({ layer: 'scaledDense' }, { width: 64 });
  const rng = createRng(0);

  const n = 16;
  const d0 = 32;
  // n samples of d0 features, one row per sample (no positions).
  const x: Activations = {
    data: backend.randn(n, d0, rng.split('data')).data as Float64Array,
    samples: n,
    spatial: [],
    channels: d0,
  };
  const { params } = layer.init({ spatial: [], channels: d0 }, rng.split('layer'));
  const { y, cache } = layer.apply(params, x, { backend });
  const cos = registry.activation('cos');
  // φ′ of the output stands in for ∂f/∂y of a scalar read-out.
  const gy: Activations = { ...y, data: y.data.map((v) => cos.deriv(v)) };
  const theta = layer.ntk(params, cache, gy, { backend });
  let trace = 0;
  if (theta !== null) for (let i = 0; i < n; i++) trace += theta[i * n + i];
  backend.dispose();
  return { backend: backend.name, trace };
}
