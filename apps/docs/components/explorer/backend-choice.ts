import { createCpuBackend } from '@spec/backend-cpu';
import type { Backend } from '@spec/core';

/** The backend a run uses, and why gpu.js was not used when it was not. */
export interface BackendChoice {
  readonly backend: Backend;
  readonly note: string | null;
}

let cached: Promise<BackendChoice> | null = null;
let cachedFor: 'auto' | 'cpu' | null = null;

/**
 * gpu.js on WebGL2, then WebGL (SwiftShader in headless Chromium counts), else the float64 CPU backend.
 * gpu.js is imported lazily so a page that only ever uses the CPU never loads it. Only the GL modes are
 * tried: in a browser, gpu.js's own cpu/wasm modes are slower than the float64 CPU backend (bench/README.md,
 * backend-gpujs).
 */
export function chooseBackend(kind: 'auto' | 'cpu'): Promise<BackendChoice> {
  if (cached && cachedFor === kind) return cached;
  cachedFor = kind;
  cached = (async (): Promise<BackendChoice> => {
    if (kind === 'cpu') return { backend: createCpuBackend(), note: null };
    const reasons: string[] = [];
    try {
      const { createGpujsBackend } = await import('@spec/backend-gpujs');
      for (const mode of ['webgl2', 'webgl'] as const) {
        try {
          return { backend: await createGpujsBackend({ mode }), note: null };
        } catch (e) {
          reasons.push(`${mode}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } catch (e) {
      reasons.push(`gpu.js did not load: ${e instanceof Error ? e.message : String(e)}`);
    }
    return {
      backend: createCpuBackend(),
      note: `gpu.js (WebGL) is unavailable here, so the CPU backend ran — ${reasons.join('; ')}`,
    };
  })();
  return cached;
}
