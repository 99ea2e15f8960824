import { SpecError, type Layer, type LayerParams, type Rng } from '@spec/core';

/** A scale (W_std, b_std, …): finite and ≥ 0. Returns it. @throws SpecError `E_INPUT` naming `layer` */
export function assertStd(value: unknown, layer: string, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SpecError('E_INPUT', `${layer}: ${name} must be a finite number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A positive integer option. @throws SpecError `E_INPUT` naming `layer` */
export function assertCount(value: unknown, layer: string, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new SpecError('E_INPUT', `${layer}: ${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A non-empty list of positive integers (filter, window, strides). Returns a copy. @throws SpecError `E_INPUT` */
export function assertCounts(value: unknown, layer: string, name: string): number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)
  ) {
    throw new SpecError(
      'E_INPUT',
      `${layer}: ${name} must be a non-empty list of positive integers (one per spatial axis), got ${JSON.stringify(value)}`,
    );
  }
  return [...(value as number[])];
}

/** Checks that options is an object. @throws SpecError `E_INPUT` */
export function assertOptions(options: unknown, layer: string): void {
  if (options === null || typeof options !== 'object')
    throw new SpecError('E_INPUT', `${layer}: options must be an object`);
}

/** `size` raw N(0, 1) draws from `rng.split(key)` (independent per parameter, whatever the others' sizes). */
export function drawNormal(rng: Rng, key: string, size: number): Float64Array {
  const out = new Float64Array(size);
  rng.split(key).fillNormal(out);
  return out;
}

/**
 * The parameter `key` of `params`, checked to have `size` entries.
 *
 * @throws SpecError `E_SHAPE` naming `layer` when it is missing or has the wrong size
 */
export function param(params: LayerParams, key: string, size: number, layer: string): Float64Array {
  const p = params[key];
  if (!(p instanceof Float64Array)) {
    throw new SpecError('E_SHAPE', `${layer}: parameter "${key}" is missing (pass the params returned by init)`);
  }
  if (p.length !== size) {
    throw new SpecError(
      'E_SHAPE',
      `${layer}: parameter "${key}" has ${p.length} entries, expected ${size} for this input (was init called with this input shape?)`,
    );
  }
  return p;
}

/**
 * A layer without parameters, with its (empty) factored NTK share: `ntkTerms` gives no terms and the layer's backward
 * step, so networks through it keep the memory-lean and matrix-free NTK routes
 * (apps/docs/theory/architectures.md#finite-layers); `ntk` is null.
 */
export function parameterFree<C>(layer: Omit<Layer<C>, 'ntkTerms'>): Layer<C> {
  const { vjp } = layer;
  return {
    ...layer,
    ntk: () => null,
    ntkTerms: (params, cache, gy, ctx) => ({
      terms: [],
      gradInput: () => vjp.call(layer, params, cache, gy, ctx, { params: false }).gx,
    }),
  };
}
