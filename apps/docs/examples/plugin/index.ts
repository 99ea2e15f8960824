/**
 * A complete spec plugin: one activation, one layer, one backend. Load it with
 *   pnpm -s spec spectrum --plugin ./my-plugin.js --activation cos
 * or register it in code with `use(plugin)` from @spec/core. The docs build type-checks this folder.
 */
import { definePlugin } from '@spec/core';
import { cosine } from './cosine-activation.js';
import { countingBackendFactory } from './counting-backend.js';
import { scaledDenseFactory } from './scaled-dense-layer.js';

export default definePlugin({
  name: 'docs-example',
  activations: [cosine],
  layers: [scaledDenseFactory],
  backends: [countingBackendFactory],
});
