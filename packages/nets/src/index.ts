/**
 * @spec/nets — activations, layers and networks, empirical CK/NTK (apps/docs/theory/toolkit.md#normalised-activations,
 * #gaussian-kernel-maps, apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes,
 * apps/docs/theory/infinite-width.md#ntk-parametrisation, #mlp-recursions, #residual-mlp,
 * apps/docs/theory/dispersion.md#setting). Importing this package registers the built-in activations and layers in the
 * default registry of `@spec/core` (once).
 *
 * @packageDocumentation
 */
import { registerBuiltins } from './plugin.js';

export { relu, leaky_relu, leakyRelu } from './activations/relu.js';
export { tanh, erf, sigmoid } from './activations/sigmoidal.js';
export { softplus, gelu, swish } from './activations/smooth-relu.js';
export { sin, quadratic, linear } from './activations/elementary.js';
export { builtinActivations } from './activations/builtins.js';
export { type DualWithMean, hasDualMean } from './activations/dual-with-mean.js';
export { getActivation, resolveActivation } from './activations/resolve.js';
export { type QuadratureRule, gaussHermite } from './quadrature/gauss-hermite.js';
export { gaussLegendre } from './quadrature/gauss-legendre.js';
export {
  type GaussianRuleOptions,
  gaussianRule,
  gaussianExpectation,
  gaussianExpectation2,
} from './quadrature/gaussian-expectation.js';
export { type GaussianConstants, type GaussianConstantsOptions, gaussianConstants } from './gaussian-constants.js';
export { type NormalizedActivation, normalizeActivation, isNormalized } from './normalize.js';
export {
  type ActivationKernelValue,
  type ActivationKernelMatrixInput,
  type ActivationKernelMatrixOptions,
  type ActivationKernelMatrices,
  activationKernel,
  activationKernelMatrix,
  activationKernelDiagonal,
} from './activation-kernel.js';
export {
  type TabulatedDual,
  type VarianceExpansion,
  TABULATED_DUAL_TOLERANCE,
  tabulatedDual,
} from './activations/tabulated-dual.js';
export {
  type HermiteProjection,
  type HermiteProjectionOptions,
  HERMITE_PROJECTION_MAX_DEGREE,
  hermiteProjection,
} from './quadrature/hermite-projection.js';
export { type DenseCache, type DenseOptions, type Parametrization, dense } from './layers/dense.js';
export { type ResidualCache, type ResidualOptions, residual } from './layers/residual.js';
export {
  type ActivationLayerOptions,
  type ElementwiseCache,
  activationLayer,
  elementwiseLayer,
} from './layers/elementwise.js';
export {
  type Network,
  type NetworkInput,
  type NetworkParams,
  type ForwardPass,
  network,
  networkInput,
  onesSignal,
  initNetwork,
  forward,
  networkOutput,
  parameterGradient,
  inputGradient,
} from './network.js';
export { type MlpOptions, mlp } from './mlp.js';
export {
  type EmpiricalKernelOptions,
  type EmpiricalKernels,
  empiricalKernels,
  samplesAsRows,
} from './empirical-kernels.js';
export { gramKernelRecord, networkKernelMap, networkKernels } from './kernel-map.js';
export { builtinActivationsPlugin, registerBuiltins } from './plugin.js';

registerBuiltins();
export {
  type InfiniteArchitecture,
  type InfiniteKernelOptions,
  type ResolvedInfiniteOptions,
  resolveInfiniteOptions,
  infiniteNetwork,
} from './infinite/architecture.js';
export { type InfiniteKernelValue, type InfiniteKernels, infiniteKernels } from './infinite/kernels.js';
export {
  type InfiniteMatrixOptions,
  type InfiniteKernelMatrices,
  infiniteKernelMatrices,
  infiniteKernelMatricesBytes,
} from './infinite/matrices.js';
export {
  type GramEntries,
  type KernelsAtDepth,
  type InfiniteKernelPassOptions,
  infiniteKernelPass,
} from './infinite/recursion.js';
export {
  type CompareWithEmpiricalOptions,
  type EmpiricalComparison,
  type MeanWithError,
  compareWithEmpirical,
} from './infinite/compare.js';
export { type KernelSeriesOptions, type KernelSeries, MAX_SPHERE_DIM, kernelSeries } from './infinite/series.js';
export { type LossGradient, lossGradient } from './train/loss-gradient.js';
export {
  type Optimizer,
  type OptimizerName,
  type AdamOptions,
  gradientStep,
  adam,
  createOptimizer,
} from './train/optimizers.js';
export { type KernelGdModel, type KernelGdModelOptions, kernelGdModel, kernelGdPredict } from './train/kernel-gd.js';
export {
  KERNEL_GD_EIGEN_COST,
  type KernelGdPredictor,
  type KernelGdPredictorOptions,
  type KernelGdRoute,
  kernelGdPredictor,
  kernelGdRoute,
} from './train/kernel-gd-predictor.js';
export { type InfiniteNtkOptions, infiniteNtkMatrices, withQuadratureDual } from './train/infinite-ntk.js';
export { type WeightSpectrum, weightSpectrum } from './train/weight-spectrum.js';
export {
  type FullNetworkNtkOptions,
  type FullNetworkNtkSamples,
  dispersionNetwork,
  fullNetworkNtkSamples,
} from './dispersion/full-network.js';
export {
  type DispersionStudyOptions,
  type DispersionRow,
  type DispersionStudy,
  dispersionStudy,
} from './dispersion/study.js';
export {
  kernelOperators,
  kernelOperatorsConsuming,
  type KernelOperators,
  type KernelOperatorOptions,
} from './spectral-density/kernel-operators.js';
export { tiledNtkOperator, NTK_TILE, type TiledNtk } from './spectral-density/tiled-ntk.js';
export {
  leanNtkFactors,
  leanNtk,
  hasLeanNtk,
  type LeanNtk,
  type LeanNtkOptions,
  type NtkFactor,
} from './spectral-density/lean-kernels.js';
export * from './kernel-maps/index.js';
export * from './spatial/index.js';
export {
  type SpatialNetwork,
  type SpatialNetworkFromSpecOptions,
  spatialNetworkFromSpec,
} from './architecture/from-spec.js';
