import { describe, expect, it } from 'vitest';
import { createRegistry, registry } from '@spec/core';
import { builtinActivationsPlugin, getActivation, registerBuiltins, resolveActivation, tanh } from '../src/index.js';

describe('built-in plugin registration', () => {
  it('importing @spec/nets registers every built-in activation and layer once', () => {
    const names = [
      'relu',
      'leaky_relu',
      'tanh',
      'erf',
      'sigmoid',
      'softplus',
      'gelu',
      'swish',
      'sin',
      'quadratic',
      'linear',
    ];
    for (const n of names) expect(registry.hasActivation(n), n).toBe(true);
    for (const l of ['dense', 'residual', 'activation']) expect(registry.layer(l).name).toBe(l);
    registerBuiltins(); // second call is a no-op, not a duplicate-name error
    expect(registry.plugins().filter((p) => p === 'nets-activations')).toHaveLength(1);
  });

  it('registers into a separate registry through the ordinary use() path', () => {
    const reg = createRegistry();
    registerBuiltins(reg);
    expect(reg.activation('gelu')).toBe(builtinActivationsPlugin.activations.find((a) => a.name === 'gelu'));
  });

  it('getActivation / resolveActivation: normalised by default, raw on request, E_INPUT for unknown names', () => {
    expect(getActivation('tanh')).toBe(tanh);
    expect(resolveActivation('tanh').name).toBe('tanh~');
    expect(resolveActivation('tanh', { raw: true })).toBe(tanh);
    expect(() => getActivation('nope')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
