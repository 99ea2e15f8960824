import { fileURLToPath } from 'node:url';
import type { Matrix } from '@spec/core';
import { readCsv } from './csv.js';

/** Samples in the embedded digits dataset. */
export const DIGITS_SAMPLES = 1797;
/** Features (8 × 8 pixels) per digit. */
export const DIGITS_FEATURES = 64;

/**
 * Path of the embedded `digits.csv.gz` (64 pixel columns 0..16, then the label; no header). A function,
 * not a constant, so importing the package in a browser bundle (where there is no file path) is safe.
 */
export function digitsPath(): string {
  return fileURLToPath(new URL('../assets/digits.csv.gz', import.meta.url));
}

/** The embedded digits, as samples-as-columns. */
export interface DigitsData {
  /** 64 × n, pixel counts / 16 in [0, 1]; column i is digit i (8 × 8 row-major). */
  readonly X: Matrix;
  /** Digit 0..9 of each sample. */
  readonly labels: Int32Array;
}

/**
 * The UCI optical-recognition handwritten digits (Alpaydin & Kaynak 1998, CC BY 4.0; the copy shipped
 * with scikit-learn): 1797 images of 8 × 8 pixels, 10 classes, embedded so everything runs offline on
 * real data. Returns the first `n` samples (default all 1797).
 */
export async function loadDigits(options: { readonly n?: number } = {}): Promise<DigitsData> {
  const csv = await readCsv(digitsPath(), { header: false, labelColumn: -1, n: options.n });
  const X = csv.X.data as Float64Array;
  for (let k = 0; k < X.length; k++) X[k] /= 16;
  return { X: csv.X, labels: Int32Array.from(csv.labels!) };
}
