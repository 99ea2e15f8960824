/** Hot paths of @spec/backend-cpu, side by side with numpy (targets: Gram within 15× of numpy, eigvalsh 2000 ≤ 1×, 4000 ≤ 0.8×). */
import { type Matrix, createRng } from '@spec/core';
import { createCpuBackend } from '@spec/backend-cpu';
import type { BenchCase } from './types.js';

const cpu = createCpuBackend();
/** One thread, for the single-thread comparisons (numpy's BLAS capped to one thread too). */
const cpu1 = createCpuBackend({ threads: 1 });

function gaussian(rows: number, cols: number, seed: number): Matrix {
  return cpu.randn(rows, cols, createRng(seed));
}

/** A Wishart matrix XᵀX / d with d = n (the spectrum of a typical kernel). */
function wishart(n: number, seed: number): Matrix {
  const X = gaussian(n, n, seed);
  const G = cpu.gram(X);
  const data = G.data as Float64Array;
  for (let i = 0; i < data.length; i++) data[i] /= n;
  return G;
}

const NP_WISHART = (n: number): string => `
def setup():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((${n}, ${n}))
    return (X.T @ X) / ${n}
`;

const NP_GEMM = (n: number): string => `
def setup():
    rng = np.random.default_rng(0)
    return rng.standard_normal((${n}, ${n})), rng.standard_normal((${n}, ${n}))
def work(x):
    return x[0] @ x[1]
`;

const cases: BenchCase[] = [
  ...[1000, 2000].map((n): BenchCase => ({
    group: 'backend-cpu',
    name: `gemm ${n}×${n}`,
    repeats: 5,
    setup: () => [gaussian(n, n, 1), gaussian(n, n, 2)],
    run: (p) => {
      const [A, B] = p as [Matrix, Matrix];
      return cpu.gemm(A, B);
    },
    numpy: NP_GEMM(n),
    ...(n === 2000 ? { target: { maxRatio: 3, source: 'products, both threads' } } : {}),
  })),
  {
    group: 'backend-cpu',
    name: 'gemm 2000×2000, one thread each',
    repeats: 3,
    setup: () => [gaussian(2000, 2000, 1), gaussian(2000, 2000, 2)],
    run: (p) => {
      const [A, B] = p as [Matrix, Matrix];
      return cpu1.gemm(A, B);
    },
    numpy: NP_GEMM(2000),
    numpyThreads: 1,
    target: { maxRatio: 3.5, source: 'products, one thread' },
  },
  ...(
    [
      [1000, 2000],
      [2000, 1000],
    ] as const
  ).map(([d, n]): BenchCase => ({
    group: 'backend-cpu',
    name: `gram ${d}×${n} → ${n}×${n}`,
    repeats: 3,
    setup: () => gaussian(d, n, 3),
    run: (X) => cpu.gram(X as Matrix),
    numpy: `
def setup():
    return np.random.default_rng(0).standard_normal((${d}, ${n}))
def work(X):
    return X.T @ X
`,
    ...(d === 2000 ? { target: { maxRatio: 15, source: 'backend target' } } : {}),
  })),
  ...[1000, 2000, 4000].map((n): BenchCase => ({
    group: 'backend-cpu',
    name: `eigvalsh ${n} (Wishart)`,
    repeats: n >= 4000 ? 3 : n >= 2000 ? 5 : 7,
    setup: () => wishart(n, 4),
    run: (S) => cpu.eigvalsh(S as Matrix),
    numpy: `${NP_WISHART(n)}
def work(S):
    return np.linalg.eigvalsh(S)
`,
    ...(n === 2000 ? { target: { maxRatio: 1, source: 'two-stage eigensolver' } } : {}),
    ...(n === 4000 ? { target: { maxRatio: 0.8, source: 'two-stage eigensolver' } } : {}),
  })),
  {
    group: 'backend-cpu',
    name: 'eigh top-10 of 1000 (Wishart)',
    repeats: 3,
    setup: () => wishart(1000, 5),
    run: (S) => cpu.eigh(S as Matrix, { k: 10 }),
    // numpy has no partial symmetric solver; eigh computes all vectors (scipy's subset_by_index would be fairer).
    numpy: `${NP_WISHART(1000)}
def work(S):
    w, v = np.linalg.eigh(S)
    return w[-10:], v[:, -10:]
`,
  },
];

export default cases;
