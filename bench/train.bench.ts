/**
 * Training with monitors and kernel GD (apps/docs/theory/spectral-evolution.md#quantities,
 * apps/docs/theory/infinite-width.md#kernel-gradient-descent): the work of `spec train --n 800 --widths 700 --steps 1`
 * without the CLI's start-up, and kernel GD on an 800-point NTK (400 test points) by its two routes: the recursion for
 * 100 steps and the eigendecomposition (numpy: `eigh` of the same kernel).
 */
import { createCpuBackend } from '@spec/backend-cpu';
import { columnRange, createRng, type Backend, type Matrix } from '@spec/core';
import { singleIndexTeacher } from '@spec/data';
import { initNetwork, kernelGdPredictor, mlp, normalizeActivation, tanh, type KernelGdRoute } from '@spec/nets';
import { train } from '@spec/experiments';
import type { BenchCase } from './types.js';

let shared: Backend | undefined;
const backend = (): Backend => (shared ??= createCpuBackend());

/** `spec train`'s defaults at n = 800, widths 700: d0 = 200, 400 test points, normalised tanh, gd at lr 1, one step. */
function trainJob(): number {
  const n = 800;
  const testN = 400;
  const d0 = 200;
  const rng = createRng(0);
  const data = singleIndexTeacher({ n: n + testN, d0, link: Math.tanh, noise: 0.1, rng: rng.split('data') });
  const activation = normalizeActivation(tanh);
  const net = mlp({ inputDim: d0, widths: [700], activation });
  let records = 0;
  train({
    net,
    params: initNetwork(net, rng.split('network')),
    X: columnRange(data.X, 0, n),
    y: data.y.subarray(0, n),
    Xtest: columnRange(data.X, n, testN),
    ytest: data.y.subarray(n),
    optimizer: 'gd',
    lr: 1,
    steps: 1,
    backend: backend(),
    rng: rng.split('train'),
    monitors: { beta: data.beta, kernelEdges: { limit: { activation, input: { kind: 'mp' } } } },
    onCheckpoint: () => void records++,
  });
  return records;
}

/** A PSD 800 × 800 kernel with its 400 × 800 test block (the Gram of 1200 random points in 1200 dimensions). */
function kernels(): {
  theta: Matrix;
  cross: Matrix;
  y: Float64Array;
  f0: Float64Array;
  f0Cross: Float64Array;
  lambdaMax: number;
} {
  const b = backend();
  const rng = createRng(1);
  const n = 800;
  const m = 400;
  const full = b.gram(b.randn(n + m, n + m, rng));
  const theta: Matrix = { rows: n, cols: n, data: new Float64Array(n * n) };
  const cross: Matrix = { rows: m, cols: n, data: new Float64Array(m * n) };
  for (let i = 0; i < n; i++) theta.data.set(full.data.subarray(i * (n + m), i * (n + m) + n), i * n);
  for (let a = 0; a < m; a++) cross.data.set(full.data.subarray((n + a) * (n + m), (n + a) * (n + m) + n), a * n);
  const normal = (k: number): Float64Array => Float64Array.from({ length: k }, () => rng.normal());
  // λ_max as a training run has it from its NTK monitor (untimed).
  const lambdaMax = b.eigvalsh(theta)[n - 1];
  return { theta, cross, y: normal(n), f0: normal(n), f0Cross: normal(m), lambdaMax };
}

function kernelGd(prepared: unknown, route: KernelGdRoute): number {
  const k = prepared as ReturnType<typeof kernels>;
  const p = kernelGdPredictor({ ...k, rate: 1 / k.lambdaMax, backend: backend(), steps: 100, route });
  return p.predict(100).train[0];
}

const NUMPY_EIGH = `
def setup():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((1200, 1200))
    return (A.T @ A)[:800, :800]

def work(S):
    return np.linalg.eigh(S)
`;

const cases: BenchCase[] = [
  {
    group: 'train',
    name: 'train n=800 (+400 test) d0=200 widths 700 tanh, gd 1 step: monitors, limit edges, kernel GD (emp + inf)',
    run: trainJob,
    repeats: 3,
  },
  {
    group: 'train',
    name: 'kernel GD n=800 (+400) to step 100: recursion route',
    setup: kernels,
    run: (k) => kernelGd(k, 'recursion'),
    repeats: 3,
  },
  {
    group: 'train',
    name: 'kernel GD n=800 (+400) to step 100: eigen route (numpy: eigh 800)',
    setup: kernels,
    run: (k) => kernelGd(k, 'eigen'),
    numpy: NUMPY_EIGH,
    repeats: 3,
  },
];

export default cases;
