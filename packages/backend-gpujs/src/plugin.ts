import { type BackendFactory, SpecError, definePlugin, registry, use } from '@spec/core';
import { type GpujsBackendOptions, createGpujsBackend } from './backend.js';
import type { GpujsMode } from './modes.js';

const MODES: ReadonlyArray<GpujsMode> = ['auto', 'gpu', 'headlessgl', 'webgl', 'webgl2', 'webgpu', 'webasm', 'cpu'];

/** Reads {@link GpujsBackendOptions} from an untyped record (CLI flags, a config file). */
function parseOptions(options: Record<string, unknown> = {}): GpujsBackendOptions {
  const { mode, tile, kTile, chunk, validate } = options;
  if (mode !== undefined && !MODES.includes(mode as GpujsMode)) {
    throw new SpecError('E_INPUT', `gpujs backend: unknown mode ${JSON.stringify(mode)} (known: ${MODES.join(', ')})`);
  }
  const num = (v: unknown, what: string): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number')
      throw new SpecError('E_INPUT', `gpujs backend: ${what} must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  if (validate !== undefined && typeof validate !== 'boolean') {
    throw new SpecError('E_INPUT', `gpujs backend: validate must be a boolean, got ${JSON.stringify(validate)}`);
  }
  return {
    mode: mode as GpujsMode | undefined,
    tile: num(tile, 'tile'),
    kTile: num(kTile, 'kTile'),
    chunk: num(chunk, 'chunk'),
    validate,
  };
}

/** The backend factory registered as `"gpujs"`; `create({ mode })` calls {@link createGpujsBackend}. */
export const gpujsBackendFactory: BackendFactory = {
  name: 'gpujs',
  description:
    'float32 products and element-wise maps on gpu.js (headless-gl/WebGL, else WebAssembly, else JS), eigensolvers on the CPU',
  create: async (options) => createGpujsBackend(parseOptions(options)),
};

/** Plugin registering the `"gpujs"` backend; registered in the default registry on import. */
export const gpujsBackendPlugin = definePlugin({ name: 'backend-gpujs', backends: [gpujsBackendFactory] });

/**
 * Registers {@link gpujsBackendPlugin} in the default registry unless a backend named `"gpujs"` is
 * already there (a second copy of the package, a re-import); safe to call any number of times.
 */
export function registerGpujsBackend(): void {
  if (!registry.backends().some((b) => b.name === 'gpujs')) use(gpujsBackendPlugin);
}

registerGpujsBackend();
