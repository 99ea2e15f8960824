import type { Matrix } from '@spec/core';

/** A d × n matrix with unit-norm Gaussian columns drawn from `normal` (samples are columns). */
export function unitColumns(d: number, n: number, normal: () => number): Matrix {
  const data = new Float64Array(d * n);
  for (let i = 0; i < data.length; i++) data[i] = normal();
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += data[i * n + j] ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < d; i++) data[i * n + j] *= inv;
  }
  return { rows: d, cols: n, data };
}
