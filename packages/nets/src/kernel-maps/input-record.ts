import { SpecError, type SpatialKernel } from '@spec/core';
import { allocateRecord, spatialSize, type RecordMemoryOptions, type SpatialKernelForm } from './record.js';

/** Options of {@link inputSpatialKernel}. */
export interface InputSpatialKernelOptions extends RecordMemoryOptions {
  /** Record layout (default `'diagonal'`; use `'full'` when a layer reads pairs of different positions). */
  readonly form?: SpatialKernelForm;
}

/**
 * The record of the (untrained) input layer from data X of shape (n, spatial…, C), row-major
 * (apps/docs/theory/architectures.md#conventions): `K⁰[a,p,b,q] = ⟨x_a(p), x_b(q)⟩ / C` (a channel mean, no other
 * normalisation), `Θ⁰ = 0`, `m⁰[a,p] = mean_c x_a(p)_c`, not Gaussian (raw data).
 *
 * @throws SpecError `E_SHAPE` when `data.length` is not the product of `shape`; `E_INPUT` for a shape without samples
 *   and channels or non-finite data; `E_MEMORY` (before allocating) when the record would not fit
 */
export function inputSpatialKernel(
  data: Float64Array,
  shape: ReadonlyArray<number>,
  options: InputSpatialKernelOptions = {},
): SpatialKernel {
  checkInputData(data, shape);
  const n = shape[0];
  const C = shape[shape.length - 1];
  const spatial = shape.slice(1, -1);
  const L = spatialSize(spatial);
  const form = options.form ?? 'diagonal';
  const out = allocateRecord({ samples: n, spatial, form, gaussian: false, withMean: true, memory: options });
  const mean = out.mean!;
  for (let r = 0; r < n * L; r++) mean[r] = rowChannelMean(data, C, r);
  const dot = (r1: number, r2: number): number => rowProduct(data, C, r1, r2);
  if (form === 'full') {
    // The full layout is the (nL) × (nL) Gram matrix of the rows x_a(p), row a·L + p: fill one triangle, mirror it.
    const rows = n * L;
    for (let r1 = 0; r1 < rows; r1++) {
      for (let r2 = r1; r2 < rows; r2++) {
        const v = dot(r1, r2);
        out.nngp[r1 * rows + r2] = v;
        out.nngp[r2 * rows + r1] = v;
      }
    }
  } else {
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        for (let p = 0; p < L; p++) out.nngp[(a * n + b) * L + p] = dot(a * L + p, b * L + p);
      }
    }
  }
  return out;
}

/** `mean_c x_r(c)` of row r (sample·L + position) of data with C channels, summed in order: the input record's m⁰. */
export function rowChannelMean(data: Float64Array, C: number, r: number): number {
  let s = 0;
  for (let c = 0; c < C; c++) s += data[r * C + c];
  return s / C;
}

/** `⟨x_r1, x_r2⟩ / C` of two rows (sample·L + position) of data with C channels. */
function rowProduct(data: Float64Array, C: number, r1: number, r2: number): number {
  let s = 0;
  for (let c = 0; c < C; c++) s += data[r1 * C + c] * data[r2 * C + c];
  return s / C;
}

/**
 * Block (a, b) of the input record (apps/docs/theory/architectures.md#blockwise), the same numbers as
 * {@link inputSpatialKernel}: of the full form `nngp[p·L + q] = K⁰[a,p,b,q]`, of the diagonal form `nngp[p] =
 * K⁰[a,p,b,p]`; `ntk` = 0.
 */
export function inputRecordBlock(
  data: Float64Array,
  shape: ReadonlyArray<number>,
  pair: { readonly a: number; readonly b: number },
  out: { readonly nngp: Float64Array; readonly ntk: Float64Array },
  form: SpatialKernelForm = 'full',
): void {
  const C = shape[shape.length - 1];
  const L = spatialSize(shape.slice(1, -1));
  const { a, b } = pair;
  if (form === 'diagonal') {
    for (let p = 0; p < L; p++) out.nngp[p] = rowProduct(data, C, a * L + p, b * L + p);
    out.ntk.fill(0, 0, L);
    return;
  }
  for (let p = 0; p < L; p++) {
    for (let q = 0; q < L; q++) out.nngp[p * L + q] = rowProduct(data, C, a * L + p, b * L + q);
  }
  out.ntk.fill(0, 0, L * L);
}

/**
 * Checks data X of shape (n, spatial…, C) for the input record (apps/docs/theory/architectures.md#conventions).
 *
 * @throws SpecError `E_SHAPE` when `data.length` is not the product of `shape`; `E_INPUT` for a shape without samples
 *   and channels or non-finite data
 */
export function checkInputData(data: Float64Array, shape: ReadonlyArray<number>): void {
  if (shape.length < 2 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new SpecError(
      'E_INPUT',
      `input data: shape must be (n, spatial…, C) with positive integer sizes, got [${shape.join(', ')}]`,
    );
  }
  if (data.length !== spatialSize(shape)) {
    throw new SpecError(
      'E_SHAPE',
      `input data: ${data.length} numbers do not fill the shape [${shape.join(', ')}] (${spatialSize(shape)} numbers)`,
    );
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new SpecError('E_INPUT', `input data: entry ${i} is ${data[i]}; the kernel needs finite numbers`);
    }
  }
}
