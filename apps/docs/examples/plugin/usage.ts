/**
 * Using the example plugin from code: register it, then build a backend and a layer from the registry
 * and compute one layer's empirical-NTK contribution on Gaussian inputs.
 */
import { createRegistry, createRng, type Matrix } from '@spec/core';
import plugin from './index.js';

export async function example(): Promise<{ backend: string; trace: number }> {
  const registry = createRegistry(); // an isolated registry; `use(plugin)` registers in the default one
  registry.use(plugin);

  const backend = await registry.backend('counting').create();
  const layer = registry.layer('scaledDense').create({ width: 64 });
  const rng = createRng(0);

  const n = 16;
  const d0 = 32;
  const X: Matrix = backend.randn(d0, n, rng.split('data'));
  const params = layer.init(d0, rng.split('layer'));
  const { output, cache } = layer.apply(params, X, { backend });
  const cos = registry.activation('cos');
  const G = backend.map(output, cos, 'derivative'); // stands in for ∂f/∂output of a scalar read-out
  const theta = layer.ntkContribution(params, cache, G, { backend });
  let trace = 0;
  if (theta !== null) for (let i = 0; i < n; i++) trace += theta.data[i * n + i];
  backend.dispose();
  return { backend: backend.name, trace };
}
