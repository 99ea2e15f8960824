import {
  SpecError,
  ntkTermsContribution,
  type Activations,
  type Backend,
  type BlockKernelMap,
  type Layer,
  type LayerFactory,
  type LayerParams,
  type Matrix,
  type NtkTerm,
  type SpatialKernelMapFactory,
} from '@spec/core';

/** Options of the `scaledDense` layer. */
export interface ScaledDenseOptions {
  /** Output channels C_out (an MLP's width). */
  readonly width: number;
  /** Weight standard deviation σ_w (default 1). */
  readonly weightStd?: number;
}

/** What the layer keeps for its backward pass: its input. */
interface ScaledDenseCache {
  readonly x: Activations;
}

/**
 * A bias-free dense layer in the NTK parametrisation, the same weights at every position (a 1 × 1 convolution):
 * `y(a, p) = (σ_w/√C_in) W x(a, p)` with W_ij ~ N(0, 1). Activations are row-major (samples, positions, channels); an
 * MLP's have no positions. One object holds the finite layer (init, apply, vjp), its empirical-NTK share (`ntkTerms`,
 * factored, and `ntk` derived from it) and its infinite-width kernel map, so the two cannot drift apart — and every
 * kernel route of spec (stored, memory-lean, matrix-free, SLQ, infinite width) takes it, as it takes the built-ins.
 */
export function scaledDense(options: ScaledDenseOptions): Layer<ScaledDenseCache> {
  const { width, weightStd = 1 } = options;
  if (!Number.isInteger(width) || width < 1)
    throw new SpecError('E_INPUT', `scaledDense: width must be a positive integer, got ${width}`);
  if (!(typeof weightStd === 'number' && weightStd > 0 && Number.isFinite(weightStd)))
    throw new SpecError('E_INPUT', `scaledDense: weightStd must be a positive number, got ${weightStd}`);
  const scale = (cin: number): number => weightStd / Math.sqrt(cin);
  /** The (sample, position) rows of activations with `channels` columns, as a matrix over the same data. */
  const rows = (channels: number, data: Float64Array): Matrix => ({
    rows: data.length / channels,
    cols: channels,
    data,
  });
  const like = (x: Activations, data: ArrayLike<number>, channels: number): Activations => ({
    data: Float64Array.from(data),
    samples: x.samples,
    spatial: x.spatial,
    channels,
  });
  const weights = (params: LayerParams, cin: number): Matrix => {
    const W = params.W;
    if (W === undefined || W.length !== width * cin)
      throw new SpecError('E_SHAPE', `scaledDense: W must hold ${width} × ${cin} numbers`);
    return { rows: width, cols: cin, data: W };
  };

  /**
   * The layer's share of the empirical NTK in factored form, with its backward step. Θ_W(a, b) = ⟨∇_W f(x_a), ∇_W f(x_b)⟩
   * with ∇_W f(x_a) = s Σ_p g(a, p) x(a, p)ᵀ. Without positions this is s² (x_a·x_b)(g_a·g_b): one term with left = X,
   * right = G, a2 = s² (no per-sample gradient is formed). With positions the weights are shared, so each sample's uses
   * are summed first: one term whose right factor holds the per-sample gradients (n × C_out·C_in) and b2 = s².
   */
  function ntkTerms(params: LayerParams, { x }: ScaledDenseCache, gy: Activations, backend: Backend) {
    const cin = x.channels;
    const s = scale(cin);
    const W = weights(params, cin);
    const n = x.samples;
    const positions = x.data.length / (n * cin);
    let terms: NtkTerm[];
    if (positions === 1) {
      terms = [{ left: rows(cin, x.data), right: rows(width, gy.data), a2: s * s, b2: 0 }];
    } else {
      const grads = new Float64Array(n * width * cin);
      for (let a = 0; a < n; a++) {
        for (let p = 0; p < positions; p++) {
          const r = a * positions + p;
          for (let o = 0; o < width; o++) {
            const g = gy.data[r * width + o];
            for (let i = 0; i < cin; i++) grads[(a * width + o) * cin + i] += g * x.data[r * cin + i];
          }
        }
      }
      terms = [{ left: null, right: { rows: n, cols: width * cin, data: grads }, a2: 0, b2: s * s }];
    }
    return { terms, gradInput: () => backprop(W, x, gy, backend) };
  }

  /** ∂f/∂x(a, p) = s Wᵀ g(a, p), i.e. s G W, one product on the user's backend. */
  const backprop = (W: Matrix, x: Activations, gy: Activations, backend: Backend): Activations =>
    like(x, backend.gemm(rows(width, gy.data), W, { alpha: scale(x.channels) }).data, x.channels);

  return {
    kind: 'scaledDense',
    outShape: (inShape) => ({ spatial: [...inShape.spatial], channels: width }),
    init(inShape, rng) {
      const W = new Float64Array(width * inShape.channels);
      rng.fillNormal(W);
      return { params: { W }, outShape: { spatial: [...inShape.spatial], channels: width } };
    },
    apply(params, x, { backend }) {
      // The rows (sample, position) of x form an R × C_in matrix: y = s X Wᵀ is one product on the user's backend.
      const cin = x.channels;
      const y = backend.gemm(rows(cin, x.data), weights(params, cin), { transB: true, alpha: scale(cin) });
      return { y: like(x, y.data, width), cache: { x } };
    },
    vjp(params, { x }, gy, { backend }) {
      // ∂f/∂x = s G W;  ∂f/∂W = s Gᵀ X (summed over samples and positions).
      const cin = x.channels;
      const gx = backprop(weights(params, cin), x, gy, backend);
      const gW = backend.gemm(rows(width, gy.data), rows(cin, x.data), { transA: true, alpha: scale(cin) });
      return { gx, gparams: { W: Float64Array.from(gW.data) } };
    },
    ntkTerms: (params, cache, gy, { backend }) => ntkTerms(params, cache, gy, backend),
    ntk(params, cache, gy, { backend }) {
      // The same share formed as one n × n matrix, from the same terms.
      const K = ntkTermsContribution(ntkTerms(params, cache, gy, backend).terms, backend);
      return K === null ? null : Float64Array.from(K.data);
    },
    // The infinite-width map is the one the plugin registers for the JSON architecture format: the same object serves
    // an MLP (records without positions) and a CNN (apps/docs/theory/architectures.md#dense).
    kernelMap: () => scaledDenseKernelMap.create({ layer: 'scaledDense', weightStd }),
  };
}

/**
 * The layer kind `{ "layer": "scaledDense", "weightStd": 1.5, "width"?: 64 }` of the JSON architecture format: hidden
 * layers get the network's width unless the entry sets one. With it (and the kernel map below), `spec spectrum --arch`
 * and `spec train --arch` sample and train a network that uses `scaledDense` and set it against its infinite-width
 * kernels; in code, `registry.layer('scaledDense').create({ layer: 'scaledDense' }, { width: 512 })`.
 */
export const scaledDenseFactory: LayerFactory = {
  name: 'scaledDense',
  description: 'bias-free dense layer per position, NTK parametrisation, weight std σ_w',
  create(entry, context) {
    const weightStd = entryWeightStd(entry);
    const width = entry.width ?? context.width;
    if (typeof width !== 'number')
      throw new SpecError('E_INPUT', `width must be a positive integer, got ${JSON.stringify(width)}`);
    return scaledDense({ width, weightStd });
  },
};

/**
 * The same layer in the JSON architecture format, `{ "layer": "scaledDense", "weightStd": 1.5 }`: its map on the
 * kernel record of architectures (apps/docs/theory/architectures.md#dense), applied per position like a 1 × 1
 * convolution, so `spec infinite --plugin … --arch …` can put it anywhere in a CNN or a transformer block.
 */
export const scaledDenseKernelMap: SpatialKernelMapFactory = {
  name: 'scaledDense',
  description: 'bias-free dense layer per position, NTK parametrisation, weight std σ_w',
  create(entry) {
    const weightStd = entryWeightStd(entry);
    const w2 = weightStd * weightStd;
    /** K' = σ_w² K, Θ' = K' + σ_w² Θ on every entry of a block, whatever its length. */
    const entrywiseBlock = (spatial: ReadonlyArray<number>): BlockKernelMap => ({
      inputSize: spatial.reduce((a, b) => a * b, 1),
      outputSpatial: spatial,
      outputGaussian: () => true,
      mapBlock(input, output) {
        for (let i = 0; i < input.nngp.length; i++) {
          output.nngp[i] = w2 * input.nngp[i];
          output.ntk[i] = output.nngp[i] + w2 * input.ntk[i];
        }
      },
      mapMean: () => null,
    });
    return {
      needsFullSpatial: false, // reads equal positions only: the diagonal record is enough
      map(input) {
        // K' = σ_w² K, Θ' = K' + σ_w² Θ entry by entry, whatever the record form; a fresh linear layer is
        // zero-mean and Gaussian.
        const nngp = input.nngp.map((k) => w2 * k);
        const ntk = nngp.map((k, i) => k + w2 * input.ntk[i]);
        return { ...input, nngp, ntk, mean: null, gaussian: true };
      },
      // The same map on one block (a, b) of the full record (L × L entries) or of the diagonal one (L entries): it reads
      // nothing else, so networks of such layers run pair by pair of samples, on every core, with no n²L² record
      // (apps/docs/theory/architectures.md#blockwise).
      blocks: (spatial) => [entrywiseBlock(spatial)],
      diagonalBlocks: (spatial) => [entrywiseBlock(spatial)],
    };
  },
};

/** Reads `weightStd` of a JSON entry `{ "layer": "scaledDense", "weightStd"?: number }`, refusing anything else. */
function entryWeightStd(entry: Readonly<Record<string, unknown>>): number {
  const unknown = Object.keys(entry).filter((k) => k !== 'layer' && k !== 'weightStd' && k !== 'width');
  if (unknown.length > 0)
    throw new SpecError('E_INPUT', `unknown parameter "${unknown[0]}" (takes "weightStd" and "width")`);
  const weightStd = entry.weightStd ?? 1;
  if (typeof weightStd !== 'number' || !(weightStd > 0) || !Number.isFinite(weightStd))
    throw new SpecError('E_INPUT', `weightStd must be a positive number, got ${JSON.stringify(weightStd)}`);
  return weightStd;
}
