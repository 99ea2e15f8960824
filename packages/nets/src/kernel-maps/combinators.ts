import { SpecError, type SpatialKernel, type BlockStep, type RecordBlock } from '@spec/core';
import type { BranchLinearity, LayerKernelMap } from './layer-map.js';

/** The identity layer: the record unchanged (apps/docs/theory/architectures.md#residual-branches). */
export function identityKernelMap(): LayerKernelMap {
  return {
    label: 'identity',
    linearity: 'linear',
    needsFullSpatial: false,
    outputSpatial: (spatial) => spatial,
    map: (input) => input,
    blocks: () => [],
    diagonalBlocks: () => [],
  };
}

/** Whether a chain of layers ends in a fresh linear layer, is a fixed linear map, or neither. */
function chainLinearity(maps: ReadonlyArray<LayerKernelMap>): BranchLinearity {
  let state: BranchLinearity = 'linear';
  for (const m of maps) {
    if (m.linearity === 'fresh') state = 'fresh';
    else if (m.linearity === 'other') state = 'other';
  }
  return state;
}

/**
 * Layers in sequence, input to output (neural-tangents' `serial`): the composed map reads the full record when any
 * layer does (apps/docs/theory/architectures.md#kernel-record).
 */
export function serialKernelMap(maps: ReadonlyArray<LayerKernelMap>, label = 'serial'): LayerKernelMap {
  const layers = [...maps];
  return {
    label,
    linearity: chainLinearity(layers),
    needsFullSpatial: layers.some((m) => m.needsFullSpatial),
    outputSpatial: (spatial) => layers.reduce((s, m) => m.outputSpatial(s), spatial),
    map: (input) => run(input, false),
    mapInPlace: (input) => run(input, true),
    blocks: (spatial) => chainBlocks(spatial, (m, shape) => m.blocks?.(shape)),
    diagonalBlocks: (spatial) => chainBlocks(spatial, (m, shape) => m.diagonalBlocks?.(shape)),
  };

  /** Every layer's block maps in order, or undefined when a layer has none. */
  function chainBlocks(
    spatial: ReadonlyArray<number>,
    of: (m: LayerKernelMap, shape: ReadonlyArray<number>) => ReadonlyArray<BlockStep> | undefined,
  ): BlockStep[] | undefined {
    const all: BlockStep[] = [];
    let shape = spatial;
    for (const m of layers) {
      const own = of(m, shape);
      if (own === undefined) return undefined;
      all.push(...own);
      shape = m.outputSpatial(shape);
    }
    return all;
  }

  /**
   * Records made inside the chain are owned by it and read once, so a layer that can map in place overwrites them;
   * the chain's input is overwritten only with `owned` (the caller gives it up).
   */
  function run(input: SpatialKernel, owned: boolean): SpatialKernel {
    let k = input;
    let own = owned;
    for (const m of layers) {
      const next = own && m.mapInPlace ? m.mapInPlace(k) : m.map(k);
      // Owned from here on when the layer returned arrays of its own (identity returns its input unchanged), or
      // mapped the owned input in place; a plugin's record is never overwritten.
      own = m.mapInPlace !== undefined && (own || (next.nngp !== k.nngp && next.ntk !== k.ntk));
      k = next;
    }
    return k;
  }
}

/**
 * FanOut followed by one sub-network per copy (neural-tangents' `FanOut` + `parallel`): maps one record to the
 * records of every branch (apps/docs/theory/architectures.md#residual-branches).
 */
export interface FanOutKernelMap {
  readonly branches: ReadonlyArray<LayerKernelMap>;
  readonly needsFullSpatial: boolean;
  map(input: SpatialKernel): SpatialKernel[];
}

/** {@link FanOutKernelMap} of the given branches. */
export function fanOutKernelMap(branches: ReadonlyArray<LayerKernelMap>): FanOutKernelMap {
  if (branches.length === 0) throw new SpecError('E_INPUT', 'fan-out: needs at least one branch');
  const list = [...branches];
  return {
    branches: list,
    needsFullSpatial: list.some((b) => b.needsFullSpatial),
    map: (input) => list.map((b) => b.map(input)),
  };
}

/**
 * The weighted sum of branch records (FanInSum, apps/docs/theory/architectures.md#residual-branches):
 * `K' = Σ_i w_i² K_i`, `Θ' = Σ_i w_i² Θ_i`, `m' = Σ_i w_i m_i`, Gaussian when every branch is. Exact when the branches
 * are uncorrelated in the limit, which {@link fanInSumKernelMap} checks.
 *
 * @throws SpecError `E_INPUT` when the records differ in samples, spatial shape or form
 */
export function fanInSumRecords(records: ReadonlyArray<SpatialKernel>, weights: ReadonlyArray<number>): SpatialKernel {
  const first = records[0];
  for (const [i, r] of records.entries()) {
    if (r.samples !== first.samples || r.form !== first.form || r.spatial.join(',') !== first.spatial.join(',')) {
      throw new SpecError(
        'E_INPUT',
        `fan-in sum: branch ${i + 1} gives spatial shape [${r.spatial.join(', ')}] (${r.form}), branch 1 [${first.spatial.join(', ')}] (${first.form}); every branch must give the same shape`,
      );
    }
  }
  const sum = { nngp: new Float64Array(first.nngp.length), ntk: new Float64Array(first.ntk.length) };
  let mean: Float64Array | null = null;
  records.forEach((r, i) => {
    addWeightedBranch(sum, r, weights[i]);
    mean = addWeightedMean(mean, r.mean, weights[i]);
  });
  return { ...first, ...sum, mean, gaussian: records.every((r) => r.gaussian) };
}

/**
 * `sum += w² · branch` for NNGP and NTK, entry by entry: a fan-in sum adds its branches this way from zero, in branch
 * order, on whole records and on blocks alike (so both routes give the same bits).
 */
export function addWeightedBranch(sum: RecordBlock, branch: RecordBlock, w: number): void {
  for (let j = 0; j < sum.nngp.length; j++) {
    sum.nngp[j] += w * w * branch.nngp[j];
    sum.ntk[j] += w * w * branch.ntk[j];
  }
}

/** `sum + w · mean` (a branch's channel means into a fan-in sum's), made on the first non-zero mean; null while zero. */
export function addWeightedMean(sum: Float64Array | null, mean: Float64Array | null, w: number): Float64Array | null {
  if (mean === null) return sum;
  const out = sum ?? new Float64Array(mean.length);
  for (let j = 0; j < mean.length; j++) out[j] += w * mean[j];
  return out;
}

/**
 * FanInSum after a {@link FanOutKernelMap}: `y = Σ_i w_i B_i(x)` (apps/docs/theory/architectures.md#residual-branches).
 * The sum of kernels is exact only when the branches are pairwise uncorrelated in the limit, which holds when all
 * branches but at most one end in a fresh zero-mean linear layer (dense, conv, attention, possibly followed by
 * pooling); anything else is refused.
 *
 * @throws SpecError `E_INPUT` for a wrong number of weights, or two or more branches that do not end in a fresh linear
 *   layer (e.g. two identity branches: their sum is 2x, whose kernel is 4K, not 2K)
 */
export function fanInSumKernelMap(fanOut: FanOutKernelMap, weights?: ReadonlyArray<number>): LayerKernelMap {
  const { branches } = fanOut;
  const w = weights ?? branches.map(() => 1);
  if (w.length !== branches.length) {
    throw new SpecError('E_INPUT', `sum: ${w.length} weights for ${branches.length} branches`);
  }
  w.forEach((x) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new SpecError('E_INPUT', `sum: weights must be finite numbers, got ${JSON.stringify(w)}`);
    }
  });
  const notFresh = branches.flatMap((b, i) => (b.linearity === 'fresh' ? [] : [i + 1]));
  if (notFresh.length > 1) {
    throw new SpecError(
      'E_INPUT',
      `sum: branches ${notFresh.join(', ')} do not end in a fresh linear layer (dense, conv or attention), so they may be correlated and the sum of their kernels is not the kernel of the sum; at most one branch (e.g. the identity of a residual block) may be like that`,
    );
  }
  /** Every branch's output shape, which must agree. */
  const outputSpatial = (spatial: ReadonlyArray<number>): ReadonlyArray<number> => {
    const shapes = branches.map((b) => b.outputSpatial(spatial));
    shapes.forEach((s, i) => {
      if (s.join(',') !== shapes[0].join(',')) {
        throw new SpecError(
          'E_INPUT',
          `sum: branch ${i + 1} gives spatial shape [${s.join(', ')}], branch 1 gives [${shapes[0].join(', ')}]; every branch must give the same shape`,
        );
      }
    });
    return shapes[0];
  };
  return {
    label: 'sum',
    linearity: notFresh.length === 0 ? 'fresh' : 'other',
    needsFullSpatial: fanOut.needsFullSpatial,
    outputSpatial,
    map: (input) => fanInSumRecords(fanOut.map(input), w),
    blocks: (spatial) => sumBlocks(spatial, (b) => b.blocks?.(spatial)),
    diagonalBlocks: (spatial) => sumBlocks(spatial, (b) => b.diagonalBlocks?.(spatial)),
  };

  /** The sum as one block step over its branches' block maps, or undefined when a branch has none. */
  function sumBlocks(
    spatial: ReadonlyArray<number>,
    of: (branch: LayerKernelMap) => ReadonlyArray<BlockStep> | undefined,
  ): BlockStep[] | undefined {
    const steps: Array<ReadonlyArray<BlockStep>> = [];
    for (const branch of branches) {
      const own = of(branch);
      if (own === undefined) return undefined;
      steps.push(own);
    }
    const inputSize = spatial.reduce((p, s) => p * s, 1);
    return [{ branches: steps, weights: [...w], inputSize, outputSpatial: outputSpatial(spatial) }];
  }
}

/**
 * A residual block `x + α·B(x)` built as FanOut(identity, B) + FanInSum with weights (1, α)
 * (apps/docs/theory/architectures.md#residual-branches): `K' = K + α² K_B`, `Θ' = Θ + α² Θ_B`, `m' = m + α m_B`.
 *
 * @throws SpecError `E_INPUT` when the branch does not end in a fresh linear layer
 */
export function residualKernelMap(branch: LayerKernelMap, alpha = 1): LayerKernelMap {
  const map = fanInSumKernelMap(fanOutKernelMap([identityKernelMap(), branch]), [1, alpha]);
  return { ...map, label: 'residual' };
}
