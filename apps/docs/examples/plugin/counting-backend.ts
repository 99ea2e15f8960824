import { createCpuBackend } from '@spec/backend-cpu';
import type { Backend, BackendFactory, BackendOp } from '@spec/core';

/** A backend plus the number of times each operation ran. */
export interface CountingBackend extends Backend {
  /** Calls per operation so far. */
  readonly counts: Readonly<Record<BackendOp, number>>;
}

/**
 * A backend wrapper: every operation is delegated to the float64 CPU backend and counted. The same
 * pattern wraps any backend (timing, logging, a GPU backend that hands `eigvalsh` to the CPU…).
 */
export function createCountingBackend(inner: Backend = createCpuBackend()): CountingBackend {
  const counts: Record<BackendOp, number> = {
    gemm: 0,
    gram: 0,
    map: 0,
    hadamard: 0,
    eigvalsh: 0,
    eigh: 0,
    matvec: 0,
    randn: 0,
  };
  const tick = (op: BackendOp): void => {
    counts[op] += 1;
  };
  return {
    name: `counting(${inner.name})`,
    precision: inner.precision,
    counts,
    gemm: (A, B, options) => (tick('gemm'), inner.gemm(A, B, options)),
    gram: (A, options) => (tick('gram'), inner.gram(A, options)),
    map: (A, activation, mode) => (tick('map'), inner.map(A, activation, mode)),
    hadamard: (A, B) => (tick('hadamard'), inner.hadamard(A, B)),
    eigvalsh: (S) => (tick('eigvalsh'), inner.eigvalsh(S)),
    eigh: (S, options) => (tick('eigh'), inner.eigh(S, options)),
    matvec: (A, x, options) => (tick('matvec'), inner.matvec(A, x, options)),
    randn: (rows, cols, rng) => (tick('randn'), inner.randn(rows, cols, rng)),
    computedBy: (op) => inner.computedBy(op),
    dispose: () => inner.dispose(),
  };
}

/** The factory that the plugin registers (`--backend counting`). */
export const countingBackendFactory: BackendFactory = {
  name: 'counting',
  description: 'the CPU backend, counting every operation',
  create: async () => createCountingBackend(),
};
