/** Paper reproductions as library code. Re-exports only. */
export {
  type Reproduction,
  type ReproductionContext,
  type ReproductionResult,
  type ReproductionRow,
  type ReproductionFigure,
  type SpectrumFigureData,
  type SeriesFigureData,
  type FigureSeries,
  makeRow,
} from './types.js';
export { reproductions, getReproduction } from './registry.js';
export { fanWangCkSynthetic, fanWangNtkSynthetic, ksTolerance, m2Tolerance } from './fan-wang-synthetic.js';
export { ntkDispersion } from './ntk-dispersion.js';
export { ntkPowerSeries, erfNtkRate } from './ntk-power-series.js';
export { kernelGd } from './kernel-gd.js';
export { spectralEvolution } from './spectral-evolution.js';
export { fanWangReal } from './fan-wang-real.js';
export { type TpSizes, TP_SIZES, tpDistances, tpUniversality } from './tp-universality.js';
export { type TpArchitecture, TP_ARCHITECTURES, tpData, tpNetwork } from './tp-architectures.js';
