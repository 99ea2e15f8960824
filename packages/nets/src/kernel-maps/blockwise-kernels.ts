import { SpecError } from '@spec/core';
import { allocateBlock, type BlockKernelMap, type RecordBlock } from './block-map.js';
import { checkInputData, inputRecordBlock } from './input-record.js';
import { spatialSize } from './record.js';

/** The NNGP and NTK n × n matrices of a chain of block maps. */
export interface BlockwiseKernels {
  readonly nngp: Float64Array;
  readonly ntk: Float64Array;
}

/**
 * The kernels of a network's scalar output from a chain of block maps, pair by pair of samples, without any full record
 * (apps/docs/theory/architectures.md#blockwise). Pass 1 maps every diagonal block (a, a) through the chain and keeps
 * each layer's input variances `K[a,p,a,p]` (n·L floats per layer); pass 2 maps every block (a, b), a < b, with those
 * variances. Each block is the input record's block (a, b), so the numbers are those of the record route
 * (`map` on the full input record) bit for bit, with O(n·L·layers + L²) memory instead of n²L².
 *
 * @throws SpecError `E_INPUT` when the chain does not end without positions, or as the input record and the maps do
 */
export function blockwiseKernelMatrices(
  data: Float64Array,
  shape: ReadonlyArray<number>,
  maps: ReadonlyArray<BlockKernelMap>,
): BlockwiseKernels {
  checkInputData(data, shape);
  const n = shape[0];
  let size = spatialSize(shape.slice(1, -1));
  let gaussian = false; // raw data
  // One output block per layer, so a map never writes the block it reads.
  const outputs: RecordBlock[] = [];
  for (const m of maps) {
    if (m.inputSize !== size) {
      throw new SpecError('E_INPUT', `blockwise kernels: a layer expects ${m.inputSize} positions, got ${size}`);
    }
    gaussian = m.outputGaussian(gaussian);
    size = spatialSize(m.outputSpatial);
    outputs.push(allocateBlock(size));
  }
  if (size !== 1) {
    throw new SpecError('E_INPUT', `blockwise kernels: the chain ends with ${size} positions; end it in a readout`);
  }
  const L = spatialSize(shape.slice(1, -1));
  const input = allocateBlock(L);
  const variances = maps.map((m) => new Float64Array(n * m.inputSize));
  const nngp = new Float64Array(n * n);
  const ntk = new Float64Array(n * n);
  const run = (a: number, b: number): void => {
    inputRecordBlock(data, shape, { a, b }, input);
    let block = input;
    maps.forEach((m, i) => {
      const Li = m.inputSize;
      const v = variances[i];
      if (a === b) for (let p = 0; p < Li; p++) v[a * Li + p] = block.nngp[p * Li + p];
      m.mapBlock(block, outputs[i], v.subarray(a * Li, (a + 1) * Li), v.subarray(b * Li, (b + 1) * Li));
      block = outputs[i];
    });
    nngp[a * n + b] = nngp[b * n + a] = block.nngp[0];
    ntk[a * n + b] = ntk[b * n + a] = block.ntk[0];
  };
  for (let a = 0; a < n; a++) run(a, a);
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) run(a, b);
  return { nngp, ntk };
}
