/**
 * Finite-width layers on activations with positions and channels (apps/docs/theory/architectures.md#finite-layers),
 * each a `Layer` of `@spec/core`, and a driver for scalar-output networks built from them.
 *
 * @packageDocumentation
 */
export { type SpatialDenseOptions, spatialDense } from './dense.js';
export { type SpatialActivationOptions, spatialActivation } from './activation.js';
export {
  type SpatialNetworkInit,
  type SpatialForwardPass,
  type SpatialKernelOptions,
  type SpatialEmpiricalKernels,
  initSpatialNetwork,
  spatialForward,
  spatialEmpiricalKernels,
} from './network.js';
export { type SpatialConvOptions, spatialConv } from './conv.js';
export {
  type SpatialPoolOptions,
  type SpatialMaxPoolOptions,
  spatialAvgPool,
  spatialSumPool,
  spatialMaxPool,
  spatialGlobalAvgPool,
} from './pooling.js';
export { spatialFlatten, spatialLast } from './flatten.js';
export { type SpatialLayerNormOptions, spatialLayerNorm } from './layernorm.js';
export {
  type SpatialBranch,
  type SpatialFanInSumOptions,
  type SpatialResidualOptions,
  spatialSerial,
  spatialSerial as serial,
  spatialFanInSum,
  spatialFanInSum as fanInSum,
  spatialResidual,
  spatialIdentity,
} from './combinators.js';
export { type SpatialAttentionOptions, spatialAttention } from './attention.js';
export { type SpatialRnnOptions, spatialRnn } from './rnn.js';
