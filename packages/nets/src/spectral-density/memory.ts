import { SpecError } from '@spec/core';

/** Sizes that drive the memory of a spectrum job. */
export interface SpectrumSizes {
  readonly n: number;
  readonly d0: number;
  readonly widths: ReadonlyArray<number>;
  readonly kernel: 'ck' | 'ntk' | 'both';
}

const F64 = 8;

/** Bytes of the network itself: the data, weights, pre-activations and activations kept by the forward pass. */
function networkBytes({ n, d0, widths }: SpectrumSizes): number {
  let bytes = d0 * n;
  let prev = d0;
  for (const d of widths) {
    bytes += d * prev + 2 * d * n; // W_ℓ, H_ℓ, X_ℓ
    prev = d;
  }
  // The largest product's temporaries: its two packed operands and its result (the CPU backend's wasm slabs are
  // O(n·256), negligible).
  const widest = Math.max(d0, ...widths);
  return F64 * (bytes + 3 * widest * n);
}

/**
 * Estimated peak bytes of the dense path: the network plus the n × n matrices alive at once — every layer's
 * Gram K_ℓ (kept for the NTK), the NTK, the three temporaries of a layer's contribution (S_ℓᵀS_ℓ, X_{ℓ−1}ᵀX_{ℓ−1},
 * their Hadamard product) and the eigensolver's two working copies. CK alone with d_L < n needs only d_L × d_L ones.
 */
export function denseSpectrumBytes(sizes: SpectrumSizes): number {
  const { n, widths, kernel } = sizes;
  const L = widths.length;
  const dL = widths[L - 1];
  // CK alone with d_L < n goes through the d_L × d_L matrix X_L X_Lᵀ (and its two eigensolver copies).
  if (kernel === 'ck' && dL < n) return networkBytes(sizes) + F64 * (3 * dL * dL + n);
  const squares = kernel === 'ck' ? 1 + 2 : L + 1 + 1 + 3 + 2;
  return networkBytes(sizes) + F64 * squares * n * n;
}

/**
 * Estimated peak bytes of the SLQ path: the network, one n × n NTK (built in place, layer by layer, with the two
 * Gram temporaries and the Hadamard product of one layer; none for the CK, which is applied as X_Lᵀ(X_L v)), and the Lanczos bases
 * (probes · (steps + 3) · n).
 */
export function slqSpectrumBytes(sizes: SpectrumSizes, probes: number, steps: number): number {
  const { n, widths, kernel } = sizes;
  const squares = kernel === 'ck' ? 0 : 4;
  const transposedFeatures = kernel === 'ntk' ? 0 : widths[widths.length - 1] * n; // X_Lᵀ, kept for the CK products
  return networkBytes(sizes) + F64 * (squares * n * n + transposedFeatures + probes * (steps + 3) * n);
}

/** Memory the job may use: 80% of the machine's total memory (Node), or Infinity where it cannot be known. */
export function availableMemoryBytes(): number {
  if (typeof process === 'undefined' || typeof process.getBuiltinModule !== 'function') return Infinity;
  const os = process.getBuiltinModule('node:os');
  return 0.8 * os.totalmem();
}

function gb(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * Throws `E_MEMORY` (before anything is allocated) when `need` bytes exceed `limit`, saying how much the job
 * would need and what to try.
 */
export function assertFitsInMemory(need: number, limit: number, what: string, advice: string): void {
  if (need > limit) {
    throw new SpecError('E_MEMORY', `${what} would need about ${gb(need)} but only ${gb(limit)} may be used (80% of this machine's memory); ${advice}`);
  }
}
