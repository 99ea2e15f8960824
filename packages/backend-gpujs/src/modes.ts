import { SpecError } from '@spec/core';
import { GPU, type GpuInstance } from './gpujs-types.js';

/**
 * Modes a caller may ask for.
 *
 * - `'auto'` (default): the first that works of headlessgl, webgl2, webgl, webasm, cpu.
 * - `'gpu'`: the first that works of headlessgl, webgl2, webgl (a real GPU/GL context; no wasm/cpu fallback).
 * - a concrete gpu.js mode: exactly that one, or `E_BACKEND` with the reason.
 */
export type GpujsMode = 'auto' | 'gpu' | 'headlessgl' | 'webgl' | 'webgl2' | 'webgpu' | 'webasm' | 'cpu';

/** A concrete gpu.js mode that a backend can run in (webgpu is excluded: see {@link resolveMode}). */
export type RunMode = 'headlessgl' | 'webgl2' | 'webgl' | 'webasm' | 'cpu';

/** The outcome of mode selection. */
export interface ModeChoice {
  /** The mode that passed its smoke test. */
  readonly mode: RunMode;
  /** The gpu.js instance for that mode. */
  readonly gpu: GpuInstance;
  /** Why each mode tried before it was skipped, e.g. `"headlessgl: the optional gl package is not built"`. */
  readonly skipped: ReadonlyArray<string>;
}

const GL_MODES: ReadonlyArray<RunMode> = ['headlessgl', 'webgl2', 'webgl'];
const AUTO_ORDER: ReadonlyArray<RunMode> = [...GL_MODES, 'webasm', 'cpu'];

/** In Node without DISPLAY, a hint to use xvfb-run (browsers have no `process`). */
function displayHint(): string {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env && !env.DISPLAY ? ' (DISPLAY is unset; run under xvfb-run)' : '';
}

/** Why a mode cannot run here, or null when gpu.js reports it supported. */
function unsupportedReason(mode: RunMode): string | null {
  switch (mode) {
    case 'headlessgl':
      if (GPU.isHeadlessGLSupported) return null;
      return (
        'headless-gl is unavailable: the optional "gl" package is not built (pnpm-workspace.yaml sets allowBuilds gl: false) ' +
        `or no X display is reachable${displayHint()}`
      );
    case 'webgl2':
      return GPU.isWebGL2Supported ? null : 'WebGL2 is unavailable (needs a browser with WebGL2)';
    case 'webgl':
      return GPU.isWebGLSupported ? null : 'WebGL is unavailable (needs a browser with WebGL)';
    case 'webasm':
      return GPU.isWebAssemblySupported ? null : 'WebAssembly is unavailable in this runtime';
    case 'cpu':
      return null;
  }
}

/**
 * Runs a 2 × 3 product in `mode` and checks it exactly (small integers are exact in float32), so a
 * mode that builds but computes garbage or zeros (gpu.js issues 491, 817) is never selected.
 * Returns the instance, or the reason it failed.
 */
function smokeTest(mode: RunMode): GpuInstance | string {
  let gpu: GpuInstance | null = null;
  try {
    gpu = new GPU({ mode });
    const kernel = gpu.createKernel(
      'function (a, b) { let s = 0; for (let k = 0; k < this.constants.K; k++) { s += a[this.thread.y * this.constants.K + k] * b[this.thread.x * this.constants.K + k]; } return s; }',
      { output: [3, 2], constants: { K: 2 }, loopMaxIterations: 2, precision: 'single' },
    );
    // A = [[1, 2], [3, 4]], Bᵀ rows = [1, 0], [0, 1], [1, 1] → A B = [[1, 2, 3], [3, 4, 7]].
    const out = kernel(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 0, 0, 1, 1, 1)) as ArrayLike<ArrayLike<number>>;
    const want = [
      [1, 2, 3],
      [3, 4, 7],
    ];
    const ok = want.every((row, i) => row.every((v, j) => out[i]?.[j] === v));
    const ran = kernel.kernel?.constructor.mode;
    kernel.destroy?.();
    // gpu.js degrades unsupported kernels to its CPUKernel (static mode 'cpu'); GL kernels report 'gpu'.
    if (ran === 'cpu' && mode !== 'cpu')
      return `gpu.js fell back from ${mode} to ${ran}${kernel.kernel?.fallbackReason ? ` (${kernel.kernel.fallbackReason})` : ''}`;
    if (!ok)
      return `a 2 × 3 test product gave ${JSON.stringify(Array.from(out, (r) => Array.from(r)))} instead of [[1,2,3],[3,4,7]]`;
    return gpu;
  } catch (e) {
    if (gpu) void gpu.destroy().catch(() => undefined);
    return `failed to run a test kernel: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * Picks the gpu.js mode: each candidate must be reported supported by gpu.js *and* pass a smoke-test
 * product. `'auto'` falls back down the list and records why each skipped mode was skipped; an explicit
 * mode that cannot run throws `E_BACKEND`.
 *
 * `webgpu` is never selected: gpu.js runs WebGPU kernels only asynchronously, while the
 * {@link @spec/core!Backend} interface is synchronous.
 */
export function resolveMode(requested: GpujsMode = 'auto'): ModeChoice {
  if (requested === 'webgpu') {
    throw new SpecError(
      'E_BACKEND',
      'gpu.js mode "webgpu" cannot serve the synchronous Backend interface (gpu.js reads WebGPU results back only asynchronously); use mode "webgl2" in a browser or "auto"',
    );
  }
  const candidates = requested === 'auto' ? AUTO_ORDER : requested === 'gpu' ? GL_MODES : [requested];
  const skipped: string[] = [];
  for (const mode of candidates) {
    const reason = unsupportedReason(mode) ?? smokeTest(mode);
    if (typeof reason !== 'string') return { mode, gpu: reason, skipped };
    skipped.push(`${mode}: ${reason}`);
  }
  if (requested === 'auto') skipped.push('webgpu: not tried (asynchronous only in gpu.js)');
  throw new SpecError(
    'E_BACKEND',
    `gpu.js mode "${requested}" cannot run here: ${skipped.join('; ')}. Try --backend cpu, or mode "auto" to fall back to webasm/cpu`,
  );
}
