/**
 * Infinite-width NNGP and NTK of a dataset (apps/docs/theory/infinite-width.md#mlp-recursions): n = 2000 Gaussian
 * samples (N(0, 1/d0) entries, d0 = 50, as `spec infinite --data gaussian`), normalised tanh, depth 3 — what
 * `spec infinite --activation tanh --normalized --depth 3 --data gaussian --n 2000` computes. tanh has no closed-form
 * dual: both sides use Hermite coefficients per sample and Mehler sums over the n × n matrix
 * (apps/docs/theory/toolkit.md#gaussian-kernel-maps); the numpy side is bench/ref/infinite.py (which agrees with spec
 * to ~1e-12 on the same data).
 */
import { fileURLToPath } from 'node:url';
import { createRng, type Matrix } from '@spec/core';
import { infiniteKernelMatrices } from '@spec/nets';
import type { BenchCase } from './types.js';

const N = 2000;
const D0 = 50;
const REFERENCE = fileURLToPath(new URL('./ref/infinite.py', import.meta.url));

function gaussianData(n: number, d0: number): Matrix {
  const data = new Float64Array(d0 * n);
  createRng(0).split('data').fillNormal(data);
  const inv = 1 / Math.sqrt(d0);
  for (let i = 0; i < data.length; i++) data[i] *= inv;
  return { rows: d0, cols: n, data };
}

const cases: BenchCase[] = [
  {
    group: 'nets',
    name: `infinite-width NNGP+NTK n=${N} d0=${D0}, normalised tanh, depth 3 (tabulated dual)`,
    setup: () => gaussianData(N, D0),
    run: (X) => infiniteKernelMatrices(X as Matrix, { activation: 'tanh', normalized: true, depth: 3 }),
    numpy: `
exec(open(${JSON.stringify(REFERENCE)}).read().replace("if __name__ == '__main__':", 'if False:'))

def setup():
    rng = np.random.default_rng(0)
    return rng.standard_normal((${D0}, ${N})) / np.sqrt(${D0}), setup_rule()

def work(inputs):
    X, rule = inputs
    return infinite_kernels(X, 3, rule)
`,
    repeats: 3,
  },
];

export default cases;
