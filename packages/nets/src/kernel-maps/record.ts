import { SpecError, assertFitsInMemory, availableMemoryBytes, type SpatialKernel } from '@spec/core';

/** Which layout a {@link SpatialKernel} uses: all position pairs, or equal positions only. */
export type SpatialKernelForm = SpatialKernel['form'];

/** L = product of the spatial shape (1 for no positions) (apps/docs/theory/architectures.md#kernel-record). */
export function spatialSize(spatial: ReadonlyArray<number>): number {
  let size = 1;
  for (const s of spatial) size *= s;
  return size;
}

/** Number of float64 entries of one of `nngp` / `ntk`: n²L² (full) or n²L (diagonal). */
export function recordEntries(samples: number, spatial: ReadonlyArray<number>, form: SpatialKernelForm): number {
  const L = spatialSize(spatial);
  return samples * samples * (form === 'full' ? L * L : L);
}

/** Options of {@link allocateRecord} and of everything that creates records. */
export interface RecordMemoryOptions {
  /** Bytes a record may take (default: 80% of the machine's memory, `availableMemoryBytes()` of `@spec/core`). */
  readonly memoryLimitBytes?: number;
}

/**
 * Throws `E_MEMORY` before anything is allocated when the `nngp` and `ntk` arrays of a record of this size would not
 * fit (apps/docs/theory/architectures.md#kernel-record: a full record holds n²L² floats per array).
 */
export function assertRecordFits(
  samples: number,
  spatial: ReadonlyArray<number>,
  form: SpatialKernelForm,
  options: RecordMemoryOptions = {},
): void {
  const entries = recordEntries(samples, spatial, form);
  const L = spatialSize(spatial);
  const what =
    form === 'full'
      ? `a full spatial kernel record for n = ${samples} samples and L = ${L} positions (n²L² = ${entries.toExponential(2)} floats per kernel, ${(
          (2 * entries * 8) /
          1e9
        ).toPrecision(3)} GB for NNGP and NTK)`
      : `a diagonal spatial kernel record for n = ${samples} samples and L = ${L} positions (n²L = ${entries.toExponential(2)} floats per kernel)`;
  const advice =
    form === 'full'
      ? 'use the diagonal form (a network without pooling, attention or RNN layers, e.g. ending in flatten) or fewer samples'
      : 'use fewer samples';
  assertFitsInMemory(2 * entries * 8, options.memoryLimitBytes ?? availableMemoryBytes(), what, advice);
}

/** A record under construction: the same fields as {@link SpatialKernel}, with writable arrays. */
export interface MutableSpatialKernel extends SpatialKernel {
  readonly nngp: Float64Array;
  readonly ntk: Float64Array;
  readonly mean: Float64Array | null;
}

/**
 * Zeroed `nngp`/`ntk` (and `mean` when `withMean`) for a record of this size, after {@link assertRecordFits}.
 */
export function allocateRecord(init: {
  readonly samples: number;
  readonly spatial: ReadonlyArray<number>;
  readonly form: SpatialKernelForm;
  readonly gaussian: boolean;
  readonly withMean: boolean;
  readonly memory?: RecordMemoryOptions;
}): MutableSpatialKernel {
  assertRecordFits(init.samples, init.spatial, init.form, init.memory);
  const entries = recordEntries(init.samples, init.spatial, init.form);
  return {
    samples: init.samples,
    spatial: [...init.spatial],
    form: init.form,
    nngp: new Float64Array(entries),
    ntk: new Float64Array(entries),
    mean: init.withMean ? new Float64Array(init.samples * spatialSize(init.spatial)) : null,
    gaussian: init.gaussian,
  };
}

/**
 * K[a, p, a, p] for every (a, p), index a·L + p: the per-entry variances every nonlinear map reads, from either form.
 */
export function selfVariances(record: SpatialKernel, which: 'nngp' | 'ntk' = 'nngp'): Float64Array {
  const n = record.samples;
  const L = spatialSize(record.spatial);
  const src = record[which];
  const out = new Float64Array(n * L);
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < L; p++) {
      out[a * L + p] = record.form === 'full' ? src[((a * L + p) * n + a) * L + p] : src[(a * n + a) * L + p];
    }
  }
  return out;
}

/**
 * The diagonal form of a full record: K[a, b, p] = K[a, p, b, p] (apps/docs/theory/architectures.md#kernel-record).
 * A diagonal record is returned as it is.
 */
export function toDiagonalRecord(record: SpatialKernel): SpatialKernel {
  if (record.form === 'diagonal') return record;
  const n = record.samples;
  const L = spatialSize(record.spatial);
  const nngp = new Float64Array(n * n * L);
  const ntk = new Float64Array(n * n * L);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      for (let p = 0; p < L; p++) {
        const src = ((a * L + p) * n + b) * L + p;
        nngp[(a * n + b) * L + p] = record.nngp[src];
        ntk[(a * n + b) * L + p] = record.ntk[src];
      }
    }
  }
  return { ...record, form: 'diagonal', nngp, ntk };
}

/** Throws `E_INPUT` unless `record` is full: for maps that read pairs of different positions. */
export function requireFullForm(record: SpatialKernel, layer: string): void {
  if (record.form !== 'full' && spatialSize(record.spatial) > 1) {
    throw new SpecError(
      'E_INPUT',
      `${layer}: needs the full spatial kernel record (it reads pairs of different positions), got the diagonal form; build the input record with form 'full'`,
    );
  }
}

/** Throws `E_INPUT` when `record` has positions: for readout layers that need a non-spatial record. */
export function requireSpatialRank(record: SpatialKernel, rank: number, layer: string): void {
  if (record.spatial.length !== rank) {
    throw new SpecError(
      'E_INPUT',
      `${layer}: expects a record with ${rank} spatial axes, got shape [${record.spatial.join(', ')}]`,
    );
  }
}
