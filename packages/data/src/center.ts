import type { Matrix } from '@spec/core';

/**
 * Subtracts the mean sample (mean column) from every column of X (d × n), as the linear-width theory assumes for real
 * data (apps/docs/theory/fan-wang.md#real-data). The mean is a running mean, which cannot overflow for data near the
 * float64 range. Returns a new float64 matrix; X is unchanged.
 */
export function centerSamples(X: Matrix): Matrix {
  const { rows: d, cols: n, data } = X;
  const out = new Float64Array(d * n);
  for (let p = 0; p < d; p++) {
    const base = p * n;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += (data[base + i] - mean) / (i + 1);
    for (let i = 0; i < n; i++) out[base + i] = data[base + i] - mean;
  }
  return { rows: d, cols: n, data: out };
}
