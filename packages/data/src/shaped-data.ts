import { SpecError, transpose, type Rng } from '@spec/core';
import type { DataSpec } from './data-spec.js';
import { formatDataSpec } from './data-spec.js';
import { DIGITS_SAMPLES, loadDigits } from './digits.js';
import { readNpy, readNpyShape } from './npy.js';
import { checkSizes } from './synthetic-check.js';

/**
 * Samples with their shape (n, spatial…, C), row-major — one sample after another, channels last — as the
 * infinite-width kernels of architectures read them (apps/docs/theory/architectures.md#conventions). Unlike
 * {@link Dataset} the samples are rows and nothing is centred or normalised.
 */
export interface ShapedData {
  /** The values, row-major in `shape`. */
  readonly data: Float64Array;
  /** (n, spatial…, C): (n, d) for vectors, (n, T, C) for sequences, (n, H, W, C) for images. */
  readonly shape: number[];
  /** Short name: `npy`, `digits`, `gaussian`. */
  readonly name: string;
  /** Where it came from: a path, or a description of the generator. */
  readonly source: string;
  /** Remarks for the user, one line each (e.g. fewer samples than the file holds). */
  readonly notes: string[];
}

/** Options of {@link loadShapedData}. */
export interface LoadShapedDataOptions {
  /** Samples: the number drawn for synthetic data, the first ones of a file (at most what it holds). */
  readonly n: number;
  /**
   * The shape of one sample (spatial…, C). Synthetic data is drawn with it; the samples of a file or of the digits are
   * reshaped to it (row-major, so its product must be the sample's size: `[8, 8]` reads a digit as 8 rows of 8).
   */
  readonly sampleShape?: ReadonlyArray<number>;
  /** Synthetic data without `sampleShape`: vectors of this dimension (default 50). */
  readonly d0?: number;
  /** Without `sampleShape`: present each sample as one vector, shape (n, size) (digits as (n, 64), not (n, 8, 8, 1)). */
  readonly flatten?: boolean;
  /** Seeded randomness for synthetic data. */
  readonly rng: Rng;
}

/** Default dimension of shaped synthetic vectors (the `--d0` default of `spec infinite`). */
export const DEFAULT_SHAPED_D0 = 50;

/** The sources {@link loadShapedData} reads. */
export const SHAPED_DATA_KINDS = ['npy:PATH', 'digits', 'gaussian'] as const;

function product(shape: ReadonlyArray<number>): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkSampleShape(shape: ReadonlyArray<number>): void {
  if (shape.length === 0 || !shape.every((s) => Number.isSafeInteger(s) && s >= 1)) {
    throw new SpecError(
      'E_INPUT',
      `sample shape must be a list of positive integers (spatial…, C), e.g. 8,8,3; got [${shape.join(', ')}]`,
    );
  }
}

/**
 * Loads samples with their shape for the kernels of architectures (apps/docs/theory/architectures.md#json-format):
 *
 * - `npy:PATH` — an array of any rank ≥ 2, (n, spatial…, C), kept as it is (the first `n` samples);
 * - `digits` — the embedded 8 × 8 digits as images (n, 8, 8, 1), pixel values / 16 in [0, 1], or (n, 64) with
 *   `flatten`;
 * - `gaussian` — i.i.d. N(0, 1) entries of shape (n, …`sampleShape`), or (n, `d0`): the input record
 *   ⟨x_a(p), x_b(p)⟩ / C is then about 1 on the diagonal whatever the shape.
 *
 * `sampleShape` reshapes each sample of a file or of the digits (same size). Nothing is centred or normalised.
 *
 * @throws SpecError `E_INPUT` for another source, a bad `sampleShape` or one of the wrong size; `E_DATA` for a file
 *   that is not an array of rank ≥ 2 (or is unreadable)
 */
export async function loadShapedData(spec: DataSpec, options: LoadShapedDataOptions): Promise<ShapedData> {
  const { n } = options;
  if (!Number.isSafeInteger(n) || n < 1) throw new SpecError('E_INPUT', `--n must be a positive integer, got ${n}`);
  if (options.sampleShape !== undefined) checkSampleShape(options.sampleShape);
  const label = formatDataSpec(spec);
  const notes: string[] = [];
  let data: Float64Array;
  let shape: number[];
  let source: string;
  switch (spec.kind) {
    case 'gaussian': {
      const sample = options.sampleShape ?? [options.d0 ?? DEFAULT_SHAPED_D0];
      checkSizes({ n, d0: product(sample) });
      shape = [n, ...sample];
      data = new Float64Array(product(shape));
      options.rng.split('data:gaussian').fillNormal(data);
      return {
        data,
        shape,
        name: 'gaussian',
        source: `synthetic: i.i.d. N(0, 1) entries of shape [${shape.join(', ')}]`,
        notes,
      };
    }
    case 'digits': {
      const take = Math.min(n, DIGITS_SAMPLES);
      if (take < n) notes.push(`digits has ${DIGITS_SAMPLES} samples; using all of them, not ${n}`);
      const d = await loadDigits({ n: take });
      data = transpose(d.X).data as Float64Array; // samples as rows: each is its 8 × 8 image, row-major
      shape = [take, 8, 8, 1];
      source = 'embedded UCI optical-recognition digits (CC BY 4.0), pixels / 16';
      break;
    }
    case 'npy': {
      const fileShape = await readNpyShape(spec.path);
      if (fileShape.length < 2) {
        throw new SpecError(
          'E_DATA',
          `${spec.path}: expected an array of shape (n, spatial…, C) with rank ≥ 2, got shape [${fileShape.join(', ')}]`,
        );
      }
      const take = Math.min(n, fileShape[0]);
      if (take < fileShape[0]) notes.push(`${spec.path}: using the first ${take} of its ${fileShape[0]} samples (--n)`);
      const a = await readNpy(spec.path, { rows: take });
      data = a.data;
      shape = a.shape;
      source = spec.path;
      break;
    }
    default:
      throw new SpecError(
        'E_INPUT',
        `--data ${label}: kernels of architectures read ${SHAPED_DATA_KINDS.join(', ')}; save other data as a .npy array of shape (n, spatial…, C)`,
      );
  }
  const size = product(shape.slice(1));
  if (options.sampleShape !== undefined) {
    if (product(options.sampleShape) !== size) {
      throw new SpecError(
        'E_INPUT',
        `--shape ${options.sampleShape.join(',')} has ${product(options.sampleShape)} entries per sample, but the samples of ${label} (shape [${shape.slice(1).join(', ')}]) have ${size}`,
      );
    }
    shape = [shape[0], ...options.sampleShape];
  } else if (options.flatten === true) {
    shape = [shape[0], size];
  }
  return { data, shape, name: spec.kind, source, notes };
}
