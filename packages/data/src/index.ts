/**
 * @spec/data — data for kernel spectra: seeded synthetic data, Fashion-MNIST by name, readers for CIFAR-10
 * binary, MNIST IDX, .npy and CSV, subsets, preprocessing as the linear-width theory assumes (centring, PCA
 * whitening and deflation with the statistics of a whole split), orthonormality diagnostics, and embedded
 * UCI digits.
 * Files hold one sample per row; inside spec samples are columns (X is d0 × n).
 *
 * @packageDocumentation
 */
export {
  type DataSpec,
  type SyntheticDataSpec,
  type FileDataSpec,
  type FashionMnistDataSpec,
  type FashionMnistSplit,
  parseDataSpec,
  formatDataSpec,
  DATA_KINDS_PLAIN,
  DATA_KINDS_WITH_PATH,
} from './data-spec.js';
export {
  type Dataset,
  type LoadDatasetOptions,
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
  openCifar10,
  cifar10Files,
  CIFAR10_RECORD_BYTES,
  CIFAR10_PIXELS,
} from './cifar10.js';
export { type ReadIdxOptions, type IdxData, readIdx, readIdxLabels, readIdxShape, openIdxImages } from './idx.js';
export { FASHION_MNIST_DIR, FASHION_MNIST_CLASSES, openFashionMnist, openMnist } from './mnist.js';
export { type SampleTable } from './sample-table.js';
export {
  type NpyArray,
  type NpyDtype,
  type ReadNpyOptions,
  readNpy,
  readNpyShape,
  openNpy,
  encodeNpy,
  writeNpy,
} from './npy.js';
export {
  type ShapedData,
  type LoadShapedDataOptions,
  loadShapedData,
  DEFAULT_SHAPED_D0,
  SHAPED_DATA_KINDS,
} from './shaped-data.js';
export { type CircleDataOptions, type CircleData, circleData } from './circle.js';
export { type ReadCsvOptions, type CsvData, readCsv, openCsv } from './csv.js';
export { type DigitsData, loadDigits, digitsPath, DIGITS_SAMPLES, DIGITS_FEATURES } from './digits.js';
export { centerSamples } from './center.js';
export { normalizeSamples, columnNorms } from './normalize.js';
export { grayscale, LUMA_WEIGHTS } from './grayscale.js';
export {
  type PreprocessMethod,
  type PreprocessOptions,
  type StatisticsSource,
  PREPROCESS_FORMS,
  parsePreprocess,
  formatPreprocess,
} from './preprocess.js';
export {
  type SubsetRule,
  type SubsetOptions,
  type Subset,
  SUBSET_RULES,
  parseSubsetRule,
  selectSubset,
} from './subset.js';
export { type DataLinalg } from './linalg.js';
export { gramMatrix } from './gram.js';
export { type SampleStatistics, matrixStatistics, tableStatistics } from './statistics.js';
export {
  type PrincipalComponents,
  type PcaWhitenOptions,
  principalComponents,
  componentsFromStatistics,
  whitenWith,
  deflateWith,
  pcaWhiten,
  pcaDeflate,
} from './pca.js';
export {
  type OrthonormalityDiagnostics,
  type DiagnosticsOptions,
  ORTHOGONALITY_RATIO_LIMIT,
  orthonormalityDiagnostics,
} from './diagnostics.js';
