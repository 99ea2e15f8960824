/**
 * A complete spec plugin: one activation, one layer (and its kernel map for architectures), one backend. Load it:
 *   pnpm -s spec spectrum --plugin ./my-plugin.js --activation cos
 *   pnpm -s spec infinite --plugin ./my-plugin.js --arch net.json --data digits   (net.json: a "scaledDense" layer)
 *   pnpm -s spec spectrum --plugin ./my-plugin.js --arch net.json --width 64      (the same network at finite width)
 * or register it in code with `use(plugin)` from @spec/core. The docs build type-checks this folder.
 */
import { definePlugin } from '@spec/core';
import { cosine } from './cosine-activation.js';
import { countingBackendFactory } from './counting-backend.js';
import { scaledDenseFactory, scaledDenseKernelMap } from './scaled-dense-layer.js';

export default definePlugin({
  name: 'docs-example',
  activations: [cosine],
  layers: [scaledDenseFactory],
  kernelMaps: [scaledDenseKernelMap],
  backends: [countingBackendFactory],
});
