/**
 * The finite-width empirical CK and NTK of a CNN-GAP (apps/docs/theory/architectures.md#finite-layers): conv 3×3 SAME
 * → relu → conv 3×3 SAME → relu → global_avg_pool → dense (W_std = 1.4, b_std = 0.1), width 128, on 200 images 8 × 8
 * × 1 — what `spec spectrum --arch` and the monitors of `spec train --arch` compute before the eigenvalues. The numpy
 * side is the straightforward vectorised implementation, bench/ref/cnn_gap_finite.py (im2col, one matmul per conv,
 * per-sample weight gradients by einsum and their Gram), which the tests also use as the independent reference.
 */
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Backend, type Activations } from '@spec/core';
import { initSpatialNetwork, spatialEmpiricalKernels, spatialNetworkFromSpec } from '@spec/nets';
import { CNN_GAP } from './kernel-maps.bench.js';
import type { BenchCase } from './types.js';

const N = 200;
const WIDTH = 128;

let shared: Backend | undefined;

const NUMPY_CNN_GAP_FINITE = `
import importlib.util, pathlib
_spec = importlib.util.spec_from_file_location('cnn_gap_finite', pathlib.Path('bench/ref/cnn_gap_finite.py'))
_ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ref)

def setup():
    rng = np.random.default_rng(0)
    return rng.standard_normal((${N}, 8, 8, 1)), _ref.params(1, ${WIDTH}, rng)

def work(inputs):
    return _ref.empirical_kernels(*inputs)
`;

const cases: BenchCase[] = [
  {
    group: 'nets',
    name: `finite CNN-GAP empirical CK+NTK, width ${WIDTH}, ${N} images 8×8×1 (conv3×3-relu-conv3×3-relu-GAP-dense)`,
    setup: () => {
      shared ??= createCpuBackend();
      const rng = createRng(0);
      const net = spatialNetworkFromSpec(CNN_GAP, { width: WIDTH });
      const x: Activations = { data: new Float64Array(N * 64), samples: N, spatial: [8, 8], channels: 1 };
      rng.split('x').fillNormal(x.data);
      const { params } = initSpatialNetwork(net.layers, { spatial: [8, 8], channels: 1 }, rng.split('params'));
      return { layers: net.layers, params, x };
    },
    run: (prepared) => {
      const { layers, params, x } = prepared as {
        layers: Parameters<typeof spatialEmpiricalKernels>[0];
        params: Parameters<typeof spatialEmpiricalKernels>[1];
        x: Activations;
      };
      return spatialEmpiricalKernels(layers, params, x, shared!);
    },
    numpy: NUMPY_CNN_GAP_FINITE,
    repeats: 3,
  },
];

export default cases;
