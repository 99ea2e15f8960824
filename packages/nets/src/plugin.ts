import { definePlugin, registry as defaultRegistry, type Registry } from '@spec/core';
import { builtinActivations } from './activations/builtins.js';
import { denseFactory } from './layers/dense.js';
import { activationLayerFactory } from './layers/elementwise.js';
import { residualFactory } from './layers/residual.js';

/**
 * The built-in activations (relu, leaky_relu, tanh, erf, sigmoid, softplus, gelu, swish, sin,
 * quadratic, linear; raw) and layers (dense, residual, activation) as one plugin — registered through
 * the same `definePlugin`/`use` path as any user plugin (the contracts of @spec/core).
 */
export const builtinActivationsPlugin = definePlugin({
  name: 'nets-activations',
  activations: builtinActivations,
  layers: [denseFactory, residualFactory, activationLayerFactory],
});

/**
 * Registers {@link builtinActivationsPlugin} in `reg` (default: the shared registry of `@spec/core`)
 * unless it is there already; importing `@spec/nets` does this once for the default registry.
 */
export function registerBuiltins(reg: Registry = defaultRegistry): void {
  if (!reg.plugins().includes(builtinActivationsPlugin.name)) reg.use(builtinActivationsPlugin);
}
