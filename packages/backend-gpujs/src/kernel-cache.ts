import type { GpuInstance, KernelFn, KernelSettings } from './gpujs-types.js';

/**
 * Compiled kernels keyed by source and shape, least recently used evicted past `limit` (each
 * webasm kernel pins a wasm memory; each GL kernel a shader program and textures).
 */
export class KernelCache {
  private readonly kernels = new Map<string, KernelFn>();

  constructor(
    private readonly gpu: GpuInstance,
    private readonly limit = 24,
  ) {}

  /** The kernel for `key`, compiled from `source` with `settings` on first use. */
  get(key: string, source: string, settings: KernelSettings): KernelFn {
    const hit = this.kernels.get(key);
    if (hit) {
      this.kernels.delete(key);
      this.kernels.set(key, hit);
      return hit;
    }
    const kernel = this.gpu.createKernel(source, settings);
    this.kernels.set(key, kernel);
    if (this.kernels.size > this.limit) {
      const [oldKey, old] = this.kernels.entries().next().value as [string, KernelFn];
      this.kernels.delete(oldKey);
      old.destroy?.();
    }
    return kernel;
  }

  /** Destroys every cached kernel. */
  clear(): void {
    for (const k of this.kernels.values()) k.destroy?.();
    this.kernels.clear();
  }
}

/**
 * Copies a gpu.js 2-D result (an array of `rows` float32 rows of length `cols`) into `out` at
 * `offset` with row stride `stride`, adding `scale ×` each entry to what is there. Returns false if
 * the result does not have the expected shape (gpu.js fell over without throwing).
 */
export function accumulateRows(
  result: unknown,
  rows: number,
  cols: number,
  out: Float64Array,
  offset: number,
  stride: number,
): boolean {
  if (!Array.isArray(result) || result.length !== rows) return false;
  for (let i = 0; i < rows; i++) {
    const row = result[i] as unknown;
    if (!(row instanceof Float32Array) || row.length !== cols) return false;
    const base = offset + i * stride;
    for (let j = 0; j < cols; j++) out[base + j] += row[j];
  }
  return true;
}

/** Copies a gpu.js 1-D result of length `n` into `out` at `offset`; false on a shape mismatch. */
export function copyFlat(result: unknown, n: number, out: Float32Array, offset: number): boolean {
  if (!(result instanceof Float32Array) || result.length !== n) return false;
  out.set(result, offset);
  return true;
}
