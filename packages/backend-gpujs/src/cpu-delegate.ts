import { type Backend, type Eigen, type Matrix, SpecError, assertSquare } from '@spec/core';

/** The float64 operations this backend delegates to the CPU. */
export type CpuDelegate = Pick<Backend, 'name' | 'eigvalsh' | 'eigh'>;

/**
 * Symmetric eigen-decomposition by cyclic Jacobi rotations in float64 — only a stand-in used while
 * `@spec/backend-cpu` cannot be loaded (it is O(n³) per sweep and meant for small n).
 */
export function jacobiEigen(S: Matrix): { values: Float64Array; vectors: Float64Array } {
  assertSquare(S, 'eigensolver input');
  const n = S.rows;
  const a = Float64Array.from(S.data);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(a[i]));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off = Math.max(off, Math.abs(a[p * n + q]));
    if (off <= 1e-15 * scale || off === 0) break;
    if (sweep === 99) throw new SpecError('E_CONVERGENCE', `Jacobi eigensolver did not converge for n = ${n} (off-diagonal ${off})`);
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

/** The stand-in delegate built on {@link jacobiEigen}. */
export const jacobiDelegate: CpuDelegate = {
  name: 'cpu:jacobi',
  eigvalsh: (S) => jacobiEigen(S).values,
  eigh(S, options): Eigen {
    const { values, vectors } = jacobiEigen(S);
    const n = S.rows;
    const k = Math.min(n, Math.max(0, options?.k ?? n));
    const out = new Float64Array(n * k);
    for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) out[r * k + j] = vectors[r * n + (n - k + j)];
    return { values: values.slice(n - k), vectors: { rows: n, cols: k, data: out } };
  },
};

/**
 * Loads the float64 CPU backend (`createCpuBackend()` of `@spec/backend-cpu`) for the eigensolvers;
 * falls back to {@link jacobiDelegate} when that package cannot be loaded.
 */
export async function loadCpuDelegate(): Promise<CpuDelegate> {
  const specifier = '@spec/backend-cpu';
  try {
    const mod = (await import(specifier)) as { createCpuBackend?: () => Backend | Promise<Backend> };
    if (typeof mod.createCpuBackend === 'function') return await mod.createCpuBackend();
  } catch {
    // not built yet or not installed: use the stand-in
  }
  return jacobiDelegate;
}
