/**
 * @spec/data — data for kernel spectra: seeded synthetic data, readers for CIFAR-10 binary, MNIST IDX,
 * .npy and CSV, preprocessing as the linear-width theory assumes, and embedded UCI digits.
 * Files hold one sample per row; inside spec samples are columns (X is d0 × n).
 *
 * @packageDocumentation
 */
export {
  type DataSpec,
  type SyntheticDataSpec,
  type FileDataSpec,
  parseDataSpec,
  formatDataSpec,
  DATA_KINDS_PLAIN,
  DATA_KINDS_WITH_PATH,
} from './data-spec.js';
export {
  type Dataset,
  type LoadDatasetOptions,
  type PreprocessOptions,
  loadDataset,
  DEFAULT_SYNTHETIC_N,
  DEFAULT_SYNTHETIC_D0,
  DEFAULT_MIXTURE_CLASSES,
  DEFAULT_REAL_N_CAP,
} from './load-dataset.js';
export { type GaussianDataOptions, gaussianData } from './gaussian.js';
export { type SphereDataOptions, sphereData } from './sphere.js';
export { type GaussianMixtureOptions, type GaussianMixtureData, gaussianMixture } from './mixture.js';
export {
  type SingleIndexTeacherOptions,
  type SingleIndexTeacherData,
  type MultiIndexTeacherOptions,
  type MultiIndexTeacherData,
  singleIndexTeacher,
  multiIndexTeacher,
} from './teacher.js';
export {
  type ReadCifar10Options,
  type Cifar10Data,
  readCifar10,
  cifar10Files,
  CIFAR10_RECORD_BYTES,
  CIFAR10_PIXELS,
} from './cifar10.js';
export { type ReadIdxOptions, type IdxData, readIdx, readIdxLabels, readIdxShape } from './idx.js';
export { type NpyArray, type NpyDtype, type ReadNpyOptions, readNpy, encodeNpy, writeNpy } from './npy.js';
export { type ReadCsvOptions, type CsvData, readCsv } from './csv.js';
export { type DigitsData, loadDigits, digitsPath, DIGITS_SAMPLES, DIGITS_FEATURES } from './digits.js';
export { centerSamples } from './center.js';
export { normalizeSamples } from './normalize.js';
export { grayscale, LUMA_WEIGHTS } from './grayscale.js';
export { type PcaWhitenOptions, pcaWhiten } from './pca-whiten.js';
export { jacobiEigen } from './jacobi-eigen.js';
export { type OrthonormalityDiagnostics, type DiagnosticsOptions, orthonormalityDiagnostics } from './diagnostics.js';
