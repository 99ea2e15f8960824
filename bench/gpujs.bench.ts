/**
 * @spec/backend-gpujs against @spec/backend-cpu: gemm and Gram at n = 256, 512, 1024 in
 * gpu.js's webasm mode (what Node gets without headless-gl) vs the float64 CPU backend, each next to
 * numpy (float32 for gpujs, float64 for cpu), plus headless-gl where built. `pnpm bench gpujs`. Browser WebGL numbers: bench/browser/.
 */
import { createCpuBackend } from '@spec/backend-cpu';
import { type Backend, type Matrix, createRng } from '@spec/core';
import { createGpujsBackend } from '@spec/backend-gpujs';
import type { BenchCase } from './types.js';

const cpu = createCpuBackend();
const webasm = await createGpujsBackend({ mode: 'webasm' });
const webasmNoProbe = await createGpujsBackend({ mode: 'webasm', validate: false });
// headless-gl only where the optional gl package is built and a display exists (`xvfb-run -a pnpm bench gpujs`)
const headlessgl = await createGpujsBackend({ mode: 'headlessgl' }).catch(() => null);

const SIZES = [256, 512, 1024];

function gaussian(n: number, seed: number): Matrix {
  return cpu.randn(n, n, createRng(seed));
}

function numpy(op: 'gemm' | 'gram', n: number, dtype: 'float32' | 'float64'): string {
  return `
def setup():
    rng = np.random.default_rng(0)
    return rng.standard_normal((${n}, ${n})).astype(np.${dtype}), rng.standard_normal((${n}, ${n})).astype(np.${dtype})
def work(p):
    A, B = p
    return ${op === 'gemm' ? 'A @ B' : 'A.T @ A'}
`;
}

function cases(label: string, backend: Backend, dtype: 'float32' | 'float64', sizes: number[]): BenchCase[] {
  return sizes.flatMap((n): BenchCase[] => [
    {
      group: 'backend-gpujs',
      name: `${label} gemm ${n}×${n}`,
      repeats: n >= 1024 ? 3 : 5,
      setup: () => [gaussian(n, 1), gaussian(n, 2)],
      run: (p) => {
        const [A, B] = p as [Matrix, Matrix];
        return backend.gemm(A, B);
      },
      numpy: numpy('gemm', n, dtype),
    },
    {
      group: 'backend-gpujs',
      name: `${label} gram ${n}×${n}`,
      repeats: n >= 1024 ? 3 : 5,
      setup: () => gaussian(n, 3),
      run: (A) => backend.gram(A as Matrix),
      numpy: numpy('gram', n, dtype),
    },
  ]);
}

const all: BenchCase[] = [
  ...cases(webasm.name, webasm, 'float32', SIZES),
  ...cases(`${webasmNoProbe.name} (no probe)`, webasmNoProbe, 'float32', [1024]),
  ...(headlessgl ? cases(headlessgl.name, headlessgl, 'float32', SIZES) : []),
  ...cases(cpu.name, cpu, 'float64', SIZES),
];

export default all;
