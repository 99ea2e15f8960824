/**
 * NTK Hermite power series, effective rank and sphere eigenvalues (apps/docs/theory/power-series.md). Re-exports only.
 */
export { reluHermite, scaleHermite } from './hermite.js';
export {
  type PowerSeries,
  type PowerSeriesOptions,
  powerSeriesCoefficients,
  evaluateSeries,
  hiddenLayersFromPaperDepth,
} from './power-series.js';
export { type EffectiveRankBoundsOptions, effectiveRank, effectiveRankBounds } from './effective-rank.js';
export { type SphereEigenvaluesOptions, sphereEigenvalues, sphereMultiplicity } from './sphere.js';
export { funkHeckeEigenvalue, gegenbauerNormalized } from './funk-hecke.js';
export { decayExponent } from './decay.js';
