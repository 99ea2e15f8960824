/**
 * Infinite-width kernel maps of every layer kind on the batched spatial kernel record
 * (apps/docs/theory/architectures.md#kernel-record): one module per map, combinators, the JSON builder.
 *
 * @packageDocumentation
 */
export {
  type SpatialKernelForm,
  type RecordMemoryOptions,
  spatialSize,
  assertRecordFits,
  selfVariances,
  toDiagonalRecord,
} from './record.js';
export { type BranchLinearity, type LayerKernelMap, asLayerKernelMap } from './layer-map.js';
export { type InputSpatialKernelOptions, inputSpatialKernel } from './input-record.js';
export { type AffineTangent, type DenseKernelMapOptions, affineKernelMap, denseKernelMap } from './dense.js';
export { activationKernelMap } from './activation.js';
export { type ConvKernelMapOptions, convKernelMap } from './conv.js';
export { type WindowIndexMap, windowIndexMap } from './index-map.js';
export { type PoolKernelMapOptions, avgPoolKernelMap } from './pooling.js';
export { globalAvgPoolKernelMap, flattenKernelMap, lastKernelMap } from './readouts.js';
export { layerNormKernelMap } from './layernorm.js';
export {
  type FanOutKernelMap,
  identityKernelMap,
  serialKernelMap,
  fanOutKernelMap,
  fanInSumKernelMap,
  fanInSumRecords,
  residualKernelMap,
} from './combinators.js';
export { type AttentionKernelMapOptions, attentionKernelMap } from './attention.js';
export { type RnnKernelMapOptions, rnnKernelMap } from './rnn.js';
export { type KernelMapFromSpecOptions, kernelMapFromSpec } from './from-spec.js';
export {
  type ArchitectureKernelOptions,
  type ArchitectureKernelMatrices,
  architectureKernelMatrices,
  assertArchitectureKernelsFit,
  MIN_PARALLEL_WORK,
} from './architecture-kernels.js';
export type { BlockwiseThreads } from './parallel-blockwise.js';
export type { ArchitectureSpec, LayerSpec, Padding } from '../architecture/spec.js';
