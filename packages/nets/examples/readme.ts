import { createCpuBackend } from '@spec/backend-cpu';
import { createRng } from '@spec/core';
import { empiricalKernels, gaussianConstants, initNetwork, mlp, normalizeActivation, tanh } from '@spec/nets';

const backend = createCpuBackend();
const [n, d0] = [300, 200];
const rng = createRng(0);
const X = backend.randn(d0, n, rng.split('data')); // N(0, 1) entries …
X.data.forEach((v, i) => (X.data[i] = v / Math.sqrt(d0))); // … scaled so columns have norm ≈ 1

const act = normalizeActivation(tanh); // mean 0, variance 1 under N(0, 1)
const net = mlp({ inputDim: d0, widths: [400, 400], activation: act }); // fan-wang, ±1 readout
const params = initNetwork(net, rng.split('weights'));
const { ck, ntk } = empiricalKernels(net, params, X, backend, { kernel: 'both' });
const ckEigs = backend.eigvalsh(ck!);
const ntkEigs = backend.eigvalsh(ntk!);
const { a } = gaussianConstants(act);
console.log('CK mean', ckEigs.reduce((s, x) => s + x, 0) / n, 'vs 1');
console.log('NTK mean', ntkEigs.reduce((s, x) => s + x, 0) / n, 'vs', 1 + a + a * a); // two hidden layers
backend.dispose();
