/**
 * @spec/core — the contracts every spec package shares: the {@link Matrix} type, the {@link Backend}
 * interface, the plugin registry, a seeded {@link Rng}, and {@link SpecError}.
 *
 * @packageDocumentation
 */
export { SpecError, isSpecError, type SpecErrorCode } from './errors.js';
export {
  type FloatArray,
  type Matrix,
  matrix,
  fromRows,
  at,
  transpose,
  toFloat64,
  identity,
  assertShape,
  assertSquare,
  assertFinite,
} from './matrix.js';
export { columnRange, selectColumns, concatColumns, block } from './matrix-blocks.js';
export { assertPositiveInteger, assertNonNegativeInteger, assertNonNegativeNumber } from './validate.js';
export { availableMemoryBytes, assertFitsInMemory, formatGiB } from './memory.js';
export { type Rng, createRng } from './rng.js';
export type { Activation, DualActivation } from './activation.js';
export type { Backend, BackendOp, Eigen, GemmOptions, GramOptions } from './backend.js';
export type {
  BlockFanInSum,
  BlockKernelMap,
  BlockStep,
  RecordBlock,
  SpatialKernel,
  SpatialKernelMap,
  SpatialKernelMapFactory,
} from './spatial-kernel.js';
export { isBlockFanInSum } from './spatial-kernel.js';
export type {
  Activations,
  ApplyExtras,
  Layer,
  LayerContext,
  LayerFactory,
  LayerFactoryContext,
  LayerInit,
  LayerParams,
  NtkTerm,
  NtkTermsStep,
  Shape,
} from './layer.js';
export { type NtkTermsContributionOptions, ntkTermsContribution } from './ntk-terms.js';
export {
  type BackendFactory,
  type Plugin,
  type Registry,
  type RegisteredPlugin,
  type UseOptions,
  definePlugin,
  importPlugin,
  createRegistry,
  registry,
  use,
} from './plugin.js';
export {
  type TridiagonalEigenOptions,
  type TridiagonalEigenResult,
  tridiagonalEigen,
  tridiagonalEigenvalues,
  tridiagonalQL,
} from './linalg/tridiagonal-eigen.js';
export { type JacobiEigenOptions, jacobiEigen, jacobiEigenvalues } from './linalg/jacobi-eigen.js';
export { defaultThreads, workerLaunch, type WorkerLaunch } from './worker-launch.js';
