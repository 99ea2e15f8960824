/**
 * The infinite-width NNGP and NTK of a CNN-GAP (apps/docs/theory/architectures.md#convolution, #activations,
 * #global-average-pooling): conv 3×3 SAME → relu → conv 3×3 SAME → relu → global_avg_pool → dense (W_std = 1.4,
 * b_std = 0.1) on 64 images 8 × 8 × 3, through the full spatial record (n²L² = 1.7e7 entries per kernel). The numpy
 * side is the straightforward vectorised implementation of the same maps, bench/ref/cnn_gap_kernel.py. Target: half of
 * numpy's time. The same for a residual CNN with LayerNorm (pair by pair since LayerNorm and residual sums have block
 * maps; no target).
 */
import { architectureKernelMatrices, type ArchitectureSpec } from '@spec/nets';
import type { BenchCase } from './types.js';

const N = 64;
const SIZE = 8;
const CHANNELS = 3;
const SHAPE = [N, SIZE, SIZE, CHANNELS];

export const CNN_GAP: ArchitectureSpec = [
  { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
  { layer: 'relu' },
  { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
  { layer: 'relu' },
  { layer: 'global_avg_pool' },
  { layer: 'dense', W_std: 1.4, b_std: 0.1 },
];

/** A residual CNN with LayerNorm (bench/ref/cnn_gap_kernel.py's `resnet_ln_kernels`). */
export const RESNET_LN: ArchitectureSpec = [
  { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
  {
    layer: 'residual',
    branch: [
      { layer: 'layernorm' },
      { layer: 'relu' },
      { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
    ],
  },
  { layer: 'layernorm' },
  { layer: 'relu' },
  { layer: 'global_avg_pool' },
  { layer: 'dense', W_std: 1.4, b_std: 0.1 },
];

/** Deterministic images, the same formula in both languages: x[a,h,w,c] = sin(1 + 0.7a + 1.3(h + 2w) + 2.1c) + 0.8 cos(0.9a + 0.4c + 0.3). */
export function images(): Float64Array {
  const X = new Float64Array(N * SIZE * SIZE * CHANNELS);
  for (let a = 0; a < N; a++) {
    for (let h = 0; h < SIZE; h++) {
      for (let w = 0; w < SIZE; w++) {
        for (let c = 0; c < CHANNELS; c++) {
          X[((a * SIZE + h) * SIZE + w) * CHANNELS + c] =
            Math.sin(1 + 0.7 * a + 1.3 * (h + 2 * w) + 2.1 * c) + 0.8 * Math.cos(0.9 * a + 0.4 * c + 0.3);
        }
      }
    }
  }
  return X;
}

/** bench/ref/cnn_gap_kernel.py's maps as a bench snippet (setup: the images; work: the kernels). */
const NUMPY_CNN_GAP = `
import importlib.util, pathlib
_spec = importlib.util.spec_from_file_location('cnn_gap_kernel', pathlib.Path('bench/ref/cnn_gap_kernel.py'))
_ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ref)

def setup():
    a, h, w, c = np.meshgrid(np.arange(${N}), np.arange(${SIZE}), np.arange(${SIZE}), np.arange(${CHANNELS}), indexing='ij')
    return np.sin(1 + 0.7 * a + 1.3 * (h + 2 * w) + 2.1 * c) + 0.8 * np.cos(0.9 * a + 0.4 * c + 0.3)

def work(X):
    return _ref.cnn_gap_kernels(X)
`;

const NUMPY_RESNET_LN = NUMPY_CNN_GAP.replace('_ref.cnn_gap_kernels(X)', '_ref.resnet_ln_kernels(X)');

const cases: BenchCase[] = [
  {
    group: 'nets',
    name: `infinite-width CNN-GAP NNGP+NTK, 64 images 8×8×3 (conv3×3-relu-conv3×3-relu-GAP-dense, full record)`,
    setup: images,
    run: (X) => architectureKernelMatrices({ spec: CNN_GAP, data: X as Float64Array, shape: SHAPE }),
    numpy: NUMPY_CNN_GAP,
    repeats: 3,
    target: { maxRatio: 0.5, source: 'architecture kernel maps target' },
  },
  {
    group: 'nets',
    name: `infinite-width residual CNN with LayerNorm NNGP+NTK, 64 images 8×8×3 (conv-residual[LN-relu-conv]-LN-relu-GAP-dense)`,
    setup: images,
    run: (X) => architectureKernelMatrices({ spec: RESNET_LN, data: X as Float64Array, shape: SHAPE }),
    numpy: NUMPY_RESNET_LN,
    repeats: 3,
  },
];

export default cases;
