import { SpecError, ntkTermsContribution, type Backend, type Matrix } from '@spec/core';
import {
  DEFAULT_BLOCK_BYTES,
  addInto,
  blockedRowGram,
  float64,
  mirrorLower,
  rowGram,
  samplesPerBlock,
} from './sample-gram.js';

/*
 * The products of a dense map applied at every position with shared weights, on the backend
 * (apps/docs/theory/architectures.md#dense). Activations are sample-major (row r = sample a, position p), so a batch
 * is the (n·L) × C matrix of its rows and the dense map is one matrix product: the spatial dense layer calls these on
 * its input, the convolution on its patches (a convolution is a dense map of the patches). Weights are C_out × C_in.
 */

function view(data: Float64Array, rows: number, cols: number): Matrix {
  return { rows, cols, data };
}

/** `y = α X Wᵀ` ((rows × C_out), X rows × C_in, W C_out × C_in), plus `s·b_o` on every row when `bias` is given. */
export function denseForward(
  backend: Backend,
  x: Float64Array,
  rows: number,
  W: Float64Array,
  cout: number,
  alpha: number,
  bias: { readonly b: Float64Array; readonly scale: number } | null,
): Float64Array {
  const cin = W.length / cout;
  const y = float64(backend.gemm(view(x, rows, cin), view(W, cout, cin), { transB: true, alpha }));
  if (bias !== null) {
    const { b, scale } = bias;
    for (let r = 0; r < rows; r++) {
      const o = r * cout;
      for (let c = 0; c < cout; c++) y[o + c] += scale * b[c];
    }
  }
  return y;
}

/** `∂f/∂x = α G W` (rows × C_in) for the output gradient G (rows × C_out). */
export function denseInputGradient(
  backend: Backend,
  g: Float64Array,
  rows: number,
  W: Float64Array,
  cout: number,
  alpha: number,
): Float64Array {
  const cin = W.length / cout;
  return float64(backend.gemm(view(g, rows, cout), view(W, cout, cin), { alpha }));
}

/** `∂f/∂W = α Gᵀ X` (C_out × C_in), the weight gradient summed over every row (samples and positions). */
export function denseWeightGradient(
  backend: Backend,
  g: Float64Array,
  x: Float64Array,
  rows: number,
  cout: number,
  cin: number,
  alpha: number,
): Float64Array {
  return float64(backend.gemm(view(g, rows, cout), view(x, rows, cin), { transA: true, alpha }));
}

/** `Σ_p s·g_a(p)` for every sample: the per-sample gradient of a bias of scale s added at every position (n × C). */
export function biasGradients(g: Float64Array, n: number, L: number, C: number, s: number): Float64Array {
  const sums = new Float64Array(n * C);
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < L; p++) {
      const o = (a * L + p) * C;
      for (let c = 0; c < C; c++) sums[a * C + c] += s * g[o + c];
    }
  }
  return sums;
}

/**
 * `s² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩` (n × n): the NTK share of a bias of scale s added at every position, for output
 * gradients g (n·L × C).
 */
export function biasNtk(backend: Backend, g: Float64Array, n: number, L: number, C: number, s: number): Float64Array {
  return rowGram(backend, biasGradients(g, n, L, C, s), n, C);
}

/**
 * The input rows of a dense map: the whole sample-major array (n·L × C_in), or a function giving the rows of samples
 * from … to − 1 ((to − from)·L × C_in) when they are made on demand (a convolution's patches), so that only the
 * blocks in use are held.
 */
export type SampleRows = Float64Array | ((from: number, to: number) => Float64Array);

/** Options of {@link denseWeightNtk}. */
export interface DenseWeightNtkOptions {
  /** Which route: by cost (`'auto'`, default), through position Grams, or through per-sample weight gradients. */
  readonly route?: 'auto' | 'position-gram' | 'per-sample';
  /** A bias of this scale added at every position (its share `s² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩` is included); default 0. */
  readonly biasScale?: number;
  /** Memory for the blocks held at once (default 256 MiB). */
  readonly blockBytes?: number;
}

/**
 * The NTK share of a dense map with weights shared over the L positions (apps/docs/theory/architectures.md#finite-layers):
 * `α² Σ_{p,q} ⟨x_a(p), x_b(q)⟩⟨g_a(p), g_b(q)⟩ + s² ⟨Σ_p g_a(p), Σ_q g_b(q)⟩` (n × n, exactly symmetric), for inputs x
 * ({@link SampleRows}, n·L × C_in) and output gradients g (n·L × C_out). With one position this is the MLP's dense share
 * `(α² X Xᵀ + s²) ⊙ G Gᵀ` and goes through the same routine (`ntkTermsContribution`). With several, by cost: position
 * Grams (O(n²L²(C_in + C_out))) or per-sample weight gradients `α Σ_p g_a(p) x_a(p)ᵀ` (O(nL C_in C_out + n² C_in C_out)),
 * both as backend products over blocks of samples of bounded memory.
 */
export function denseWeightNtk(
  backend: Backend,
  input: SampleRows,
  g: Float64Array,
  shape: { readonly n: number; readonly L: number; readonly cin: number; readonly cout: number },
  alpha: number,
  options: DenseWeightNtkOptions = {},
): Float64Array {
  const { n, L, cin, cout } = shape;
  if ((input instanceof Float64Array && input.length !== n * L * cin) || g.length !== n * L * cout) {
    throw new SpecError('E_SHAPE', 'dense: the output gradient does not match the input in samples or positions');
  }
  const x =
    input instanceof Float64Array ? (from: number, to: number) => input.subarray(from * L * cin, to * L * cin) : input;
  const s = options.biasScale ?? 0;
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  if (L === 1) {
    const terms = [
      {
        left: { rows: n, cols: cin, data: x(0, n) },
        right: { rows: n, cols: cout, data: g },
        a2: alpha * alpha,
        b2: s * s,
      },
    ];
    return float64(ntkTermsContribution(terms, backend)!);
  }
  const route = options.route ?? 'auto';
  const gramCost = (n * n * L * L * (cin + cout)) / 2;
  const sampleCost = n * L * cin * cout + (n * n * cin * cout) / 2;
  const theta =
    route === 'position-gram' || (route === 'auto' && gramCost <= sampleCost)
      ? positionGramNtk(backend, x, g, shape, alpha, blockBytes)
      : perSampleNtk(backend, x, g, shape, alpha, blockBytes);
  return s !== 0 ? addInto(theta, biasNtk(backend, g, n, L, cout, s)) : theta;
}

function positionGramNtk(
  backend: Backend,
  x: (from: number, to: number) => Float64Array,
  g: Float64Array,
  { n, L, cin, cout }: { n: number; L: number; cin: number; cout: number },
  alpha: number,
  blockBytes: number,
): Float64Array {
  // Blocks I, K of B samples: the (B·L)² Grams of their rows, Hadamard, summed over each L × L sample-pair block.
  const B = Math.max(1, Math.min(n, Math.floor(Math.sqrt(blockBytes / (16 * L * L)))));
  const theta = new Float64Array(n * n);
  const a2 = alpha * alpha;
  const xRows = (from: number, to: number): Matrix => view(x(from, to), (to - from) * L, cin);
  const gRows = (from: number, to: number): Matrix =>
    view(g.subarray(from * L * cout, to * L * cout), (to - from) * L, cout);
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    const XI = xRows(i0, i1);
    for (let k0 = 0; k0 <= i0; k0 += B) {
      const k1 = Math.min(n, k0 + B);
      const XX = float64(backend.gemm(XI, k0 === i0 ? XI : xRows(k0, k1), { transB: true }));
      const GG = float64(backend.gemm(gRows(i0, i1), gRows(k0, k1), { transB: true }));
      const width = (k1 - k0) * L;
      for (let a = i0; a < i1; a++) {
        for (let b = k0; b < Math.min(k1, a + 1); b++) {
          let sum = 0;
          for (let p = 0; p < L; p++) {
            const row = ((a - i0) * L + p) * width + (b - k0) * L;
            for (let q = 0; q < L; q++) sum += XX[row + q] * GG[row + q];
          }
          theta[a * n + b] = a2 * sum;
        }
      }
    }
  }
  return mirrorLower(theta, n);
}

function perSampleNtk(
  backend: Backend,
  x: (from: number, to: number) => Float64Array,
  g: Float64Array,
  { n, L, cin, cout }: { n: number; L: number; cin: number; cout: number },
  alpha: number,
  blockBytes: number,
): Float64Array {
  // ∂f(x_a)/∂W = α G_aᵀ X_a (C_out × C_in). Its rows for all samples rarely fit at once, so Θ is summed over chunks of
  // output channels, Θ = Σ_chunks J_c J_cᵀ, each chunk's rows made once for every sample (a chunk of at most half the
  // budget; when even one channel's rows do not fit, samples go in blocks and rows are recomputed per block pair).
  const half = blockBytes / 2;
  const channels = Math.max(1, Math.min(cout, Math.floor(half / (8 * n * cin))));
  const theta = new Float64Array(n * n);
  const gc = new Float64Array(L * channels);
  for (let o0 = 0; o0 < cout; o0 += channels) {
    const w = Math.min(cout, o0 + channels) - o0;
    const P = w * cin;
    const rowsOf = (from: number, to: number): Float64Array => {
      const J = new Float64Array((to - from) * P);
      for (let a = from; a < to; a++) {
        // G_a's columns o0 … o0 + w − 1 (L × w), then J_a = α G_cᵀ X_a (w × C_in).
        for (let p = 0; p < L; p++) {
          const src = (a * L + p) * cout + o0;
          for (let o = 0; o < w; o++) gc[p * w + o] = g[src + o];
        }
        const r = a - from;
        backend.gemm(view(gc.subarray(0, L * w), L, w), view(x(a, a + 1), L, cin), {
          transA: true,
          alpha,
          C: view(J.subarray(r * P, (r + 1) * P), w, cin),
        });
      }
      return J;
    };
    addInto(theta, blockedRowGram(backend, n, P, samplesPerBlock(n, P, half), rowsOf));
  }
  return theta;
}
