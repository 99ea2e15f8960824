import { join } from 'node:path';
import { access } from 'node:fs/promises';
import { type Eigen, type Matrix, type Rng, SpecError, assertFinite } from '@spec/core';
import { centerSamples } from './center.js';
import { readCifar10 } from './cifar10.js';
import { readCsv } from './csv.js';
import type { DataSpec } from './data-spec.js';
import { loadDigits } from './digits.js';
import { statPath } from './file-access.js';
import { gaussianData } from './gaussian.js';
import { readIdx, readIdxLabels, readIdxShape } from './idx.js';
import { gaussianMixture } from './mixture.js';
import { normalizeSamples } from './normalize.js';
import { readNpy } from './npy.js';
import { pcaWhiten } from './pca-whiten.js';
import { sphereData } from './sphere.js';

/** Default sample count of synthetic data. */
export const DEFAULT_SYNTHETIC_N = 1000;
/** Default input dimension of synthetic data. */
export const DEFAULT_SYNTHETIC_D0 = 800;
/** Default number of classes of the `mixture` source. */
export const DEFAULT_MIXTURE_CLASSES = 2;
/** Real data without an explicit n takes all samples up to this many (kernels are n × n, eigensolvers O(n³)). */
export const DEFAULT_REAL_N_CAP = 2000;

/** Preprocessing steps, applied in this order: grayscale, centre, PCA-whiten, normalise (MATH.md §2.2, §2.7). */
export interface PreprocessOptions {
  /** Subtract the mean sample (default: true for real data, false for synthetic). */
  readonly center?: boolean;
  /** Scale every sample to unit ℓ2 norm (default: true for real data, false for synthetic). */
  readonly normalize?: boolean;
  /** Convert CIFAR-10 RGB to grayscale, 3072 → 1024 features (default false; CIFAR-10 only). */
  readonly grayscale?: boolean;
  /** PCA-whiten after centring (default false); an object chooses the number of components. */
  readonly whiten?: boolean | { readonly components?: number };
  /** Eigensolver for whitening (e.g. a backend's `eigh`); default a Jacobi solver for min(d, n) ≲ a few hundred. */
  readonly eigh?: (S: Matrix) => Eigen;
}

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /**
   * Samples. Synthetic default {@link DEFAULT_SYNTHETIC_N}; real data default: all samples, capped at
   * {@link DEFAULT_REAL_N_CAP}. Real data takes the first n samples (an explicit n larger than the
   * data is `E_DATA`).
   */
  readonly n?: number;
  /** Input dimension. Synthetic default {@link DEFAULT_SYNTHETIC_D0}; real data: from the data, and an explicit d0 that disagrees is `E_INPUT`. */
  readonly d0?: number;
  /** Classes of the `mixture` source (default {@link DEFAULT_MIXTURE_CLASSES}); ignored for real data. */
  readonly classes?: number;
  /** Norm of the class means of the `mixture` source (default 1). */
  readonly separation?: number;
  /** Seeded randomness for synthetic data. */
  readonly rng: Rng;
  /** Preprocessing (defaults: centre + normalise for real data, nothing for synthetic). */
  readonly preprocess?: PreprocessOptions;
  /** CSV: label column (index, negative from the end, or header name); default none. */
  readonly labelColumn?: number | string;
  /** CSV: whether the first line is a header (default `'auto'`). */
  readonly header?: boolean | 'auto';
}

/** A data set ready for kernels: samples as columns. */
export interface Dataset {
  /** d0 × n, samples as columns, float64. */
  readonly X: Matrix;
  /** Integer class labels, when the source has them. */
  readonly labels?: Int32Array;
  /** Real-valued targets (a CSV label column with non-integer values). */
  readonly targets?: Float64Array;
  /** Short name: `gaussian`, `digits`, `cifar10`, … */
  readonly name: string;
  /** Where it came from: a path, or a description of the generator. */
  readonly source: string;
  /** Number of samples (columns of X). */
  readonly n: number;
  /** Input dimension (rows of X), after preprocessing. */
  readonly d0: number;
  /** Number of classes (distinct labels), when labelled. */
  readonly classes?: number;
}

interface Raw {
  X: Matrix;
  labels?: Int32Array;
  targets?: Float64Array;
  source: string;
  classes?: number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Finds the images (and labels, if present) of an MNIST-style IDX directory or images file. */
async function mnistFiles(path: string): Promise<{ images: string; labels?: string }> {
  const { isDirectory } = await statPath(path, 'MNIST');
  if (!isDirectory) {
    const guess = path.replace('images', 'labels').replace('idx3', 'idx1');
    return guess !== path && (await exists(guess)) ? { images: path, labels: guess } : { images: path };
  }
  for (const prefix of ['train', 't10k']) {
    for (const sep of ['-', '.']) {
      for (const gz of ['', '.gz']) {
        const images = join(path, `${prefix}-images${sep}idx3-ubyte${gz}`);
        if (await exists(images)) {
          const labels = join(path, `${prefix}-labels${sep}idx1-ubyte${gz}`);
          return (await exists(labels)) ? { images, labels } : { images };
        }
      }
    }
  }
  throw new SpecError(
    'E_DATA',
    `MNIST: directory ${path} holds no train-images-idx3-ubyte[.gz] or t10k-images-idx3-ubyte[.gz]`,
  );
}

function countClasses(labels: Int32Array): number {
  return new Set(labels).size;
}

async function loadReal(spec: DataSpec, options: LoadDatasetOptions, gray: boolean): Promise<Raw> {
  const explicitN = options.n;
  const cap = (available: number): number => explicitN ?? Math.min(available, DEFAULT_REAL_N_CAP);
  switch (spec.kind) {
    case 'digits': {
      const d = await loadDigits({ n: cap(1797) });
      return { X: d.X, labels: d.labels, source: 'embedded UCI optical-recognition digits (CC BY 4.0)', classes: 10 };
    }
    case 'cifar10': {
      const probe = explicitN === undefined ? await readCifar10(spec.path, { n: 1 }) : undefined;
      const c = await readCifar10(spec.path, { n: probe ? cap(probe.available) : explicitN, grayscale: gray });
      return { X: c.X, labels: c.labels, source: spec.path, classes: 10 };
    }
    case 'mnist': {
      const files = await mnistFiles(spec.path);
      const n = explicitN ?? cap((await readIdxShape(files.images))[0]);
      const img = await readIdx(files.images, { n });
      const labels = files.labels ? await readIdxLabels(files.labels, { n }) : undefined;
      return { X: img.X, ...(labels ? { labels, classes: 10 } : {}), source: files.images };
    }
    case 'npy': {
      const rows = explicitN;
      const a = await readNpy(spec.path, rows === undefined ? {} : { rows });
      if (a.shape.length !== 2) {
        throw new SpecError(
          'E_DATA',
          `${spec.path}: expected a 2-D array of n samples × d features, got shape [${a.fileShape.join(', ')}]`,
        );
      }
      const n = rows ?? Math.min(a.shape[0], DEFAULT_REAL_N_CAP);
      const d = a.shape[1];
      const X = new Float64Array(d * n);
      for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) X[p * n + i] = a.data[i * d + p];
      return { X: { rows: d, cols: n, data: X }, source: spec.path };
    }
    case 'csv': {
      const c = await readCsv(spec.path, { n: explicitN, labelColumn: options.labelColumn, header: options.header });
      let X = c.X;
      let y = c.labels;
      const n = cap(X.cols);
      if (n < X.cols) {
        const data = new Float64Array(X.rows * n);
        for (let p = 0; p < X.rows; p++) data.set(X.data.subarray(p * X.cols, p * X.cols + n), p * n);
        X = { rows: X.rows, cols: n, data };
        y = y?.slice(0, n);
      }
      if (y === undefined) return { X, source: spec.path };
      if (y.every((v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31)) {
        const labels = Int32Array.from(y);
        return { X, labels, classes: countClasses(labels), source: spec.path };
      }
      return { X, targets: y, source: spec.path };
    }
    default:
      throw new SpecError('E_INPUT', `not a real-data source: ${spec.kind}`);
  }
}

/**
 * Loads the data a {@link DataSpec} names, as a d0 × n float64 matrix with samples as columns.
 *
 * - Synthetic (`gaussian`: N(0, 1/d0) entries; `sphere`: uniform on S^{d0−1}; `mixture`: Gaussian
 *   mixture with labels): n default 1000, d0 default 800, drawn from `rng` (so seeded); no
 *   preprocessing unless asked.
 * - Real (`digits`, `cifar10:PATH`, `mnist:PATH`, `npy:PATH`, `csv:PATH`): the first n samples (default
 *   all, capped at 2000), d0 from the data (an explicit d0 that disagrees is `E_INPUT`), centred with the
 *   mean sample and scaled to unit ℓ2 norm by default, as the linear-width theory assumes (MATH.md §2.2, §2.7).
 *   `.npy` and CSV files hold one sample per row (n × d) and are transposed.
 *
 * Errors: `E_INPUT` for bad options, `E_DATA` (naming the file) for unreadable or invalid data.
 */
export async function loadDataset(spec: DataSpec, options: LoadDatasetOptions): Promise<Dataset> {
  const synthetic = spec.kind === 'gaussian' || spec.kind === 'sphere' || spec.kind === 'mixture';
  const pre = options.preprocess ?? {};
  const gray = pre.grayscale ?? false;
  if (gray && spec.kind !== 'cifar10')
    throw new SpecError('E_INPUT', `grayscale applies to CIFAR-10 colour images, not to ${spec.kind}`);
  let raw: Raw;
  if (synthetic) {
    const n = options.n ?? DEFAULT_SYNTHETIC_N;
    const d0 = options.d0 ?? DEFAULT_SYNTHETIC_D0;
    const rng = options.rng.split(`data:${spec.kind}`);
    if (spec.kind === 'gaussian')
      raw = { X: gaussianData({ n, d0, rng }), source: `synthetic: i.i.d. N(0, 1/${d0}) entries` };
    else if (spec.kind === 'sphere')
      raw = { X: sphereData({ n, d0, rng }), source: `synthetic: uniform on the unit sphere in R^${d0}` };
    else {
      const classes = options.classes ?? DEFAULT_MIXTURE_CLASSES;
      const m = gaussianMixture({ n, d0, classes, separation: options.separation, rng });
      raw = { X: m.X, labels: m.labels, classes, source: `synthetic: ${classes}-class Gaussian mixture in R^${d0}` };
    }
  } else {
    if (options.n !== undefined && (!Number.isSafeInteger(options.n) || options.n < 1)) {
      throw new SpecError('E_INPUT', `n must be a positive integer, got ${options.n}`);
    }
    raw = await loadReal(spec, options, gray);
  }
  const label = 'path' in spec ? `${spec.kind} ${spec.path}` : spec.kind;
  assertFinite(raw.X, label, 'E_DATA');
  let X = raw.X;
  if (pre.center ?? !synthetic) X = centerSamples(X);
  if (pre.whiten) {
    const components = typeof pre.whiten === 'object' ? pre.whiten.components : undefined;
    X = pcaWhiten(X, { components, eigh: pre.eigh });
  }
  if (pre.normalize ?? !synthetic) X = normalizeSamples(X, label);
  if (!synthetic && options.d0 !== undefined && options.d0 !== X.rows) {
    throw new SpecError(
      'E_INPUT',
      `--d0 ${options.d0} disagrees with ${label}, whose samples have d0 = ${X.rows}; omit --d0 for real data`,
    );
  }
  return {
    X,
    ...(raw.labels ? { labels: raw.labels } : {}),
    ...(raw.targets ? { targets: raw.targets } : {}),
    ...(raw.classes !== undefined ? { classes: raw.classes } : {}),
    name: spec.kind,
    source: raw.source,
    n: X.cols,
    d0: X.rows,
  };
}
