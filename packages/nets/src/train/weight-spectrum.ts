import { SpecError, type Backend, type Matrix } from '@spec/core';

/** Spectrum of a weight matrix as {@link weightSpectrum} returns it. */
export interface WeightSpectrum {
  /** The min(h, d) eigenvalues of WᵀW/h (equivalently WWᵀ/h), ascending: squared singular values of W/√h. */
  readonly eigenvalues: Float64Array;
  /** Unit top right singular vector v₁ of W (length d, the input side); its sign is arbitrary. */
  readonly topRightVector: Float64Array;
  /**
   * Marchenko–Pastur right edge (1 + √(d/h))² of WᵀW/h for i.i.d. N(0, 1) entries
   * (apps/docs/theory/spectral-evolution.md#quantities, apps/docs/theory/toolkit.md#marchenko-pastur).
   */
  readonly mpEdge: number;
}

/**
 * Eigenvalues of the Gram WᵀW/h of an h × d weight matrix W (apps/docs/theory/spectral-evolution.md#training-setups
 * "Matrices monitored"), computed on the smaller side: WᵀW/h (d × d) when d ≤ h, otherwise WWᵀ/h (h × h), which has the
 * same nonzero eigenvalues — so the ESD is over min(h, d) values and the zero atom of the larger Gram is left out. The
 * top right singular vector is the top eigenvector of WᵀW, or Wᵀu₁/‖Wᵀu₁‖ from the smaller side.
 *
 * @throws SpecError `E_SHAPE` for a matrix with a side < 2
 */
export function weightSpectrum(W: Matrix, backend: Backend): WeightSpectrum {
  const h = W.rows;
  const d = W.cols;
  if (h < 2 || d < 2) throw new SpecError('E_SHAPE', `weight spectrum: W must be at least 2 × 2, got ${h} × ${d}`);
  const small = d <= h ? backend.gram(W) : backend.gemm(W, W, { transB: true });
  const m = small.rows;
  const S: Matrix = { rows: m, cols: m, data: Float64Array.from(small.data, (v) => v / h) };
  // All eigenvalues, but only the top eigenvector: a full eigh accumulates m³ rotations. One decomposition gives both
  // where the backend returns `allValues` (the bits of eigvalsh), else eigvalsh besides.
  const r = backend.eigh(S, { k: 1, allValues: true });
  const values = r.allValues ?? backend.eigvalsh(S);
  const vectors = r.vectors;
  const top = new Float64Array(m);
  for (let i = 0; i < m; i++) top[i] = vectors.data[i * vectors.cols];
  let v1: Float64Array;
  if (d <= h) v1 = top;
  else {
    v1 = backend.matvec(W, top, { trans: true });
    let s = 0;
    for (const x of v1) s += x * x;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < d; i++) v1[i] *= inv;
  }
  return { eigenvalues: Float64Array.from(values), topRightVector: v1, mpEdge: (1 + Math.sqrt(d / h)) ** 2 };
}
