import { definePlugin, registry as defaultRegistry, type Registry } from '@spec/core';
import { builtinActivations } from './activations/builtins.js';

/**
 * The built-in activations (relu, leaky_relu, tanh, erf, sigmoid, softplus, gelu, swish, sin,
 * quadratic, linear; raw) as one plugin — registered through the same `definePlugin`/`use` path as any user plugin
 * (the contracts of @spec/core). The built-in layer kinds of the JSON format are resolved by name before the registry,
 * so a plugin adds kinds beside them (`Plugin.layers`) without shadowing them.
 */
export const builtinActivationsPlugin = definePlugin({
  name: 'nets-activations',
  activations: builtinActivations,
});

/**
 * Registers {@link builtinActivationsPlugin} in `reg` (default: the shared registry of `@spec/core`)
 * unless it is there already; importing `@spec/nets` does this once for the default registry.
 */
export function registerBuiltins(reg: Registry = defaultRegistry): void {
  if (!reg.plugins().includes(builtinActivationsPlugin.name)) reg.use(builtinActivationsPlugin);
}
