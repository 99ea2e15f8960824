/**
 * NTK dispersion of deep ReLU MLPs: phases, exact scalar Monte Carlo, limits (apps/docs/theory/dispersion.md).
 * Re-exports only.
 */
export {
  type Phase,
  type PhaseDiagram,
  type PhaseDiagramOptions,
  type PhaseInfo,
  type PhaseOptions,
  classifyPhase,
  phaseDiagram,
} from './phase.js';
export { type NtkMeansOptions, ntkMeans } from './means.js';
export { type ScalarNtkOptions, type ScalarNtkSamples, scalarNtkSamples } from './scalar-ntk.js';
export { type DispersionEstimate, dispersionEstimate } from './estimate.js';
export {
  type DispersionLimit,
  type DispersionLimitOptions,
  dispersionCross,
  dispersionBiases,
  dispersionLimit,
  dispersionWeights,
} from './limit.js';
