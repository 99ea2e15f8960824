import { SpecError, isBlockFanInSum, type BlockKernelMap, type BlockStep, type RecordBlock } from '@spec/core';
import { allocateBlock, atSample } from './block-map.js';
import { addWeightedBranch, addWeightedMean } from './combinators.js';
import { checkInputData, inputRecordBlock, rowChannelMean } from './input-record.js';
import { spatialSize, type SpatialKernelForm } from './record.js';

/** The NNGP and NTK n × n matrices of a chain of block maps. */
export interface BlockwiseKernels {
  readonly nngp: Float64Array;
  readonly ntk: Float64Array;
}

/**
 * The pair-by-pair computation of {@link blockwiseKernelMatrices} in steps that can run on several threads, each with
 * its own plan (scratch blocks and variances) writing into shared n × n outputs.
 */
export interface BlockwisePlan {
  /** n. */
  readonly samples: number;
  /**
   * Σ over the maps of their input block's entries ((positions)² for the full record, positions for the diagonal one):
   * the cost of one block relative to other chains' (for thresholds).
   */
  readonly blockCost: number;
  /**
   * Pass 1: maps every diagonal block (a, a) through the chain, keeping each layer's input variances `K[a,p,a,p]`; with
   * outputs, also writes the diagonal entries there. Must run before {@link row} in every plan.
   */
  diagonal(out?: BlockwiseKernels): void;
  /** Pass 2 for one row: maps blocks (a, b), b > a, and writes entries (a, b) and (b, a) of the outputs. */
  row(a: number, out: BlockwiseKernels): void;
}

/**
 * Plans the kernels of a network's scalar output from a chain of block maps, pair by pair of samples, without any
 * record (apps/docs/theory/architectures.md#blockwise): blocks of the full record (L × L, the maps' `blocks`) or of the
 * diagonal one (L entries `K[a,p,b,p]`, the maps' `diagonalBlocks`), as `form` says; a sum of branches (residual
 * blocks) runs each branch on the same input block. Pass 1 ({@link BlockwisePlan.diagonal}) maps every diagonal block
 * (a, a) through the chain and keeps each layer's input variances (n·L floats per layer) and the sample states of
 * maps that have them (attention matrices, LayerNorm's scales and means: each sample's channel means are followed
 * through the network); pass 2 maps every block
 * (a, b), a < b, with those variances, row by row. Each block is the input record's block (a, b), so the numbers are
 * those of the record route (`map` on the full input record) bit for bit, with O(n·L·layers + L²) memory instead of
 * n²L², and every block is computed alone, so splitting the rows over threads changes no bit either.
 *
 * @throws SpecError `E_INPUT` when the chain does not end without positions, or as the input record and the maps do
 */
export function blockwisePlan(
  data: Float64Array,
  shape: ReadonlyArray<number>,
  maps: ReadonlyArray<BlockStep>,
  form: SpatialKernelForm = 'full',
): BlockwisePlan {
  checkInputData(data, shape);
  const n = shape[0];
  const C = shape[shape.length - 1];
  const L0 = spatialSize(shape.slice(1, -1));
  const ctx: BuildContext = { n, form, cost: 0 };
  const built = buildChain(maps, L0, false, ctx);
  if (built.size !== 1) {
    throw new SpecError(
      'E_INPUT',
      `blockwise kernels: the chain ends with ${built.size} positions; end it in a readout`,
    );
  }
  const nodes = built.nodes;
  const input = allocateBlock(L0, form);
  const inputMean = new Float64Array(L0);
  /** Maps block (a, b) through the chain; the readout's 1 × 1 block is returned. */
  const run = (a: number, b: number): RecordBlock => {
    inputRecordBlock(data, shape, { a, b }, input, form);
    // Pass 1 follows sample a's channel means from the data's (as the input record has them) through the chain.
    if (a === b) for (let p = 0; p < L0; p++) inputMean[p] = rowChannelMean(data, C, a * L0 + p);
    return runChain(nodes, a, b, input, a === b ? inputMean : null, form).block;
  };
  return {
    samples: n,
    blockCost: ctx.cost,
    diagonal(out) {
      for (let a = 0; a < n; a++) {
        const block = atSample(a, () => run(a, a));
        if (out === undefined) continue;
        out.nngp[a * n + a] = block.nngp[0];
        out.ntk[a * n + a] = block.ntk[0];
      }
    },
    row(a, out) {
      for (let b = a + 1; b < n; b++) {
        const block = run(a, b);
        out.nngp[a * n + b] = out.nngp[b * n + a] = block.nngp[0];
        out.ntk[a * n + b] = out.ntk[b * n + a] = block.ntk[0];
      }
    },
  };
}

/** A layer's block map with its own output block and, per sample, its input variances and state. */
interface MapNode {
  readonly map: BlockKernelMap;
  readonly output: RecordBlock;
  /** K[a,p,a,p] of the map's input, n × L (filled by pass 1). */
  readonly variances: Float64Array;
  /** The samples' `sampleState`s, n × `stateSize`, made on the first one (filled by pass 1). */
  states: Float64Array | null;
  stateSize: number;
}

/** A sum of branches with its own output block. */
interface SumNode {
  readonly branches: ReadonlyArray<ReadonlyArray<PlanNode>>;
  readonly weights: ReadonlyArray<number>;
  readonly output: RecordBlock;
}

type PlanNode = MapNode | SumNode;

interface BuildContext {
  readonly n: number;
  readonly form: SpatialKernelForm;
  cost: number;
}

/** Nodes for a chain of steps on inputs of `size` positions; checks sizes and Gaussianity as the record route does. */
function buildChain(
  steps: ReadonlyArray<BlockStep>,
  size: number,
  gaussian: boolean,
  ctx: BuildContext,
): { nodes: PlanNode[]; size: number; gaussian: boolean } {
  const nodes: PlanNode[] = [];
  for (const step of steps) {
    if (step.inputSize !== size) {
      throw new SpecError('E_INPUT', `blockwise kernels: a layer expects ${step.inputSize} positions, got ${size}`);
    }
    const outSize = spatialSize(step.outputSpatial);
    if (isBlockFanInSum(step)) {
      const branches = step.branches.map((branch) => buildChain(branch, size, gaussian, ctx));
      branches.forEach((branch, i) => {
        if (branch.size !== outSize) {
          throw new SpecError(
            'E_INPUT',
            `blockwise kernels: branch ${i + 1} of a sum gives ${branch.size} positions, expected ${outSize}`,
          );
        }
      });
      gaussian = branches.every((branch) => branch.gaussian);
      nodes.push({
        branches: branches.map((branch) => branch.nodes),
        weights: step.weights,
        output: allocateBlock(outSize, ctx.form),
      });
    } else {
      gaussian = step.outputGaussian(gaussian);
      ctx.cost += ctx.form === 'full' ? size * size : size;
      nodes.push({
        map: step,
        output: allocateBlock(outSize, ctx.form),
        variances: new Float64Array(ctx.n * size),
        states: null,
        stateSize: 0,
      });
    }
    size = outSize;
  }
  return { nodes, size, gaussian };
}

/**
 * Maps block (a, b) through `nodes`. In pass 1 (a = b) `mean` is sample a's channel means at the chain's input (null:
 * zero): each map's input variances and sample state are recorded for pass 2, and the means at the output are
 * returned.
 */
function runChain(
  nodes: ReadonlyArray<PlanNode>,
  a: number,
  b: number,
  input: RecordBlock,
  mean: Float64Array | null,
  form: SpatialKernelForm,
): { block: RecordBlock; mean: Float64Array | null } {
  let block = input;
  for (const node of nodes) {
    if ('map' in node) {
      const L = node.map.inputSize;
      const first = a * L;
      if (a === b) {
        // Where K[a,p,a,p] sits in the diagonal block (a, a).
        const step = form === 'full' ? L + 1 : 1;
        for (let p = 0; p < L; p++) node.variances[first + p] = block.nngp[p * step];
        if (node.map.sampleState !== undefined)
          storeState(
            node,
            a,
            node.variances.length / L,
            node.map.sampleState(block, node.variances.subarray(first, first + L), mean),
          );
      }
      const vA = node.variances.subarray(first, first + L);
      const vB = node.variances.subarray(b * L, (b + 1) * L);
      const sA = stateOf(node, a);
      const sB = stateOf(node, b);
      node.map.mapBlock(block, node.output, vA, vB, sA, sB);
      if (a === b) mean = node.map.mapMean(mean, vA, sA);
      block = node.output;
    } else {
      // Σ_i w_i² B_i and Σ_i w_i m_i, branch by branch from zero, as the record route's fan-in sum.
      const out = node.output;
      out.nngp.fill(0);
      out.ntk.fill(0);
      let sum: Float64Array | null = null;
      node.branches.forEach((branch, i) => {
        const r = runChain(branch, a, b, block, mean, form);
        addWeightedBranch(out, r.block, node.weights[i]);
        sum = addWeightedMean(sum, r.mean, node.weights[i]);
      });
      if (a === b) mean = sum;
      block = out;
    }
  }
  return { block, mean };
}

/** Keeps sample a's state among the `samples` samples' (all of the length of the first). */
function storeState(node: MapNode, a: number, samples: number, state: Float64Array): void {
  if (node.states === null) {
    node.states = new Float64Array(samples * state.length);
    node.stateSize = state.length;
  }
  if (state.length !== node.stateSize) {
    throw new SpecError('E_INPUT', 'blockwise kernels: a layer gave per-sample states of different lengths');
  }
  node.states.set(state, a * state.length);
}

/** Sample a's state, or undefined for a map without states. */
function stateOf(node: MapNode, a: number): Float64Array | undefined {
  return node.states?.subarray(a * node.stateSize, (a + 1) * node.stateSize);
}

/** Runs a {@link BlockwisePlan} on this thread: pass 1, then every row, reporting pairs done (see {@link pairProgress}). */
export function blockwiseKernelMatrices(
  plan: BlockwisePlan,
  onProgress?: (done: number, total: number) => void,
): BlockwiseKernels {
  const n = plan.samples;
  const out = { nngp: new Float64Array(n * n), ntk: new Float64Array(n * n) };
  const progress = pairProgress(n, onProgress);
  plan.diagonal(out);
  let done = n;
  for (let a = 0; a < n; a++) {
    plan.row(a, out);
    done += n - 1 - a;
    progress(done);
  }
  progress(done, true);
  return out;
}

/**
 * A progress reporter over the n(n + 1)/2 blocks a ≤ b of a plan (pass 1 counts its n): `report(done)` calls
 * `onProgress(done, total)` at most every 0.2 s, and always when `final`.
 */
export function pairProgress(
  n: number,
  onProgress: ((done: number, total: number) => void) | undefined,
): (done: number, final?: boolean) => void {
  if (onProgress === undefined) return () => undefined;
  const total = (n * (n + 1)) / 2;
  let last = 0;
  return (done, final = false) => {
    const now = Date.now();
    if (!final && now - last < 200) return;
    last = now;
    onProgress(Math.min(done, total), total);
  };
}
