/**
 * @spec/rmt — random-matrix limits: the Marchenko–Pastur law, the MP map, the linear-width CK and NTK
 * limit laws (apps/docs/theory/toolkit.md#marchenko-pastur, apps/docs/theory/fan-wang.md#ck-limit, #ntk-surrogate,
 * #ntk-fixed-point), density recovery from Stieltjes transforms, and spectral statistics for comparing an empirical
 * spectrum with a law (apps/docs/theory/spectral-evolution.md#quantities).
 *
 * Conventions: γ = n/d is named `samplesPerNeuron` / `samplesPerDim`; m(z) = ∫ μ(dx)/(x − z).
 *
 * @packageDocumentation
 */
export { type Complex, complex, cadd, csub, cmul, cdiv, cabs, conj, csqrt } from './complex.js';
export { mpEdges, mpAtom, mpDensity, mpCdf, mpQuantile, mpMoments, mpStieltjes } from './mp.js';
export { type InputMeasure } from './input-measure.js';
export { mpMap } from './mp-map.js';
export { type KernelCombination, stieltjesLimit, combinationAtoms, combinationUpperBound } from './kernel-system.js';
export { type GridOptions } from './stieltjes.js';
export { kernelLimit } from './kernel-limit.js';
export { type CkLimitOptions, ckLimit, ckCombination } from './ck-limit.js';
export { type NtkLimitOptions, ntkLimit, ntkCombination, ntkSurrogateCoefficients } from './ntk-limit.js';
export { type Atom, type LimitSpectrum, limitCdf, limitQuantile, limitMoments } from './limit-spectrum.js';
export { type Histogram, histogram } from './stats/histogram.js';
export { type CdfLaw, ksDistance, ksTwoSample } from './stats/ks.js';
export { wasserstein1, wasserstein1TwoSample } from './stats/wasserstein.js';
export { type OutlierResult, outliers } from './stats/outliers.js';
export { type PowerLawFit, powerLawFit } from './stats/powerlaw.js';
export * from './series/index.js';
export * from './dispersion/index.js';
export {
  stochasticLanczosQuadrature,
  slqDensity,
  slqQuantiles,
  type SlqOptions,
  type SlqResult,
  type SlqDensity,
  type BlockMatvec,
} from './slq/slq.js';
export {
  type EigenbasisCombination,
  eigenbasisLimit,
  eigenbasisSystem,
  eigenbasisMean,
  eigenbasisAtoms,
  mpFreeProduct,
} from './eigenbasis-combination.js';
