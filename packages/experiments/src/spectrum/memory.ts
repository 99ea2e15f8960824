import { assertFitsInMemory, availableMemoryBytes } from '@spec/core';

export { assertFitsInMemory, availableMemoryBytes };

/** n above which `method: 'auto'` chooses SLQ; up to it the dense path copies the CK from the readout's Gram. */
export const SLQ_AUTO_MIN_N = 6000;

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
 * The CPU backend's two packing buffers of threaded products (`ThreadPool.scratch`), which grow to the largest
 * packed operand and stay: slot 0 holds op(A) (a weight matrix, or Xᵀ of a Gram), slot 1 op(B)ᵀ (an n × d
 * activation, or the n × n NTK when the SLQ applies it).
 */
function packingBytes({ n, d0, widths }: SpectrumSizes, storedNtk: boolean): number {
  const dims = [d0, ...widths];
  const widest = Math.max(...dims);
  let weights = 0;
  for (let i = 1; i < dims.length; i++) weights = Math.max(weights, dims[i] * dims[i - 1]);
  return F64 * (Math.max(weights, n * widest) + Math.max(n * widest, storedNtk ? n * n : 0));
}

/**
 * Peak bytes held by `leanNtk` (spectral-density/lean-kernels.ts), by replaying what it allocates and releases:
 * the forward pass keeps X, every W_ℓ, every σ′(H_ℓ) (written over H_ℓ) and every X_ℓ; the backward pass of layer ℓ
 * forms S_ℓ in place, allocates G_{ℓ−1} and releases W_ℓ, G_ℓ, S_ℓ (after its Gram) and X_{ℓ−1} (after its Gram),
 * with the accumulated NTK and at most two n × n Grams alive. Returns the peak and what is still alive at the end
 * (X, the NTK, and X_L when `keepFeatures`, or the CK with `ckGram`). Packing buffers not included.
 */
function leanNtkBytes(
  { n, d0, widths }: SpectrumSizes,
  keepFeatures: boolean,
  ckGram = false,
): { peak: number; after: number } {
  const dims = [d0, ...widths, 1];
  const L = dims.length - 2; // index of the readout layer
  let alive = d0 * n;
  for (let i = 0; i <= L; i++) alive += dims[i + 1] * dims[i] + dims[i + 1] * n + (i < L ? dims[i + 1] * n : 0);
  let peak = alive;
  const bump = (bytes: number): void => {
    alive += bytes;
    peak = Math.max(peak, alive);
  };
  for (let i = L; i >= 0; i--) {
    const dOut = dims[i + 1];
    const dIn = dims[i];
    if (i < L) alive -= dOut * n; // G_ℓ, consumed into S_ℓ
    if (i > 0) bump(dIn * n); // G_{ℓ−1}
    alive -= dOut * dIn; // W_ℓ
    bump(n * n); // T: S_ℓᵀS_ℓ, or X_LᵀX_L for the readout
    if (i === L && ckGram) bump(n * n); // its copy, the CK
    alive -= dOut * n; // S_ℓ
    if (dOut > 1) bump(n * n); // X_{ℓ−1}ᵀX_{ℓ−1}
    if (i > 0 && !(i === L && keepFeatures)) alive -= dIn * n; // X_{ℓ−1}
    if (dOut > 1) alive -= n * n; // the input Gram, once added
    if (i < L) alive -= n * n; // T, once added into the NTK (the readout's T becomes the NTK)
  }
  return { peak: F64 * peak, after: F64 * alive };
}

/**
 * Estimated peak bytes of the dense path. With the NTK (every spectrum job's network is all-dense, so `leanNtk`
 * builds it): the larger of `leanNtk`'s peak and the eigenvalue phase (X, the NTK, the CK and the eigensolver's
 * working copy), plus the backend's packing buffers. CK alone: the network plus its Gram and the eigensolver's
 * copy, or, with d_L < n, only d_L × d_L ones.
 */
export function denseSpectrumBytes(sizes: SpectrumSizes): number {
  const { n, d0, widths, kernel } = sizes;
  const L = widths.length;
  const dL = widths[L - 1];
  // CK alone with d_L < n goes through the d_L × d_L matrix X_L X_Lᵀ (and its two eigensolver copies).
  if (kernel === 'ck' && dL < n) return networkBytes(sizes) + F64 * (3 * dL * dL + n);
  if (kernel === 'ck') return networkBytes(sizes) + F64 * 3 * n * n;
  // As spectrumJob: up to SLQ_AUTO_MIN_N the CK is a copy of the readout's Gram, beyond it the Gram of a kept X_L.
  const ckGram = kernel === 'both' && n <= SLQ_AUTO_MIN_N;
  const lean = leanNtkBytes(sizes, kernel === 'both' && !ckGram, ckGram);
  const eigen = F64 * (d0 * n + (kernel === 'both' ? 3 : 2) * n * n + (kernel === 'both' && !ckGram ? dL * n : 0));
  return Math.max(lean.peak, eigen) + packingBytes(sizes, false);
}

/**
 * Estimated peak bytes of the SLQ path: the network and the NTK as {@link denseSpectrumBytes} builds it (none for
 * the CK alone, which is applied as X_Lᵀ(X_L v)), then X_Lᵀ for the CK products and the Lanczos bases
 * (probes · (steps + 3) · n), plus the backend's packing buffers (one of which holds the n × n NTK while it is applied).
 */
export function slqSpectrumBytes(sizes: SpectrumSizes, probes: number, steps: number): number {
  const { n, widths, kernel } = sizes;
  const dL = widths[widths.length - 1];
  const bases = F64 * probes * (steps + 3) * n;
  if (kernel === 'ck') return networkBytes(sizes) + F64 * dL * n + bases;
  const lean = leanNtkBytes(sizes, kernel === 'both');
  const transposedFeatures = kernel === 'both' ? F64 * dL * n : 0; // X_Lᵀ, formed after the NTK
  return Math.max(lean.peak, lean.after + transposedFeatures + bases) + packingBytes(sizes, true);
}

/**
 * Estimated peak bytes of the SLQ path with the tiled (matrix-free) NTK: the forward pass's network, then the factors
 * X_ℓ and S_ℓ of every layer with their transposed copies while they are made (n·(d₀ + 2·Σ d_ℓ + 1) doubles, twice),
 * X_Lᵀ for the CK, the Lanczos bases, a few tiles and the factored form's two n × d scratch arrays — no n × n matrix.
 */
export function tiledSlqSpectrumBytes(sizes: SpectrumSizes, probes: number, steps: number, tile = 512): number {
  const { n, d0, widths, kernel } = sizes;
  const factors = n * (d0 + 2 * widths.reduce((a, b) => a + b, 0) + 1);
  const dL = widths[widths.length - 1];
  const ck = kernel === 'both' ? dL * n : 0;
  const t = Math.min(tile, n);
  // A call in the factored form holds one n × d scratch of scaled rows and one n × d product (d the widest layer).
  const factored = 2 * n * Math.max(d0, ...widths);
  return (
    networkBytes(sizes) +
    F64 * (2 * factors + ck + probes * (steps + 3) * n + 4 * t * t + factored) +
    packingBytes(sizes, false)
  );
}
