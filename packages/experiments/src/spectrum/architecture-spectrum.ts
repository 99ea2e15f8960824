import {
  SpecError,
  assertFitsInMemory,
  availableMemoryBytes,
  type Backend,
  type Registry,
  type Rng,
  type Layer,
} from '@spec/core';
import {
  architectureKernelMatrices,
  assertArchitectureKernelsFit,
  initSpatialNetwork,
  spatialNetworkFromSpec,
  type ArchitectureSpec,
  type SpatialKernelForm,
} from '@spec/nets';
import { ksTwoSample } from '@spec/rmt';
import { finiteArchitectureKernels, relativeFrobenius, type ReadoutScales } from './architecture-kernels.js';

/** Options of {@link architectureSpectrumJob}. */
export interface ArchitectureSpectrumOptions {
  /** The network in the JSON format (apps/docs/theory/architectures.md#json-format). */
  readonly spec: ArchitectureSpec;
  /** Data X, row-major, shape (n, spatial…, C). */
  readonly data: Float64Array;
  readonly shape: ReadonlyArray<number>;
  /** The width N of every hidden layer of the sampled network (entries with their own `width` keep it). */
  readonly width: number;
  /** Draws the network's parameters (layer ℓ from `rng.split('layer-ℓ')`). */
  readonly rng: Rng;
  /** Computes the eigenvalues. */
  readonly backend: Backend;
  /** Which kernels (default both). */
  readonly kernel?: 'ck' | 'ntk' | 'both';
  /** Record layout of the infinite-width kernels (default auto). */
  readonly form?: SpatialKernelForm | 'auto';
  /** Bytes the run may use (default 80 % of the machine's memory). */
  readonly memoryLimitBytes?: number;
  /** Where activations and plugin layers are looked up. */
  readonly registry?: Registry;
  /** Progress of the infinite-width kernels over their pair-by-pair blocks (`architectureKernelMatrices`). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The spectrum of one kernel of the sampled network. */
export interface FiniteKernelSpectrum {
  /** Eigenvalues of the finite network's kernel, in decreasing order. */
  readonly eigenvalues: Float64Array;
  /** tr/n. */
  readonly mean: number;
}

/** One kernel of the sampled network against its infinite-width limit on the same data. */
export interface ArchitectureKernelComparison extends FiniteKernelSpectrum {
  /** Eigenvalues of the infinite-width kernel (NNGP for the CK, NTK for the NTK), decreasing. */
  readonly infiniteEigenvalues: Float64Array;
  /** tr/n of the infinite-width kernel. */
  readonly infiniteMean: number;
  /** Two-sample KS distance between the two empirical spectral distributions (each n atoms of mass 1/n). */
  readonly ks: number;
  /** ‖K̂ − K∞‖_F / ‖K∞‖_F. */
  readonly relativeFrobenius: number;
  /** max_i |λ̂_i − λ_i^∞| / λ_1^∞ (eigenvalues matched by rank); ≤ ‖K̂ − K∞‖_F / λ_1^∞ by Weyl's inequality. */
  readonly eigenvalueDeviation: number;
}

/** What every {@link ArchitectureSpectrum} holds. */
export interface ArchitectureSpectrumBase {
  /** n. */
  readonly samples: number;
  readonly width: number;
  /** Number of trainable parameters of the sampled network. */
  readonly parameters: number;
  /** The readout's W_std, b_std and fan-in D (the size of its input per sample), which scale the CK. */
  readonly readout: ReadoutScales;
}

/** The finite kernels set against the infinite-width kernels of the same network on the same data. */
export interface ArchitectureSpectrumComparison extends ArchitectureSpectrumBase {
  readonly comparison: 'infinite-width-kernel';
  /** Record layout used for the infinite-width kernels. */
  readonly form: SpatialKernelForm;
  readonly ck?: ArchitectureKernelComparison;
  readonly ntk?: ArchitectureKernelComparison;
}

/**
 * The finite kernels alone, for a network with no closed-form infinite-width limit (max_pool, softmax attention with
 * 1/√d, a plugin layer without a kernel map: apps/docs/theory/architectures.md#no-closed-form).
 */
export interface ArchitectureSpectrumFiniteOnly extends ArchitectureSpectrumBase {
  readonly comparison: 'none';
  /** Why there is no infinite-width kernel, naming the first layer without one. */
  readonly noLimit: string;
  readonly ck?: FiniteKernelSpectrum;
  readonly ntk?: FiniteKernelSpectrum;
}

/** What {@link architectureSpectrumJob} returns: `comparison` says which of the two it is. */
export type ArchitectureSpectrum = ArchitectureSpectrumComparison | ArchitectureSpectrumFiniteOnly;

const BYTES = 8;
/** The per-sample gradient Grams hold at most this many bytes of gradient rows at a time (packages/nets spatial). */
const GRADIENT_BLOCK_BYTES = 256 * 2 ** 20;

function size(shape: ReadonlyArray<number>): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Bytes a finite network of this spec needs for n samples, estimated from the layer shapes before anything is drawn:
 * every layer's output kept for the backward pass, its input gradient, the attention weights, the parameters, one
 * block of per-sample gradient rows, and the n × n matrices (CK, NTK, one layer share, the two infinite kernels, the
 * eigenvalue work copies). Spatial shapes come from the layers' kernel maps (unchanged where a layer has none).
 */
export function architectureSpectrumBytes(
  spec: ArchitectureSpec,
  layers: ReadonlyArray<Layer>,
  shape: ReadonlyArray<number>,
  width: number,
): number {
  const n = shape[0];
  let spatial: ReadonlyArray<number> = shape.slice(1, -1);
  let C = shape[shape.length - 1];
  let activations = n * size(spatial) * C;
  let params = 0;
  spec.forEach((entry, i) => {
    const e = entry as Readonly<Record<string, unknown>>;
    const out = layers[i].kernelMap?.({ spatial, channels: C }).outputSpatial?.(spatial) ?? spatial;
    const L = size(out);
    const own = typeof e.width === 'number' ? e.width : i === spec.length - 1 ? 1 : width;
    let next = C;
    switch (e.layer) {
      case 'dense':
        next = own;
        params += C * next + next;
        break;
      case 'conv':
        next = own;
        params += size((e.filter as number[]) ?? [1]) * C * next + next;
        break;
      case 'rnn':
        next = own;
        params += next * (next + C + 1);
        // states and pre-activations of every step
        activations += n * L * next;
        break;
      case 'attention': {
        next = width;
        const heads =
          e.mode === 'sqrt' ? Math.max(1, width / ((e.d_head as number) ?? width)) : ((e.n_heads as number) ?? 1);
        params += heads * C * width * 3 + heads * width * width + width;
        // Q, K, V, O (per head, width each) and the L × L weights
        activations += n * heads * L * (4 * width + L);
        break;
      }
      case 'flatten':
        next = size(spatial) * C;
        break;
      case 'residual':
      case 'sum': {
        // the branches' hidden layers (width each), and their parameters, bounded by a dense width × width per entry
        const inner = e.layer === 'residual' ? [e.branch] : ((e.branches as unknown[]) ?? []);
        const count = inner.reduce<number>((s, b) => s + (Array.isArray(b) ? b.length : 0), 0);
        activations += count * n * L * Math.max(C, width);
        params += count * 9 * Math.max(C, width) * width;
        break;
      }
      default:
        if (!['global_avg_pool', 'last'].includes(String(e.layer))) next = C;
    }
    spatial = out;
    C = next;
    activations += n * size(spatial) * C;
  });
  const matrices = 8 * n * n;
  // outputs and caches, plus a gradient of the same size during the backward sweep
  return BYTES * (2 * activations + params + matrices) + GRADIENT_BLOCK_BYTES;
}

function descendingEigenvalues(backend: Backend, k: Float64Array, n: number): Float64Array {
  return Float64Array.from(backend.eigvalsh({ rows: n, cols: n, data: k })).sort((a, b) => b - a);
}

/** Compares a finite kernel with its infinite-width limit (definitions: {@link ArchitectureKernelComparison}). */
function compareKernels(
  finite: Float64Array,
  infinite: Float64Array,
  n: number,
  backend: Backend,
): ArchitectureKernelComparison {
  const distance = relativeFrobenius(finite, infinite);
  const eigenvalues = descendingEigenvalues(backend, finite, n);
  const infiniteEigenvalues = descendingEigenvalues(backend, infinite, n);
  let deviation = 0;
  for (let i = 0; i < n; i++) deviation = Math.max(deviation, Math.abs(eigenvalues[i] - infiniteEigenvalues[i]));
  const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / n;
  return {
    eigenvalues,
    infiniteEigenvalues,
    mean: mean(eigenvalues),
    infiniteMean: mean(infiniteEigenvalues),
    ks: ksTwoSample(eigenvalues, infiniteEigenvalues),
    relativeFrobenius: distance,
    eigenvalueDeviation: deviation / Math.abs(infiniteEigenvalues[0]),
  };
}

/**
 * Samples the finite network of a JSON architecture at width N and sets its kernels against the infinite-width ones on
 * the same data (apps/docs/theory/architectures.md#finite-vs-infinite): the CK in NTK-parametrisation scale — the
 * readout's input features z (all positions and channels, D per sample) as `W_std²/D ⟨z_a, z_b⟩ + b_std²` with the
 * readout's W_std and b_std, the output covariance over the readout's weights given the rest of the network, whose
 * limit is the NNGP — and the empirical NTK `Σ_θ ∂f(x_a)/∂θ ∂f(x_b)/∂θ` over every raw parameter, whose limit is the
 * NTK. Both converge at rate N^{-1/2} (relative Frobenius distance), the spectra with them (Weyl).
 *
 * A network with no closed-form limit (apps/docs/theory/architectures.md#no-closed-form) gets its finite spectra alone,
 * `comparison: 'none'` with the reason.
 *
 * @throws SpecError `E_MEMORY` before anything is allocated when the finite network or the infinite-width record would
 *   not fit; `E_INPUT` naming the layer for a bad network
 */
export function architectureSpectrumJob(options: ArchitectureSpectrumOptions): ArchitectureSpectrum {
  const { spec, data, shape, width, backend } = options;
  const which = options.kernel ?? 'both';
  const net = spatialNetworkFromSpec(spec, { width, registry: options.registry });
  if (shape.length < 2 || size(shape) !== data.length) {
    throw new SpecError('E_INPUT', `input data: shape [${shape.join(', ')}] does not match ${data.length} values`);
  }
  const n = shape[0];
  const limit = options.memoryLimitBytes ?? availableMemoryBytes();
  // Both checks run before any network or record is allocated (without a kernel map, the layers check the shapes
  // at init instead).
  const spatialOut = net.infiniteMap?.outputSpatial(shape.slice(1, -1)) ?? [];
  if (spatialOut.length > 0) {
    throw new SpecError(
      'E_INPUT',
      `layer ${spec.length} (dense): the readout gets a spatial record of shape [${spatialOut.join(', ')}]; end the spatial part with global_avg_pool, flatten or last before the readout`,
    );
  }
  const requested = options.form ?? 'auto';
  const form: SpatialKernelForm =
    requested === 'auto' ? (net.infiniteMap?.needsFullSpatial === true ? 'full' : 'diagonal') : requested;
  if (net.infiniteMap !== undefined) {
    assertArchitectureKernelsFit(net.infiniteMap, n, shape.slice(1, -1), form, { memoryLimitBytes: limit });
  }
  assertFitsInMemory(
    architectureSpectrumBytes(spec, net.layers, shape, width),
    limit,
    `the finite network at width ${width} on ${n} samples (activations, parameters, per-sample gradient blocks, n × n kernels)`,
    'use a smaller --width or fewer samples',
  );

  const inShape = { spatial: shape.slice(1, -1), channels: shape[shape.length - 1] };
  const { params } = initSpatialNetwork(net.layers, inShape, options.rng);
  const parameters = params.reduce((s, p) => s + Object.values(p).reduce((t, a) => t + a.length, 0), 0);
  const x = { data, samples: n, spatial: inShape.spatial, channels: inShape.channels };
  const finite = finiteArchitectureKernels(spec, net.layers, params, x, backend, which);
  const ck = finite.ck;
  const base = { samples: n, width, parameters, readout: finite.readout };
  if (net.infiniteMap === undefined) {
    const alone = (k: Float64Array): FiniteKernelSpectrum => {
      const eigenvalues = descendingEigenvalues(backend, k, n);
      return { eigenvalues, mean: eigenvalues.reduce((s, v) => s + v, 0) / n };
    };
    return {
      ...base,
      comparison: 'none',
      noLimit: net.noKernelMap ?? 'no infinite-width kernel map',
      ...(ck !== undefined ? { ck: alone(ck) } : {}),
      ...(finite.ntk !== undefined ? { ntk: alone(finite.ntk) } : {}),
    };
  }
  const infinite = architectureKernelMatrices({
    spec,
    data,
    shape,
    form,
    memoryLimitBytes: limit,
    registry: options.registry,
    ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
  });
  return {
    ...base,
    comparison: 'infinite-width-kernel',
    form: infinite.form,
    ...(ck !== undefined ? { ck: compareKernels(ck, infinite.nngp, n, backend) } : {}),
    ...(finite.ntk !== undefined ? { ntk: compareKernels(finite.ntk, infinite.ntk, n, backend) } : {}),
  };
}
