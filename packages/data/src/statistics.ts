import { type Matrix, SpecError } from '@spec/core';
import { type DataLinalg, gramWith } from './linalg.js';
import type { SampleTable } from './sample-table.js';

/** Mean and covariance of a set of samples (the statistics PCA whitening and deflation use). */
export interface SampleStatistics {
  /** Samples the statistics are over. */
  readonly count: number;
  /** Mean sample μ (length d). */
  readonly mean: Float64Array;
  /** Covariance C = (1/count) Σ (x − μ)(x − μ)ᵀ, d × d. */
  readonly covariance: Matrix;
}

/**
 * Accumulates mean and covariance over chunks of samples stored as rows (chunk[r * d + p]). Every chunk is
 * shifted by the first chunk's mean s before its cross-products are summed — C = (1/N) Σ (x − s)(x − s)ᵀ
 * − (μ − s)(μ − s)ᵀ — so data with a large common offset loses no digits to cancellation. The d × d sum
 * of each chunk is `linalg.gram(chunk)`.
 */
export class StatisticsAccumulator {
  private readonly d: number;
  private readonly linalg: DataLinalg | undefined;
  private shift: Float64Array | undefined;
  private readonly sum: Float64Array;
  private readonly cross: Float64Array;
  private count = 0;

  constructor(d: number, linalg?: DataLinalg) {
    this.d = d;
    this.linalg = linalg;
    this.sum = new Float64Array(d);
    this.cross = new Float64Array(d * d);
  }

  /** Adds `rows` samples stored as the rows of `chunk`. */
  add(chunk: Float64Array, rows: number): void {
    const d = this.d;
    if (rows === 0) return;
    if (this.shift === undefined) {
      const s = new Float64Array(d);
      for (let r = 0; r < rows; r++) for (let p = 0; p < d; p++) s[p] += (chunk[r * d + p] - s[p]) / (r + 1);
      this.shift = s;
    }
    const s = this.shift;
    const shifted = new Float64Array(rows * d);
    for (let r = 0; r < rows; r++) {
      for (let p = 0; p < d; p++) {
        const v = chunk[r * d + p] - s[p];
        shifted[r * d + p] = v;
        this.sum[p] += v;
      }
    }
    const G = gramWith(this.linalg, { rows, cols: d, data: shifted }).data;
    for (let k = 0; k < d * d; k++) this.cross[k] += G[k];
    this.count += rows;
  }

  /** The statistics of every sample added so far; `E_INPUT` when there are none. */
  result(): SampleStatistics {
    const { d, count } = this;
    if (count === 0 || this.shift === undefined)
      throw new SpecError('E_INPUT', 'statistics of an empty set of samples');
    const delta = this.sum.map((v) => v / count);
    const mean = this.shift.map((v, p) => v + delta[p]);
    const C = new Float64Array(d * d);
    for (let p = 0; p < d; p++) {
      for (let q = p; q < d; q++) {
        const c = this.cross[p * d + q] / count - delta[p] * delta[q];
        C[p * d + q] = c;
        C[q * d + p] = c;
      }
    }
    return { count, mean, covariance: { rows: d, cols: d, data: C } };
  }
}

/** Samples per chunk when the statistics of a matrix are accumulated. */
const CHUNK = 1024;

/** Mean and covariance of the columns of X (d × n). */
export function matrixStatistics(X: Matrix, linalg?: DataLinalg): SampleStatistics {
  const { rows: d, cols: n, data } = X;
  const acc = new StatisticsAccumulator(d, linalg);
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    const rows = Math.min(CHUNK, n - i0);
    const chunk = new Float64Array(rows * d);
    for (let p = 0; p < d; p++) for (let r = 0; r < rows; r++) chunk[r * d + p] = data[p * n + i0 + r];
    acc.add(chunk, rows);
  }
  return acc.result();
}

/**
 * Mean and covariance of every sample of a source (the full split), read chunk by chunk, so 60 000
 * Fashion-MNIST images are never one float64 matrix: the memory is the d × d sums plus one chunk.
 */
export async function tableStatistics(table: SampleTable, linalg?: DataLinalg): Promise<SampleStatistics> {
  const acc = new StatisticsAccumulator(table.d, linalg);
  await table.scan((chunk, rows) => acc.add(chunk, rows));
  return acc.result();
}
