/**
 * @spec/backend-gpujs — the {@link @spec/core!Backend} on gpu.js 2.24: float32 products and element-wise
 * maps in headless-gl/WebGL where present, else WebAssembly, else plain JS; eigensolvers on the float64
 * CPU backend. Importing the package registers the `"gpujs"` backend in the default registry.
 *
 * @packageDocumentation
 */
export { type GpujsBackend, type GpujsBackendOptions, createGpujsBackend } from './backend.js';
export { type GpujsMode, type ModeChoice, type RunMode, resolveMode } from './modes.js';
export type { GpuInstance, KernelFn, KernelSettings } from './gpujs-types.js';
export { type Tiles, PROBE_TOLERANCE } from './product.js';
export { gpujsBackendFactory, gpujsBackendPlugin, registerGpujsBackend } from './plugin.js';
