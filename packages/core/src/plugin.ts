import type { Activation } from './activation.js';
import type { Backend } from './backend.js';
import { SpecError } from './errors.js';
import type { LayerFactory } from './layer.js';
import type { SpatialKernelMapFactory } from './spatial-kernel.js';

/** Creates a backend (async: GPU backends may need to probe the device). */
export interface BackendFactory {
  readonly name: string;
  readonly description?: string;
  create(options?: Record<string, unknown>): Promise<Backend>;
}

/** A bundle of extensions. Built-ins are plugins too, so a plugin has exactly their powers. */
export interface Plugin {
  readonly name: string;
  readonly activations?: ReadonlyArray<Activation>;
  /** Layers ({@link LayerFactory}) of layer kinds of the JSON architecture format, by kind. */
  readonly layers?: ReadonlyArray<LayerFactory>;
  readonly backends?: ReadonlyArray<BackendFactory>;
  /** Infinite-width kernel maps of layer kinds of the JSON architecture format, by kind. */
  readonly kernelMaps?: ReadonlyArray<SpatialKernelMapFactory>;
}

const NAME = /^[A-Za-z][A-Za-z0-9_.:-]*$/;

function checkName(kind: string, name: unknown, plugin: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new SpecError(
      'E_INPUT',
      `plugin "${plugin}": ${kind} name ${JSON.stringify(name)} is not a valid name (letters, digits, _ . : -)`,
    );
  }
}

/**
 * Validates and returns a plugin definition (the identity on valid input, so a plugin module can
 * `export default definePlugin({...})`).
 */
export function definePlugin<P extends Plugin>(plugin: P): P {
  if (plugin === null || typeof plugin !== 'object') throw new SpecError('E_INPUT', 'a plugin must be an object');
  checkName('plugin', plugin.name, String(plugin.name));
  for (const a of plugin.activations ?? []) {
    checkName('activation', a.name, plugin.name);
    if (typeof a.fn !== 'function' || typeof a.deriv !== 'function') {
      throw new SpecError(
        'E_INPUT',
        `plugin "${plugin.name}": activation "${a.name}" needs functions fn(x) and deriv(x)`,
      );
    }
  }
  for (const l of plugin.layers ?? []) {
    checkName('layer', l.name, plugin.name);
    if (typeof l.create !== 'function')
      throw new SpecError('E_INPUT', `plugin "${plugin.name}": layer "${l.name}" needs create(entry, { width })`);
  }
  for (const b of plugin.backends ?? []) {
    checkName('backend', b.name, plugin.name);
    if (typeof b.create !== 'function')
      throw new SpecError('E_INPUT', `plugin "${plugin.name}": backend "${b.name}" needs create()`);
  }
  for (const k of plugin.kernelMaps ?? []) {
    checkName('kernel map', k.name, plugin.name);
    if (typeof k.create !== 'function')
      throw new SpecError('E_INPUT', `plugin "${plugin.name}": kernel map "${k.name}" needs create(entry)`);
  }
  return plugin;
}

/** Options of {@link Registry.use}. */
export interface UseOptions {
  /** Replace extensions whose names are taken (default false: that is an error). */
  readonly override?: boolean;
  /**
   * The URL of the module that exports the plugin (as its default or named `plugin` export; see {@link importPlugin}),
   * when it came from one: then a worker thread can register the same plugin by importing that module, so work that
   * needs the registry can be split over threads ({@link Registry.registered}).
   */
  readonly module?: string;
}

/** A plugin as it was registered: {@link Registry.registered}. */
export interface RegisteredPlugin {
  readonly plugin: Plugin;
  readonly override: boolean;
  /** The URL of the module it came from, when registered with one. */
  readonly module?: string;
}

/** A set of registered activations, layers and backends. */
export interface Registry {
  /** Registers every extension of the plugin; a name already taken is an error unless `override`. */
  use(plugin: Plugin, options?: UseOptions): void;
  activation(name: string): Activation;
  /** The layer factory of a layer kind of the JSON architecture format. */
  layer(name: string): LayerFactory;
  backend(name: string): BackendFactory;
  /** The kernel-map factory of a layer kind of the JSON architecture format. */
  kernelMap(name: string): SpatialKernelMapFactory;
  hasActivation(name: string): boolean;
  hasKernelMap(name: string): boolean;
  hasLayer(name: string): boolean;
  activations(): Activation[];
  layers(): LayerFactory[];
  backends(): BackendFactory[];
  kernelMaps(): SpatialKernelMapFactory[];
  /** Names of the plugins registered so far, in order. */
  plugins(): string[];
  /** The plugins registered so far, in order, with the options they were registered with. */
  registered(): ReadonlyArray<RegisteredPlugin>;
}

/** A new, empty registry (tests and embedders that want isolation use their own). */
export function createRegistry(): Registry {
  const acts = new Map<string, Activation>();
  const lays = new Map<string, LayerFactory>();
  const backs = new Map<string, BackendFactory>();
  const kmaps = new Map<string, SpatialKernelMapFactory>();
  const names: string[] = [];
  const entries: RegisteredPlugin[] = [];

  function add<T extends { name: string }>(
    map: Map<string, T>,
    kind: string,
    items: ReadonlyArray<T> | undefined,
    plugin: string,
    override: boolean,
  ): void {
    for (const item of items ?? []) {
      // Registering the very same object again (the same plugin module loaded twice) is a no-op.
      if (map.has(item.name) && map.get(item.name) !== item && !override) {
        throw new SpecError(
          'E_INPUT',
          `plugin "${plugin}": ${kind} "${item.name}" is already registered (pass { override: true } to replace it)`,
        );
      }
    }
    for (const item of items ?? []) map.set(item.name, item);
  }

  function get<T>(map: Map<string, T>, kind: string, name: string): T {
    const v = map.get(name);
    if (v === undefined) {
      const known = [...map.keys()].sort().join(', ') || 'none';
      throw new SpecError('E_INPUT', `unknown ${kind} "${name}" (known: ${known})`);
    }
    return v;
  }

  return {
    use(plugin, options) {
      definePlugin(plugin);
      const override = options?.override ?? false;
      add(acts, 'activation', plugin.activations, plugin.name, override);
      add(lays, 'layer', plugin.layers, plugin.name, override);
      add(backs, 'backend', plugin.backends, plugin.name, override);
      add(kmaps, 'kernel map', plugin.kernelMaps, plugin.name, override);
      names.push(plugin.name);
      entries.push({ plugin, override, ...(options?.module !== undefined ? { module: options.module } : {}) });
    },
    activation: (name) => get(acts, 'activation', name),
    layer: (name) => get(lays, 'layer', name),
    backend: (name) => get(backs, 'backend', name),
    kernelMap: (name) => get(kmaps, 'kernel map', name),
    hasActivation: (name) => acts.has(name),
    hasKernelMap: (name) => kmaps.has(name),
    hasLayer: (name) => lays.has(name),
    activations: () => [...acts.values()],
    layers: () => [...lays.values()],
    backends: () => [...backs.values()],
    kernelMaps: () => [...kmaps.values()],
    plugins: () => [...names],
    registered: () => [...entries],
  };
}

/**
 * The default registry that the CLI and the packages' built-ins use. Packages register their
 * built-ins here when imported (`@spec/nets` its activations and layers, each backend itself).
 */
export const registry: Registry = createRegistry();

/** Registers a plugin in the default registry. */
export function use(plugin: Plugin, options?: UseOptions): void {
  registry.use(plugin, options);
}

/**
 * Imports the plugin module at `url` and returns its plugin: the default export, or else the named export `plugin`
 * (what `spec --plugin FILE` loads). Register it with `use(plugin, { module: url })`.
 *
 * @throws SpecError `E_INPUT` when the module exports no valid plugin; the import's own error when it cannot be loaded
 */
export async function importPlugin(url: string): Promise<Plugin> {
  const mod = (await import(url)) as { default?: unknown; plugin?: unknown };
  const plugin = mod.default ?? mod.plugin;
  if (plugin === null || typeof plugin !== 'object' || typeof (plugin as { name?: unknown }).name !== 'string') {
    throw new SpecError(
      'E_INPUT',
      `plugin module ${url} must default-export definePlugin({ name, … }) (or export it as \`plugin\`)`,
    );
  }
  return definePlugin(plugin as Plugin);
}
