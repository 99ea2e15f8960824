import { SpecError, type BlockKernelMap, type RecordBlock } from '@spec/core';
import { checkInputData, inputRecordBlock } from './input-record.js';
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
 * diagonal one (L entries `K[a,p,b,p]`, the maps' `diagonalBlocks`), as `form` says. Pass 1 ({@link BlockwisePlan.diagonal}) maps every diagonal
 * block (a, a) through the chain and keeps each layer's input variances (n·L floats per layer); pass 2 maps every block
 * (a, b), a < b, with those variances, row by row. Each block is the input record's block (a, b), so the numbers are
 * those of the record route (`map` on the full input record) bit for bit, with O(n·L·layers + L²) memory instead of
 * n²L², and every block is computed alone, so splitting the rows over threads changes no bit either.
 *
 * @throws SpecError `E_INPUT` when the chain does not end without positions, or as the input record and the maps do
 */
export function blockwisePlan(
  data: Float64Array,
  shape: ReadonlyArray<number>,
  maps: ReadonlyArray<BlockKernelMap>,
  form: SpatialKernelForm = 'full',
): BlockwisePlan {
  const entries = (L: number): number => (form === 'full' ? L * L : L);
  // Where K[a,p,a,p] sits in the diagonal block (a, a).
  const step = (L: number): number => (form === 'full' ? L + 1 : 1);
  const allocate = (L: number): RecordBlock => ({
    nngp: new Float64Array(entries(L)),
    ntk: new Float64Array(entries(L)),
  });
  checkInputData(data, shape);
  const n = shape[0];
  let size = spatialSize(shape.slice(1, -1));
  let gaussian = false; // raw data
  let blockCost = 0;
  // One output block per layer, so a map never writes the block it reads.
  const outputs: RecordBlock[] = [];
  for (const m of maps) {
    if (m.inputSize !== size) {
      throw new SpecError('E_INPUT', `blockwise kernels: a layer expects ${m.inputSize} positions, got ${size}`);
    }
    gaussian = m.outputGaussian(gaussian);
    blockCost += entries(size);
    size = spatialSize(m.outputSpatial);
    outputs.push(allocate(size));
  }
  if (size !== 1) {
    throw new SpecError('E_INPUT', `blockwise kernels: the chain ends with ${size} positions; end it in a readout`);
  }
  const input = allocate(spatialSize(shape.slice(1, -1)));
  const variances = maps.map((m) => new Float64Array(n * m.inputSize));
  /** Maps block (a, b) through the chain; the readout's 1 × 1 block is returned. */
  const run = (a: number, b: number): RecordBlock => {
    inputRecordBlock(data, shape, { a, b }, input, form);
    let block = input;
    maps.forEach((m, i) => {
      const Li = m.inputSize;
      const v = variances[i];
      if (a === b) for (let p = 0, s = step(Li); p < Li; p++) v[a * Li + p] = block.nngp[p * s];
      m.mapBlock(block, outputs[i], v.subarray(a * Li, (a + 1) * Li), v.subarray(b * Li, (b + 1) * Li));
      block = outputs[i];
    });
    return block;
  };
  return {
    samples: n,
    blockCost,
    diagonal(out) {
      for (let a = 0; a < n; a++) {
        const block = run(a, a);
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

/** Runs a {@link BlockwisePlan} on this thread: pass 1, then every row. */
export function blockwiseKernelMatrices(plan: BlockwisePlan): BlockwiseKernels {
  const n = plan.samples;
  const out = { nngp: new Float64Array(n * n), ntk: new Float64Array(n * n) };
  plan.diagonal(out);
  for (let a = 0; a < n; a++) plan.row(a, out);
  return out;
}
