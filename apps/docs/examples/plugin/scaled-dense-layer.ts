import {
  SpecError,
  type BlockKernelMap,
  ntkTermsContribution,
  type Layer,
  type LayerCache,
  type LayerContext,
  type LayerFactory,
  type LayerParams,
  type Matrix,
  type Rng,
  type SpatialActivations,
  type SpatialKernelMapFactory,
  type SpatialLayer,
  type SpatialLayerFactory,
} from '@spec/core';

/** Options of the `scaledDense` layer. */
export interface ScaledDenseOptions {
  /** Output width d_out. */
  readonly width: number;
  /** Weight standard deviation σ_w (default 1). */
  readonly weightStd?: number;
}

/**
 * A bias-free dense layer in the NTK parametrisation: Y = (σ_w / √d_in) · W X with W_ij ~ N(0, 1).
 * One object holds the finite layer (init, apply, vjp), its empirical-NTK share (`ntkTerms`, factored, and
 * `ntkContribution` derived from it) and its infinite-width kernel map, so the two cannot drift apart.
 */
export function scaledDense(options: ScaledDenseOptions): Layer {
  const { width, weightStd = 1 } = options;
  if (!Number.isInteger(width) || width < 1)
    throw new SpecError('E_INPUT', `scaledDense: width must be a positive integer, got ${width}`);
  if (!(weightStd > 0)) throw new SpecError('E_INPUT', `scaledDense: weightStd must be positive, got ${weightStd}`);
  const scale = (inputDim: number): number => weightStd / Math.sqrt(inputDim);

  /**
   * The layer's share of the empirical NTK in factored form, with its backward step:
   * Θ_W(α, β) = Σ_ij ∂f_α/∂W_ij ∂f_β/∂W_ij = s² (x_α·x_β)(g_α·g_β), one term with left = X, right = G and a2 = s².
   * With it, the memory-lean and matrix-free NTK routes (`leanNtk`, `leanNtkFactors`, SLQ) take networks using
   * this layer.
   */
  function ntkTerms(params: LayerParams, cache: LayerCache, gradOutput: Matrix, { backend }: LayerContext) {
    const s = scale(cache.input.rows);
    const W = params.W;
    return {
      terms: [{ left: cache.input, right: gradOutput, a2: s * s, b2: 0 }],
      gradInput: () => backend.gemm(W, gradOutput, { transA: true, alpha: s }),
    };
  }

  return {
    kind: 'scaledDense',
    outputDim: () => width,
    init(inputDim: number, rng: Rng) {
      const W: Matrix = { rows: width, cols: inputDim, data: new Float64Array(width * inputDim) };
      rng.fillNormal(W.data);
      return { W };
    },
    apply(params, input, { backend }) {
      const output = backend.gemm(params.W, input, { alpha: scale(input.rows) });
      return { output, cache: { input } };
    },
    vjp(params, cache, gradOutput, { backend }) {
      const s = scale(cache.input.rows);
      // ∂f/∂X = s Wᵀ G;  ∂f/∂W = s G Xᵀ (summed over samples).
      const gradInput = backend.gemm(params.W, gradOutput, { transA: true, alpha: s });
      const W = backend.gemm(gradOutput, cache.input, { transB: true, alpha: s });
      return { gradInput, gradParams: { W } };
    },
    ntkTerms,
    ntkContribution(params, cache, gradOutput, ctx) {
      // The same share formed as one n × n matrix, from the same terms.
      return ntkTermsContribution(ntkTerms(params, cache, gradOutput, ctx).terms, ctx.backend);
    },
    // The infinite-width map is the one the layer registers for the JSON architecture format: the same object
    // serves an MLP (records without positions) and a CNN (apps/docs/theory/infinite-width.md#mlp-recursions).
    kernelMap: () => scaledDenseKernelMap.create({ layer: 'scaledDense', weightStd }),
  };
}

/** The factory that the plugin registers (`layer('scaledDense').create({ width: 512 })`). */
export const scaledDenseFactory: LayerFactory<ScaledDenseOptions> = {
  name: 'scaledDense',
  description: 'bias-free dense layer, NTK parametrisation, weight std σ_w',
  create: scaledDense,
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
  const unknown = Object.keys(entry).filter((k) => k !== 'layer' && k !== 'weightStd');
  if (unknown.length > 0) throw new SpecError('E_INPUT', `unknown parameter "${unknown[0]}" (takes "weightStd")`);
  const weightStd = entry.weightStd ?? 1;
  if (typeof weightStd !== 'number' || !(weightStd > 0) || !Number.isFinite(weightStd))
    throw new SpecError('E_INPUT', `weightStd must be a positive number, got ${JSON.stringify(weightStd)}`);
  return weightStd;
}

/**
 * The same layer at finite width in the JSON architecture format: the network's width channels out, the same weights
 * at every position, `y(a, p) = (σ_w/√C_in) W x(a, p)`. With it (and the kernel map above), `spec spectrum --arch` and
 * `spec train --arch` can sample and train a network that uses `scaledDense` and set it against its infinite-width
 * kernels. Activations are row-major (samples, positions, channels).
 */
export const scaledDenseSpatialLayer: SpatialLayerFactory = {
  name: 'scaledDense',
  description: 'bias-free dense layer per position, NTK parametrisation, weight std σ_w',
  create(entry, { width }): SpatialLayer<{ x: SpatialActivations }> {
    const weightStd = entryWeightStd(entry);
    const rowsOf = (x: SpatialActivations): number => x.data.length / x.channels; // samples × positions
    const out = (x: SpatialActivations, data: Float64Array, channels: number): SpatialActivations => ({
      data,
      samples: x.samples,
      spatial: x.spatial,
      channels,
    });
    const weights = (params: Readonly<Record<string, Float64Array>>, cin: number): Float64Array => {
      const W = params.W;
      if (W === undefined || W.length !== width * cin)
        throw new SpecError('E_SHAPE', `scaledDense: W must hold ${width} × ${cin} numbers`);
      return W;
    };
    return {
      kind: 'scaledDense',
      init(inShape, rng) {
        const W = new Float64Array(width * inShape.channels);
        rng.fillNormal(W);
        return { params: { W }, outShape: { spatial: [...inShape.spatial], channels: width } };
      },
      apply(params, x, { backend }) {
        // The rows (sample, position) of x form an R × C_in matrix: y = s X Wᵀ is one product on the user's backend.
        const cin = x.channels;
        const W = weights(params, cin);
        const s = weightStd / Math.sqrt(cin);
        const X = { rows: rowsOf(x), cols: cin, data: x.data };
        const y = backend.gemm(X, { rows: width, cols: cin, data: W }, { transB: true, alpha: s });
        return { y: out(x, Float64Array.from(y.data), width), cache: { x } };
      },
      vjp(params, { x }, gy, { backend }) {
        // ∂f/∂x(a, p) = s Wᵀ g(a, p), i.e. s G W;  ∂f/∂W = s Σ_{a,p} g(a, p) x(a, p)ᵀ, i.e. s Gᵀ X.
        const cin = x.channels;
        const W = weights(params, cin);
        const s = weightStd / Math.sqrt(cin);
        const G = { rows: rowsOf(x), cols: width, data: gy.data };
        const gx = backend.gemm(G, { rows: width, cols: cin, data: W }, { alpha: s });
        const gW = backend.gemm(G, { rows: rowsOf(x), cols: cin, data: x.data }, { transA: true, alpha: s });
        return { gx: out(x, Float64Array.from(gx.data), cin), gparams: { W: Float64Array.from(gW.data) } };
      },
      ntk(_params, { x }, gy) {
        // Θ_W(a, b) = ⟨∇_W f(x_a), ∇_W f(x_b)⟩ with ∇_W f(x_a) = s Σ_p g(a, p) x(a, p)ᵀ: the weights are shared
        // over positions, so each sample's uses are summed before the product.
        const cin = x.channels;
        const s = weightStd / Math.sqrt(cin);
        const n = x.samples;
        const perPosition = rowsOf(x) / n;
        const grads = new Float64Array(n * width * cin);
        for (let a = 0; a < n; a++) {
          for (let p = 0; p < perPosition; p++) {
            const r = a * perPosition + p;
            for (let o = 0; o < width; o++) {
              const g = s * gy.data[r * width + o];
              for (let i = 0; i < cin; i++) grads[(a * width + o) * cin + i] += g * x.data[r * cin + i];
            }
          }
        }
        const theta = new Float64Array(n * n);
        const size = width * cin;
        for (let a = 0; a < n; a++) {
          for (let b = 0; b <= a; b++) {
            let acc = 0;
            for (let k = 0; k < size; k++) acc += grads[a * size + k] * grads[b * size + k];
            theta[a * n + b] = acc;
            theta[b * n + a] = acc;
          }
        }
        return theta;
      },
      kernelMap: scaledDenseKernelMap.create(entry),
    };
  },
};
