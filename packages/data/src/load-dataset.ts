import { type Matrix, type Rng, SpecError, assertFinite, transpose } from '@spec/core';
import { openCifar10 } from './cifar10.js';
import { openCsv } from './csv.js';
import { type DataSpec, formatDataSpec } from './data-spec.js';
import { loadDigits } from './digits.js';
import { gaussianData } from './gaussian.js';
import type { DataLinalg } from './linalg.js';
import { gaussianMixture } from './mixture.js';
import { openFashionMnist, openMnist } from './mnist.js';
import { openNpy } from './npy.js';
import { type PreprocessOptions, checkPreprocess, formatPreprocess, preprocessSamples } from './preprocess.js';
import { type SampleTable, memoryTable } from './sample-table.js';
import { sphereData } from './sphere.js';
import { tableStatistics } from './statistics.js';
import { type SubsetRule, selectSubset } from './subset.js';

/** Default sample count of synthetic data. */
export const DEFAULT_SYNTHETIC_N = 1000;
/** Default input dimension of synthetic data. */
export const DEFAULT_SYNTHETIC_D0 = 800;
/** Default number of classes of the `mixture` source. */
export const DEFAULT_MIXTURE_CLASSES = 2;
/** Real data without an explicit n takes all samples up to this many (kernels are n × n, eigensolvers O(n³)). */
export const DEFAULT_REAL_N_CAP = 2000;

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /**
   * Samples. Synthetic default {@link DEFAULT_SYNTHETIC_N}; real data default: all samples (of `classLabel`,
   * if given), capped at {@link DEFAULT_REAL_N_CAP}. An n larger than the real data set takes all of it and
   * adds a note (see {@link Dataset.notes}); larger than the chosen class is `E_INPUT`.
   */
  readonly n?: number;
  /** Input dimension. Synthetic default {@link DEFAULT_SYNTHETIC_D0}; real data: from the data, and an explicit d0 that disagrees is `E_INPUT`. */
  readonly d0?: number;
  /** Classes of the `mixture` source (default {@link DEFAULT_MIXTURE_CLASSES}); ignored for real data. */
  readonly classes?: number;
  /** Norm of the class means of the `mixture` source (default 1). */
  readonly separation?: number;
  /** Seeded randomness: synthetic data, and the `random` / `balanced` subsets of real data. */
  readonly rng: Rng;
  /** Which real samples (`--subset`, default `'first'`); see {@link selectSubset}. */
  readonly subset?: SubsetRule;
  /** Keep only the real samples of this class (`--class`); needs a labelled source. */
  readonly classLabel?: number;
  /** Preprocessing (`--preprocess`; defaults: centre + normalise for real data, nothing for synthetic). */
  readonly preprocess?: PreprocessOptions;
  /**
   * Eigensolver and Gram product for whitening and deflation (pass a `Backend`); default core's Jacobi
   * solver and a float64 loop, slow for d0 in the hundreds.
   */
  readonly linalg?: DataLinalg;
  /** CSV: label column (index, negative from the end, or header name); default none. */
  readonly labelColumn?: number | string;
  /** CSV: whether the first line is a header (default `'auto'`: when every cell of it is text). */
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
  /** Short name: `gaussian`, `digits`, `fashion-mnist`, `cifar10`, … */
  readonly name: string;
  /** Where it came from: a path, or a description of the generator. */
  readonly source: string;
  /** Number of samples (columns of X). */
  readonly n: number;
  /** Input dimension (rows of X), after preprocessing. */
  readonly d0: number;
  /** Number of classes (distinct labels) among the loaded samples, when labelled. */
  readonly classes?: number;
  /** Real data: the samples' positions in the source (column j is sample `indices[j]`). */
  readonly indices?: Int32Array;
  /** Real data: samples in the whole source (the split). */
  readonly available?: number;
  /** The preprocessing applied, in `--preprocess` form, with `+ unit norm` when normalised. */
  readonly preprocessing: string;
  /** Remarks for the user, one line each (e.g. fewer samples than asked for); a CLI prints them on stderr. */
  readonly notes: string[];
}

/** Opens the table of a real-data source. */
async function openTable(spec: DataSpec, options: LoadDatasetOptions, gray: boolean): Promise<SampleTable> {
  switch (spec.kind) {
    case 'digits': {
      const d = await loadDigits();
      return memoryTable({
        source: 'embedded UCI optical-recognition digits (CC BY 4.0)',
        rows: transpose(d.X).data as Float64Array,
        count: d.X.cols,
        d: d.X.rows,
        labels: d.labels,
      });
    }
    case 'fashion-mnist':
      return openFashionMnist(spec.split, spec.dir);
    case 'cifar10':
      return openCifar10(spec.path, { grayscale: gray });
    case 'mnist':
      return openMnist(spec.path);
    case 'npy':
      return openNpy(spec.path);
    case 'csv':
      return openCsv(spec.path, { labelColumn: options.labelColumn, header: options.header });
    default:
      throw new SpecError('E_INPUT', `not a real-data source: ${spec.kind}`);
  }
}

function distinct(labels: Int32Array): number {
  return new Set(labels).size;
}

/**
 * Loads the data a {@link DataSpec} names, as a d0 × n float64 matrix with samples as columns.
 *
 * - Synthetic (`gaussian`: N(0, 1/d0) entries; `sphere`: uniform on S^{d0−1}; `mixture`: Gaussian
 *   mixture with labels): n default 1000, d0 default 800, drawn from `rng` (so seeded); no
 *   preprocessing unless asked.
 * - Real (`digits`, `fashion-mnist[:train|test][:DIR]`, `cifar10:PATH`, `mnist:PATH`, `npy:PATH`, `csv:PATH`): a subset
 *   of n samples (default all, capped at 2000; `subset` `first` | `random` | `balanced`, optionally of one
 *   `classLabel`), d0 from the data (an explicit d0 that disagrees is `E_INPUT`), then preprocessed (default: centred
 *   with the mean sample) and scaled to unit ℓ2 norm, as the linear-width theory assumes
 *   (apps/docs/theory/fan-wang.md#real-data). `whiten` and `deflate` use the whole split's mean and covariance by
 *   default, accumulated chunk by chunk. `.npy` and CSV files hold one sample per row (n × d) and are transposed. An n
 *   larger than the data takes all of it, with a note in `notes`.
 *
 * Errors: `E_INPUT` for bad options and impossible requests (K > d0, R ≥ d0, a class that is not there, n
 * larger than the class), `E_DATA` (naming the file) for unreadable or invalid data.
 */
export async function loadDataset(spec: DataSpec, options: LoadDatasetOptions): Promise<Dataset> {
  const synthetic = spec.kind === 'gaussian' || spec.kind === 'sphere' || spec.kind === 'mixture';
  const pre = options.preprocess ?? {};
  const gray = pre.grayscale ?? false;
  if (gray && spec.kind !== 'cifar10')
    throw new SpecError('E_INPUT', `grayscale applies to CIFAR-10 colour images, not to ${spec.kind}`);
  const method = pre.method ?? (synthetic ? 'none' : 'center');
  const normalize = pre.normalize ?? !synthetic;
  const label = formatDataSpec(spec);
  if (options.n !== undefined && (!Number.isSafeInteger(options.n) || options.n < 1))
    throw new SpecError('E_INPUT', `--n must be a positive integer, got ${options.n}`);
  const preprocessing = `${formatPreprocess({ method, components: pre.components })}${normalize ? ' + unit norm' : ''}`;

  if (synthetic) {
    if ((options.subset ?? 'first') !== 'first' || options.classLabel !== undefined)
      throw new SpecError(
        'E_INPUT',
        `--subset and --class choose among real samples; ${spec.kind} data is drawn afresh (set --n)`,
      );
    const n = options.n ?? DEFAULT_SYNTHETIC_N;
    const d0 = options.d0 ?? DEFAULT_SYNTHETIC_D0;
    checkPreprocess({ method, components: pre.components }, d0);
    const rng = options.rng.split(`data:${spec.kind}`);
    let raw: { X: Matrix; labels?: Int32Array; classes?: number; source: string };
    if (spec.kind === 'gaussian')
      raw = { X: gaussianData({ n, d0, rng }), source: `synthetic: i.i.d. N(0, 1/${d0}) entries` };
    else if (spec.kind === 'sphere')
      raw = { X: sphereData({ n, d0, rng }), source: `synthetic: uniform on the unit sphere in R^${d0}` };
    else {
      const classes = options.classes ?? DEFAULT_MIXTURE_CLASSES;
      const m = gaussianMixture({ n, d0, classes, separation: options.separation, rng });
      raw = { X: m.X, labels: m.labels, classes, source: `synthetic: ${classes}-class Gaussian mixture in R^${d0}` };
    }
    const X = await preprocessSamples(raw.X, { ...pre, method, normalize }, { linalg: options.linalg, what: label });
    return {
      X,
      ...(raw.labels ? { labels: raw.labels, classes: raw.classes } : {}),
      name: spec.kind,
      source: raw.source,
      n: X.cols,
      d0: X.rows,
      preprocessing,
      notes: [],
    };
  }

  const table = await openTable(spec, options, gray);
  if (options.d0 !== undefined && options.d0 !== table.d) {
    throw new SpecError(
      'E_INPUT',
      `--d0 ${options.d0} disagrees with ${label}, whose samples have d0 = ${table.d}; omit --d0 for real data`,
    );
  }
  checkPreprocess({ method, components: pre.components }, table.d);
  const rule = options.subset ?? 'first';
  const needLabels = rule === 'balanced' || options.classLabel !== undefined;
  const { indices, notes } = selectSubset(table.count, needLabels ? await table.labels() : undefined, {
    rule,
    n: options.n,
    cap: DEFAULT_REAL_N_CAP,
    classLabel: options.classLabel,
    rng: options.rng.split('data:subset'),
    what: label,
  });
  const raw = await table.take(indices);
  assertFinite(raw, label, 'E_DATA');
  const X = await preprocessSamples(
    raw,
    { ...pre, method, normalize },
    {
      linalg: options.linalg,
      what: label,
      splitStatistics: indices.length === table.count ? undefined : () => tableStatistics(table, options.linalg),
    },
  );
  const targets = await table.targets();
  const labels = await table.labelsAt(indices);
  return {
    X,
    ...(labels ? { labels, classes: distinct(labels) } : {}),
    ...(targets ? { targets: Float64Array.from(indices, (i) => targets[i]) } : {}),
    name: spec.kind,
    source: table.source,
    n: X.cols,
    d0: X.rows,
    indices,
    available: table.count,
    preprocessing,
    notes,
  };
}
