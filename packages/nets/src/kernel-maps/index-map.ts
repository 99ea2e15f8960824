import { SpecError } from '@spec/core';
import type { Padding } from '../architecture/spec.js';
import { spatialSize } from './record.js';

/**
 * The index map ι(p, δ) of a convolution or pooling window over all spatial axes
 * (apps/docs/theory/architectures.md#convolution), JAX/TF conventions: `index[p·taps + δ]` is the flat input position
 * read by flat output position p at flat window offset δ (both row-major), or −1 for zero padding.
 */
export interface WindowIndexMap {
  readonly outputSpatial: ReadonlyArray<number>;
  /** Number of window offsets |F| (product of the window sizes). */
  readonly taps: number;
  readonly index: Int32Array;
}

/** One axis of length H, window f, stride s: output length and ι per (output position, offset), −1 where padded. */
export function axisMap(H: number, f: number, s: number, padding: Padding): { length: number; index: Int32Array } {
  let length: number;
  let lo = 0;
  if (padding === 'VALID') {
    length = Math.floor((H - f) / s) + 1;
  } else {
    length = Math.ceil(H / s);
    lo = Math.floor(Math.max((length - 1) * s + f - H, 0) / 2);
  }
  const index = new Int32Array(length * f);
  for (let p = 0; p < length; p++) {
    for (let d = 0; d < f; d++) {
      let i = s * p + d - lo;
      if (padding === 'CIRCULAR') i = ((i % H) + H) % H;
      index[p * f + d] = i >= 0 && i < H ? i : -1;
    }
  }
  return { length, index };
}

/**
 * The index map of a window over `spatial` (apps/docs/theory/architectures.md#convolution).
 *
 * @throws SpecError `E_INPUT` when the window's rank differs from the input's or a VALID window is larger than the input
 */
export function windowIndexMap(
  spatial: ReadonlyArray<number>,
  window: ReadonlyArray<number>,
  strides: ReadonlyArray<number>,
  padding: Padding,
  layer: string,
): WindowIndexMap {
  if (window.length !== spatial.length || strides.length !== window.length) {
    throw new SpecError(
      'E_INPUT',
      `${layer}: a window of ${window.length} axes (strides ${strides.length}) does not fit an input with ${spatial.length} spatial axes (shape [${spatial.join(', ')}])`,
    );
  }
  const axes = spatial.map((H, i) => {
    if (padding === 'VALID' && window[i] > H) {
      throw new SpecError(
        'E_INPUT',
        `${layer}: window ${window[i]} is larger than the input's axis ${i + 1} of length ${H} with VALID padding; use SAME padding or a smaller window`,
      );
    }
    return axisMap(H, window[i], strides[i], padding);
  });
  const outputSpatial = axes.map((a) => a.length);
  const Lout = spatialSize(outputSpatial);
  const taps = spatialSize(window);
  const index = new Int32Array(Lout * taps);
  const S = spatial.length;
  const p = new Array<number>(S).fill(0);
  const d = new Array<number>(S).fill(0);
  for (let po = 0; po < Lout; po++) {
    let rest = po;
    for (let i = S - 1; i >= 0; i--) {
      p[i] = rest % outputSpatial[i];
      rest = Math.floor(rest / outputSpatial[i]);
    }
    for (let t = 0; t < taps; t++) {
      let r = t;
      for (let i = S - 1; i >= 0; i--) {
        d[i] = r % window[i];
        r = Math.floor(r / window[i]);
      }
      let flat = 0;
      for (let i = 0; i < S; i++) {
        const j = axes[i].index[p[i] * window[i] + d[i]];
        if (j < 0) {
          flat = -1;
          break;
        }
        flat = flat * spatial[i] + j;
      }
      index[po * taps + t] = flat;
    }
  }
  return { outputSpatial, taps, index };
}

/** Checks a padding option. @throws SpecError `E_INPUT` naming `layer` */
export function assertPadding(value: unknown, layer: string): Padding {
  if (value !== 'VALID' && value !== 'SAME' && value !== 'CIRCULAR') {
    throw new SpecError(
      'E_INPUT',
      `${layer}: padding must be 'VALID', 'SAME' or 'CIRCULAR', got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
