import {
  SpecError,
  assertFitsInMemory,
  availableMemoryBytes,
  defaultThreads,
  isBlockFanInSum,
  registry as defaultRegistry,
  type BlockStep,
  type Registry,
} from '@spec/core';
import type { ArchitectureSpec } from '../architecture/spec.js';
import { blockwiseKernelMatrices, blockwisePlan } from './blockwise-kernels.js';
import { kernelMapFromSpec } from './from-spec.js';
import type { LayerKernelMap } from './layer-map.js';
import { inputSpatialKernel } from './input-record.js';
import { parallelBlockwiseKernels, workerPlugins, type BlockwiseThreads } from './parallel-blockwise.js';
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
  /**
   * Threads for the pair-by-pair route (default: `SPEC_CPU_THREADS`, else the machine's cores, at most 4). Worker threads
   * rebuild the network from the spec, so they are used only with the shared registry whose plugins came from modules
   * (`spec --plugin`), and only for work of at least `minParallelWork`; the result is the same to the last bit.
   */
  readonly threads?: number;
  /**
   * Pair-by-pair work below which one thread is used: sample pairs × Σ over the layers of (input positions)²
   * (default {@link MIN_PARALLEL_WORK}).
   */
  readonly minParallelWork?: number;
  /** Progress of the pair-by-pair route over the n(n + 1)/2 blocks a ≤ b (at most every 0.2 s, and at the end). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Default of {@link ArchitectureKernelOptions.minParallelWork}: ≈ 0.4 s of block maps on one thread here (≈ 20 ns per
 * unit); below it the first worker's start costs what it saves (bench/README.md#why-the-code-is-the-way-it-is).
 */
export const MIN_PARALLEL_WORK = 2e7;

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
  /**
   * `'pair-by-pair'` when every layer had a block map and the record was full (apps/docs/theory/architectures.md#blockwise),
   * else `'record'` (every layer's map on the whole record).
   */
  readonly route: 'pair-by-pair' | 'record';
  /** How the pair-by-pair route shared its rows out over threads; absent on the record route. */
  readonly threads?: BlockwiseThreads;
}

/**
 * The infinite-width NNGP and NTK n × n matrices of a network in the JSON format on a dataset
 * (apps/docs/theory/architectures.md#conventions, #json-format): the input record of X, then every layer's kernel
 * map; the network must end in a one-output dense readout on a non-spatial record (after global_avg_pool, flatten or
 * last, unless the data has no positions). The shapes are checked before any record is allocated. When every layer
 * has block maps for the form (every built-in layer; a plugin's map when it gives them), the kernels are computed pair
 * by pair of samples without a record (apps/docs/theory/architectures.md#blockwise), on several threads for large
 * work; otherwise every layer maps the whole record.
 *
 * @throws SpecError `E_INPUT` naming the 1-based layer for a bad entry, a data rank that does not fit a layer, a
 *   spatial output with no readout, or a map with no closed form; `E_MEMORY` before allocating what would not fit
 *   on the route taken ({@link assertArchitectureKernelsFit})
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
  // A network whose every layer has block maps (of its form) runs pair by pair of samples, with no n²L² (or n²L)
  // record at all.
  const spatial = shape.slice(1, -1);
  const blocks = form === 'full' ? map.blocks?.(spatial) : map.diagonalBlocks?.(spatial);
  assertArchitectureKernelsFit(map, shape[0], spatial, form, options);
  if (blocks !== undefined) {
    const plan = blockwisePlan(data, shape, blocks, form);
    const n = shape[0];
    const threads = Math.max(1, Math.floor(options.threads ?? defaultThreads()));
    const work = ((n * (n - 1)) / 2) * plan.blockCost;
    const plugins = workerPlugins(options.registry ?? defaultRegistry);
    if (threads > 1 && plugins !== null && work >= (options.minParallelWork ?? MIN_PARALLEL_WORK)) {
      const r = parallelBlockwiseKernels(plan, { spec, data, shape, form, plugins }, threads, options.onProgress);
      return { samples: n, nngp: r.kernels.nngp, ntk: r.kernels.ntk, form, route: 'pair-by-pair', threads: r.threads };
    }
    const k = blockwiseKernelMatrices(plan, options.onProgress);
    return {
      samples: n,
      nngp: k.nngp,
      ntk: k.ntk,
      form,
      route: 'pair-by-pair',
      threads: { threads: 1, workerRows: 0 },
    };
  }
  const input = inputSpatialKernel(data, shape, { form, memoryLimitBytes: options.memoryLimitBytes });
  // The input record is ours alone: the first layers may overwrite it.
  const out = map.mapInPlace ? map.mapInPlace(input) : map.map(input);
  return { samples: out.samples, nngp: out.nngp, ntk: out.ntk, form, route: 'record' };
}

/**
 * Throws `E_MEMORY` before anything is allocated when the infinite-width kernels of `samples` inputs of spatial shape
 * `spatial` would not fit: the whole record, n²L² (full) or n²L (diagonal) floats per kernel — checked on the
 * pair-by-pair route too, whose time grows like it —, and on the pair-by-pair route (the map has block maps) the two
 * n × n kernels and, per layer, every sample's input variances and state (an attention matrix at most, L² floats).
 */
export function assertArchitectureKernelsFit(
  map: LayerKernelMap,
  samples: number,
  spatial: ReadonlyArray<number>,
  form: SpatialKernelForm,
  options: RecordMemoryOptions = {},
): void {
  // The record's size is checked on both routes: the pair-by-pair route holds none, but its time grows like it, so an
  // impossible size stops at once instead of running for days (bench/README.md#why-the-code-is-the-way-it-is).
  assertRecordFits(samples, spatial, form, options);
  const blocks = form === 'full' ? map.blocks?.(spatial) : map.diagonalBlocks?.(spatial);
  if (blocks === undefined) return;
  const perSample = (steps: ReadonlyArray<BlockStep>): number =>
    steps.reduce(
      (sum, step) =>
        sum +
        (isBlockFanInSum(step)
          ? step.branches.reduce((b, branch) => b + perSample(branch), 0)
          : step.inputSize + (step.sampleState !== undefined ? step.inputSize * step.inputSize : 0)),
      0,
    );
  const bytes = 8 * samples * (2 * samples + perSample(blocks));
  assertFitsInMemory(
    bytes,
    options.memoryLimitBytes ?? availableMemoryBytes(),
    `the pair-by-pair infinite-width kernels of n = ${samples} samples (two n × n kernels, per-sample variances and states)`,
    'use fewer samples',
  );
}
