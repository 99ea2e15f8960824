/**
 * @spec/backend-cpu — the float64 CPU backend of spec: register-tiled GEMM and Gram matrices, a two-stage
 * Householder + root-free QL symmetric eigensolver, and the kernels themselves as pure functions over
 * typed arrays. Importing the package registers the `cpu` backend in the default registry.
 *
 * @packageDocumentation
 */
import { registerCpuBackend } from './plugin.js';

export { createCpuBackend, type CpuBackendOptions } from './backend.js';
export { cpuBackendPlugin, registerCpuBackend } from './plugin.js';
export { dgemm } from './gemm.js';
export { dgram, dgramRows } from './gram.js';
export { dmatvec } from './matvec.js';
export { dmap, dhadamard } from './elementwise.js';
export { packRows } from './pack.js';
export { dotKernel } from './dot-kernel.js';
export { productKernel } from './product-kernel.js';
export {
  wasmDotKernel,
  wasmTiles,
  relaxedSimd,
  instantiateTiles,
  tileModuleBytes,
  sharedWasmMemory,
  SHARED_MAX_PAGES,
  WASM_MIN_DEPTH,
  type WasmTiles,
  type WasmMemory,
} from './wasm-kernel.js';
export {
  createThreadPool,
  sharedFloat64,
  splitRows,
  PARALLEL_MIN_WORK,
  type ThreadPool,
  type ReductionSession,
} from './thread-pool.js';
export { eigvalsh, eigh, type EighResult } from './eigen.js';
export { tridiagonalInverseIteration } from './tridiagonal-inverse-iteration.js';
export { checkSymmetric, SYMMETRY_TOLERANCE } from './symmetric-check.js';

registerCpuBackend();
