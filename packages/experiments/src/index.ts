/**
 * @spec/experiments — what spec runs: the spectrum job (sample a network, its CK/NTK eigenvalues, the limit laws,
 * the comparison), the limit job, training runs with spectral monitors, and the paper reproductions. It composes
 * `@spec/data`, `@spec/nets` and `@spec/rmt` and receives a backend; it never imports a concrete one.
 *
 * @packageDocumentation
 */
export { type LimitInput, type LimitJobOptions, type LimitJobResult, limitJob, dataGramInput } from './limit-job.js';
export {
  type KernelSpectrum,
  type SpectrumJobOptions,
  type SpectrumJobResult,
  type SpectrumStage,
  type LimitName,
  type LimitKind,
  spectrumJob,
} from './spectrum/spectrum-job.js';
export { type SpectrumPlan, type SpectrumPlanOptions, type SpectrumRoute, planSpectrum } from './spectrum/plan.js';
export { type RawSpectrum, type Comparison, compareWithLimit } from './spectrum/compare.js';
export {
  type ArchitectureSpectrumOptions,
  type ArchitectureKernelComparison,
  type ArchitectureSpectrum,
  type ArchitectureSpectrumBase,
  type ArchitectureSpectrumComparison,
  type ArchitectureSpectrumFiniteOnly,
  type FiniteKernelSpectrum,
  architectureSpectrumBytes,
  architectureSpectrumJob,
} from './spectrum/architecture-spectrum.js';
export {
  type FiniteArchitectureKernels,
  type ReadoutScales,
  finiteArchitectureKernels,
  relativeFrobenius,
} from './spectrum/architecture-kernels.js';
export {
  type ExecutorInput,
  type RawSpectra,
  executors,
  slqSpectra,
  smallGramCkSpectrum,
  leanDenseSpectra,
  generalDenseSpectra,
} from './spectrum/execute.js';
export {
  denseSpectrumBytes,
  slqSpectrumBytes,
  tiledSlqSpectrumBytes,
  assertFitsInMemory,
  availableMemoryBytes,
  SLQ_AUTO_MIN_N,
  type SpectrumSizes,
} from './spectrum/memory.js';
export { logCheckpoints } from './train/checkpoints.js';
export { type TrainSizes, trainBytes, assertTrainFits } from './train/memory.js';
export {
  type SpectralMonitorOptions,
  type WeightMonitor,
  type KernelMonitor,
  type KernelObserver,
  type KernelEdgeSource,
  weightMonitor,
  kernelMonitor,
} from './train/monitors.js';
export {
  type TrainOptions,
  type TrainCheckpoint,
  type TrainResult,
  type KernelGdRecord,
  type InitialLaws,
  train,
  trainingBatch,
} from './train/train.js';
export {
  type WeightMpLaw,
  type InitialKernelLawsOptions,
  type InitialKernelLaws,
  weightMpLaw,
  initialKernelLaws,
} from './train/initial-laws.js';
export * from './reproduce/index.js';
export { type UnitNormKernelTable, unitNormKernelTable } from './exact-kernel/kernel-table.js';
export {
  type ExactKernelLimitOptions,
  type ExactKernelLimitResult,
  exactKernelLimit,
} from './exact-kernel/exact-kernel-limit.js';
export {
  type TrainSpatialOptions,
  type SpatialTrainCheckpoint,
  type SpatialTrainResult,
  trainSpatialNetwork,
  spatialLossGradient,
  spatialOutputs,
} from './train/train-spatial.js';
export {
  type ArchitectureKernelGdOptions,
  type ArchitectureKernelGd,
  type ArchitectureNtkBlocks,
  type ArchitectureKernelBlocks,
  architectureKernelGd,
  architectureKernelBlocks,
  architectureNtkBlocks,
} from './train/architecture-kernel-gd.js';
export {
  type ArchitectureKernelMonitor,
  type ArchitectureMonitors,
  type ArchitectureMonitorOptions,
  architectureKernelMonitors,
} from './train/architecture-monitors.js';
export {
  type ArchitectureTrainingOptions,
  type ArchitectureTrainingRecord,
  type ArchitectureTrainingStage,
  type ArchitectureTrainingResult,
  architectureTrainingJob,
  sineTeacher,
} from './train/architecture-training.js';
