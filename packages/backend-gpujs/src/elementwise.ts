import { SpecError } from '@spec/core';
import { type KernelCache, copyFlat } from './kernel-cache.js';

/**
 * Checks that `expr` is a pure expression in `x` built from numbers, arithmetic, comparisons, the
 * ternary operator and `Math.*` members — the contract of `Activation.source` — before it is pasted
 * into a kernel. Returns the reason it is not, or null.
 */
export function unsafeExpressionReason(expr: string): string | null {
  if (expr.length === 0 || expr.length > 2000) return 'the expression is empty or longer than 2000 characters';
  const stripped = expr
    .replace(/Math\.[A-Za-z_][A-Za-z0-9_]*/g, ' ')
    .replace(/(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/g, ' ')
    .replace(/\bx\b/g, ' ');
  const bad = /[^\s+\-*/%().,<>=!?:&|]/.exec(stripped);
  return bad ? `it contains "${bad[0]}" (only x, numbers, operators and Math.* are allowed)` : null;
}

/** Kernel source applying `expr` (in `x`) to each entry of a flat array. */
export function mapSource(expr: string): string {
  return `function (a) { const x = a[this.thread.x]; return (${expr}); }`;
}

/** Kernel source of the entry-wise product of two flat arrays. */
export const HADAMARD_SOURCE = 'function (a, b) { return a[this.thread.x] * b[this.thread.x]; }';

/**
 * Runs a 1-D kernel over `inputs` (flat float32 arrays of equal length) in chunks of at most
 * `chunk` entries (texture limits, see product.ts), returning the float32 result.
 */
export function chunkedElementwise(
  cache: KernelCache,
  keyPrefix: string,
  source: string,
  inputs: ReadonlyArray<Float32Array>,
  chunk: number,
  mode: string,
): Float32Array {
  const n = inputs[0].length;
  const out = new Float32Array(n);
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const kernel = cache.get(`${keyPrefix}:${e - s}`, source, { output: [e - s], precision: 'single' });
    const result = kernel(...inputs.map((v) => v.subarray(s, e)));
    if (!copyFlat(result, e - s, out, s)) {
      throw new SpecError(
        'E_BACKEND',
        `gpu.js (${mode}) returned a malformed result for an element-wise kernel of ${e - s} entries; use --backend cpu`,
      );
    }
  }
  return out;
}

/**
 * Indices at which element-wise results are re-computed in float64 on the host: the first, the
 * last, and up to 30 spread evenly between (so a dropped chunk or an all-zero result is caught).
 */
export function probeIndices(n: number): number[] {
  if (n === 0) return [];
  const count = Math.min(n, 32);
  const idx = new Set<number>();
  for (let t = 0; t < count; t++) idx.add(Math.floor((t * (n - 1)) / Math.max(1, count - 1)));
  return [...idx];
}
