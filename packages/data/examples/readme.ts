import { createCpuBackend } from '@spec/backend-cpu';
import { createRng } from '@spec/core';
import { loadDataset, orthonormalityDiagnostics, parseDataSpec, parsePreprocess } from '@spec/data';

const rng = createRng(0);
const digits = await loadDataset(parseDataSpec('digits'), { rng }); // 64 × 1797, centred, unit norm
console.log(digits.d0, digits.n, orthonormalityDiagnostics(digits.X).effectiveDimension);

// Fashion-MNIST (apt-get install dataset-fashion-mnist): 2000 images, 200 per class, PCA-whitened to 500
// directions with the covariance of all 60 000 training images. A backend makes the d0 = 784 eigenproblem fast.
const backend = createCpuBackend();
const fm = await loadDataset(parseDataSpec('fashion-mnist:train'), {
  rng,
  n: 2000,
  subset: 'balanced',
  preprocess: parsePreprocess('whiten:500'),
  linalg: backend,
});
const diag = orthonormalityDiagnostics(fm.X, { linalg: backend });
console.log(fm.d0, diag.orthogonalityRatio, diag.spikes, diag.warning ?? 'the Fan–Wang limit is expected to hold');
