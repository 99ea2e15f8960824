import { describe, expect, it } from 'vitest';
import { createRegistry, createRng, registry } from '@spec/core';
import { builtinActivationsPlugin, getActivation, registerBuiltins, resolveActivation, tanh } from '../src/index.js';
import cosinePlugin from './fixtures/cosine-plugin.js';

describe('built-in plugin registration', () => {
  it('importing @spec/nets registers every built-in activation once, and no layer kinds', () => {
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
    // The built-in layer kinds of the JSON format are resolved by name before the registry, not registered in it.
    for (const l of ['dense', 'residual', 'activation']) expect(registry.hasLayer(l), l).toBe(false);
    expect('layers' in builtinActivationsPlugin).toBe(false);
    registerBuiltins(); // second call is a no-op, not a duplicate-name error
    expect(registry.plugins().filter((p) => p === 'nets-activations')).toHaveLength(1);
  });

  it('registers into a separate registry through the ordinary use() path', () => {
    const reg = createRegistry();
    registerBuiltins(reg);
    expect(reg.activation('gelu')).toBe(builtinActivationsPlugin.activations.find((a) => a.name === 'gelu'));
  });

  it("a plugin's layers register its JSON layer kinds: layer(name) creates them, hasLayer / layers() list them", () => {
    const reg = createRegistry();
    registerBuiltins(reg);
    expect(reg.hasLayer('gain')).toBe(false);
    reg.use(cosinePlugin);
    expect(reg.hasLayer('gain')).toBe(true);
    expect(reg.layers().map((l) => l.name)).toEqual(['gain']);
    const layer = reg.layer('gain').create({ layer: 'gain' }, { width: 3 });
    expect(layer.kind).toBe('gain');
    expect(layer.init({ spatial: [], channels: 3 }, createRng(1)).outShape).toEqual({ spatial: [], channels: 3 });
    expect(() => reg.layer('no_such_layer')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });

  it('getActivation / resolveActivation: normalised by default, raw on request, E_INPUT for unknown names', () => {
    expect(getActivation('tanh')).toBe(tanh);
    expect(resolveActivation('tanh').name).toBe('tanh~');
    expect(resolveActivation('tanh', { raw: true })).toBe(tanh);
    expect(() => getActivation('nope')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
