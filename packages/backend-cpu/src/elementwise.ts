import type { FloatArray } from '@spec/core';

/**
 * out[i] = f(x[i]) for i < length, with strides and offsets (stdlib `ndarray` style). `x` may be
 * float32; `out` is float64.
 */
export function dmap(
  length: number,
  f: (x: number) => number,
  x: FloatArray,
  strideX: number,
  offsetX: number,
  out: Float64Array,
  strideOut: number,
  offsetOut: number,
): void {
  for (let i = 0, ix = offsetX, io = offsetOut; i < length; i++, ix += strideX, io += strideOut) out[io] = f(x[ix]);
}

/** out[i] = x[i] · y[i] for i < length (element-wise product), with strides and offsets. */
export function dhadamard(
  length: number,
  x: FloatArray,
  strideX: number,
  offsetX: number,
  y: FloatArray,
  strideY: number,
  offsetY: number,
  out: Float64Array,
  strideOut: number,
  offsetOut: number,
): void {
  for (
    let i = 0, ix = offsetX, iy = offsetY, io = offsetOut;
    i < length;
    i++, ix += strideX, iy += strideY, io += strideOut
  ) {
    out[io] = x[ix] * y[iy];
  }
}
