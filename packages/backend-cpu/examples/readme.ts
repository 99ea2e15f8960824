import { createRng } from '@spec/core';
import { createCpuBackend } from '@spec/backend-cpu';

const cpu = createCpuBackend();
const X = cpu.randn(200, 100, createRng(0)); // d = 200 features × n = 100 samples
const K = cpu.gram(X); // XᵀX, 100 × 100, exactly symmetric
const spectrum = cpu.eigvalsh(K); // ascending, float64
const { values, vectors } = cpu.eigh(K, { k: 3 }); // the 3 largest, vectors is 100 × 3
console.log('largest eigenvalue', spectrum[99], 'from eigh', values[2], 'vectors', vectors.rows, '×', vectors.cols);
// The eigenvalues sum to the trace of XᵀX, i.e. the sum of the squared entries of X.
let squares = 0;
for (const x of X.data) squares += x * x;
const sum = spectrum.reduce((s, x) => s + x, 0);
console.log('sum of eigenvalues', sum, 'sum of squares', squares);
cpu.dispose();
