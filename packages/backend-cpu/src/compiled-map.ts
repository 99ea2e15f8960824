import type { Activation } from '@spec/core';

/**
 * A compiled element-wise loop `(X, V, D, s, e)`: for s ≤ i < e, with x = X[i] and u = common(x), writes V[i] = fn
 * and/or D[i] = deriv (either may be absent). D may be X itself (in place): each x is read before it is overwritten.
 */
export type MapLoop = (X: Float64Array, V: Float64Array | null, D: Float64Array | null, s: number, e: number) => void;

/**
 * The body of a {@link MapLoop} for `activation`'s exact `source` (see `ActivationSource.exact`), or null when it has
 * none (closures cannot cross threads: the caller maps on its own thread). `value`/`deriv` pick the outputs.
 */
export function mapLoopBody(activation: Activation, value: boolean, deriv: boolean): string | null {
  const src = activation.source;
  if (src === undefined || src.exact !== true) return null;
  const fused = value && deriv ? src.fused : undefined;
  const common = fused?.common ?? 'x';
  const fn = fused?.fn ?? src.fn;
  const dv = fused?.deriv ?? src.deriv;
  return (
    'for (let i = s; i < e; i++) { const x = X[i]; const u = (' +
    common +
    '); ' +
    (value ? 'V[i] = (' + fn + '); ' : '') +
    (deriv ? 'D[i] = (' + dv + '); ' : '') +
    'void u; }'
  );
}

const loops = new Map<string, MapLoop | null>();

/** The loop compiled from `body` (cached per body), or null where code cannot be compiled (e.g. a strict CSP). */
export function compileMapLoop(body: string): MapLoop | null {
  const have = loops.get(body);
  if (have !== undefined) return have;
  let loop: MapLoop | null;
  try {
    loop = new Function('X', 'V', 'D', 's', 'e', body) as MapLoop;
  } catch {
    loop = null;
  }
  loops.set(body, loop);
  return loop;
}
