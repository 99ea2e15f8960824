import { describe, expect, it } from 'vitest';
import { createRegistry, definePlugin, importPlugin, SpecError, type Activation } from '../src/index.js';

const cos: Activation = { name: 'cos', fn: Math.cos, deriv: (x) => -Math.sin(x) };

describe('plugin registry', () => {
  it('registers and looks up activations, listing known names on a miss', () => {
    const reg = createRegistry();
    reg.use(definePlugin({ name: 'p', activations: [cos] }));
    expect(reg.activation('cos')).toBe(cos);
    expect(reg.hasActivation('sin')).toBe(false);
    expect(() => reg.activation('sin')).toThrow(/unknown activation "sin" \(known: cos\)/);
    expect(reg.plugins()).toEqual(['p']);
  });

  it('refuses a different extension under a taken name unless override, and ignores re-registering the same one', () => {
    const reg = createRegistry();
    reg.use({ name: 'p', activations: [cos] });
    reg.use({ name: 'p-again', activations: [cos] }); // the same object: a second import of the same module
    const other: Activation = { name: 'cos', fn: (x) => x, deriv: () => 1 };
    expect(() => reg.use({ name: 'q', activations: [other] })).toThrow(/already registered/);
    reg.use({ name: 'q', activations: [other] }, { override: true });
    expect(reg.activation('cos')).toBe(other);
  });

  it('validates plugin definitions', () => {
    expect(() => definePlugin({ name: '1bad' })).toThrow(SpecError);
    expect(() => definePlugin({ name: 'p', activations: [{ name: 'x' } as unknown as Activation] })).toThrow(
      /fn\(x\) and deriv\(x\)/,
    );
    expect(() => definePlugin({ name: 'p', backends: [{ name: 'b' } as never] })).toThrow(/create/);
  });

  it('registers backends through the same call', async () => {
    const reg = createRegistry();
    const fake = { name: 'fake', create: async () => ({ name: 'fake' }) as never };
    reg.use({ name: 'b', backends: [fake] });
    expect(reg.backends().map((b) => b.name)).toEqual(['fake']);
    await expect(reg.backend('fake').create()).resolves.toEqual({ name: 'fake' });
  });

  it('registers layer factories by kind, refusing a taken name and a factory without create', () => {
    const reg = createRegistry();
    const factory = { name: 'gain', create: () => ({}) as never };
    reg.use({ name: 's', layers: [factory] });
    expect(reg.hasLayer('gain')).toBe(true);
    expect(reg.layer('gain')).toBe(factory);
    expect(reg.layers()).toEqual([factory]);
    expect(() => reg.layer('loss')).toThrow(/unknown layer "loss" \(known: gain\)/);
    expect(() => reg.use({ name: 't', layers: [{ name: 'gain', create: () => ({}) as never }] })).toThrow(
      /already registered/,
    );
    expect(() => definePlugin({ name: 'p', layers: [{ name: 'x' } as never] })).toThrow(/create\(entry, \{ width \}\)/);
  });

  it('records the module a plugin came from, and imports a plugin module as --plugin does', async () => {
    const reg = createRegistry();
    const act = { name: 'twice', fn: (x: number) => 2 * x, deriv: () => 2 };
    const url = 'file:///plugins/twice.js';
    reg.use({ name: 'from-module', activations: [act] }, { module: url });
    reg.use({ name: 'inline', activations: [{ ...act, name: 'thrice' }] }, { override: true });
    expect(reg.registered().map((r) => [r.plugin.name, r.module, r.override])).toEqual([
      ['from-module', url, false],
      ['inline', undefined, true],
    ]);
    const data = (js: string): string => `data:text/javascript,${encodeURIComponent(js)}`;
    const named = await importPlugin(data('export const plugin = { name: "named-export" };'));
    expect(named.name).toBe('named-export');
    const dflt = await importPlugin(
      data('export default { name: "default-export" }; export const plugin = { name: "x" };'),
    );
    expect(dflt.name).toBe('default-export');
    await expect(importPlugin(data('export const other = 1;'))).rejects.toThrow(/must default-export definePlugin/);
    await expect(importPlugin(data('export default { name: "bad name!" };'))).rejects.toThrow(/not a valid name/);
  });
});
