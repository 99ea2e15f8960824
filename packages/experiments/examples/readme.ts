import { createCpuBackend } from '@spec/backend-cpu';
import { createRng } from '@spec/core';
import { gaussianData } from '@spec/data';
import { spectrumJob } from '@spec/experiments';
import { normalizeActivation, tanh } from '@spec/nets';

const backend = createCpuBackend();
const rng = createRng(0);
const X = gaussianData({ n: 400, d0: 300, rng: rng.split('data') }); // N(0, 1/d0) entries: columns of norm ≈ 1
const result = spectrumJob({ X, widths: [500, 500], activation: normalizeActivation(tanh), backend, rng });
console.log('CK KS', result.ck!.ks, 'NTK KS', result.ntk!.ks); // distance to the limit laws' CDFs
console.log('NTK mean', result.ntk!.mean, 'limit', result.ntk!.limit!.mean);
backend.dispose();
