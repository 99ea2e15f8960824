import { SpecError, type Registry } from '@spec/core';
import type { ArchitectureSpec } from '../architecture/spec.js';
import { blockwiseKernelMatrices } from './blockwise-kernels.js';
import { kernelMapFromSpec } from './from-spec.js';
import { inputSpatialKernel } from './input-record.js';
import { assertRecordFits, type RecordMemoryOptions, type SpatialKernelForm } from './record.js';

/** Options of {@link architectureKernelMatrices}. */
export interface ArchitectureKernelOptions extends RecordMemoryOptions {
  /** The network, in the JSON format (apps/docs/theory/architectures.md#json-format). */
  readonly spec: ArchitectureSpec;
  /** Data X, row-major. */
  readonly data: Float64Array;
  /** Shape of X: (n, spatial…, C) — (n, C) for vectors, (n, T, C) for sequences, (n, H, W, C) for images. */
  readonly shape: ReadonlyArray<number>;
  /**
   * Record layout: `'auto'` (default) takes the diagonal record unless some layer reads pairs of different positions
   * (pooling, global pooling, attention, RNN), which need the full one.
   */
  readonly form?: SpatialKernelForm | 'auto';
  /** Where activations and plugin kernel maps are looked up (default: the shared registry). */
  readonly registry?: Registry;
}

/** The infinite-width kernels of a network's scalar output on a dataset. */
export interface ArchitectureKernelMatrices {
  /** n. */
  readonly samples: number;
  /** NNGP(a, b), n × n row-major. */
  readonly nngp: Float64Array;
  /** NTK(a, b), n × n row-major. */
  readonly ntk: Float64Array;
  /** The record layout used for the spatial layers. */
  readonly form: SpatialKernelForm;
}

/**
 * The infinite-width NNGP and NTK n × n matrices of a network in the JSON format on a dataset
 * (apps/docs/theory/architectures.md#conventions, #json-format): the input record of X, then every layer's kernel
 * map; the network must end in a one-output dense readout on a non-spatial record (after global_avg_pool, flatten or
 * last, unless the data has no positions). The shapes are checked before any record is allocated. With the full form
 * and a network of block maps only (dense, conv, activations, pooling, global_avg_pool), the kernels are computed pair
 * by pair of samples without a full record (apps/docs/theory/architectures.md#blockwise).
 *
 * @throws SpecError `E_INPUT` naming the 1-based layer for a bad entry, a data rank that does not fit a layer, a
 *   spatial output with no readout, or a map with no closed form; `E_MEMORY` before allocating a record that would
 *   not fit (also on the pair-by-pair route, which allocates none, so that both routes accept the same inputs)
 */
export function architectureKernelMatrices(options: ArchitectureKernelOptions): ArchitectureKernelMatrices {
  const { spec, data, shape } = options;
  const map = kernelMapFromSpec(spec, { registry: options.registry });
  const last = spec[spec.length - 1] as { readonly layer?: unknown };
  if (last.layer !== 'dense') {
    throw new SpecError(
      'E_INPUT',
      `layer ${spec.length} (${String(last.layer)}): the network must end in a one-output dense readout, e.g. {"layer": "dense"}`,
    );
  }
  if (shape.length < 2) {
    throw new SpecError('E_INPUT', `input data: shape must be (n, spatial…, C), got [${shape.join(', ')}]`);
  }
  const outSpatial = map.outputSpatial(shape.slice(1, -1));
  if (outSpatial.length > 0) {
    throw new SpecError(
      'E_INPUT',
      `layer ${spec.length} (dense): the readout gets a spatial record of shape [${outSpatial.join(', ')}]; end the spatial part with global_avg_pool, flatten or last before the readout`,
    );
  }
  const requested = options.form ?? 'auto';
  if (requested === 'diagonal' && map.needsFullSpatial) {
    throw new SpecError(
      'E_INPUT',
      'architecture: the diagonal record cannot be used, because a layer (pooling, global_avg_pool, attention or rnn) reads pairs of different positions; use form "full" or "auto"',
    );
  }
  const form: SpatialKernelForm = requested === 'auto' ? (map.needsFullSpatial ? 'full' : 'diagonal') : requested;
  // A full record whose every layer is a block map runs pair by pair of samples, with no n²L² record at all. The
  // record's size is still checked first, so both routes accept the same inputs (and an impossible size, which would
  // also take impossibly long pair by pair, stops at once).
  const blocks = form === 'full' ? map.blocks?.(shape.slice(1, -1)) : undefined;
  if (blocks !== undefined) {
    assertRecordFits(shape[0], shape.slice(1, -1), form, { memoryLimitBytes: options.memoryLimitBytes });
    const k = blockwiseKernelMatrices(data, shape, blocks);
    return { samples: shape[0], nngp: k.nngp, ntk: k.ntk, form };
  }
  const input = inputSpatialKernel(data, shape, { form, memoryLimitBytes: options.memoryLimitBytes });
  // The input record is ours alone: the first layers may overwrite it.
  const out = map.mapInPlace ? map.mapInPlace(input) : map.map(input);
  return { samples: out.samples, nngp: out.nngp, ntk: out.ntk, form };
}
