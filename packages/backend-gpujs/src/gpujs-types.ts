import gpujs from 'gpu.js';

/**
 * The narrow slice of gpu.js that this package uses, typed without `any`. gpu.js ships CommonJS with
 * broad typings (`any` in several places); everything crossing into our code goes through these types.
 */

/** A compiled gpu.js kernel: call it with flat float32 arrays, get rows of float32 back. */
export interface KernelFn {
  (...args: ReadonlyArray<Float32Array | number>): unknown;
  /** The kernel instance behind the shortcut (may be swapped by gpu.js on fallback). */
  readonly kernel?: { readonly fallbackReason?: string | null; readonly constructor: { readonly mode?: string } };
  destroy?(removeCanvasReferences?: boolean): void;
}

/** Settings we pass to `createKernel`. */
export interface KernelSettings {
  readonly output: number[];
  readonly constants?: Record<string, number>;
  readonly loopMaxIterations?: number;
  readonly precision?: 'single';
  readonly tactic?: 'precision';
}

/** A gpu.js `GPU` instance, as used here. */
export interface GpuInstance {
  readonly mode: string;
  createKernel(source: string, settings: KernelSettings): KernelFn;
  destroy(): Promise<void>;
}

/** The `GPU` class with its support probes. */
export interface GpuClass {
  new (settings: { mode: string }): GpuInstance;
  readonly isHeadlessGLSupported: boolean;
  readonly isWebGL2Supported: boolean;
  readonly isWebGLSupported: boolean;
  readonly isWebGPUSupported: boolean;
  readonly isWebAssemblySupported: boolean;
}

// gpu.js is CommonJS: its named export arrives on the default import in Node ESM.
const ns = gpujs as unknown as { GPU: GpuClass };

/** The gpu.js `GPU` class. */
export const GPU: GpuClass = ns.GPU;
