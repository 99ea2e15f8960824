import type { Rng, Activations, Layer } from '@spec/core';
import { spatialNetworkFromSpec, type ArchitectureSpec } from '@spec/nets';

/**
 * One architecture of the universality study: its JSON spec (apps/docs/theory/architectures.md#json-format), from
 * which both sides are built — the infinite-width NTK by `architectureKernelMatrices` and the finite network by
 * {@link tpNetwork} — and the per-sample input shape. No biases (b_std = 0).
 */
export interface TpArchitecture {
  /** Short name (table rows, figure legend). */
  readonly name: string;
  readonly spec: ArchitectureSpec;
  /** Per-sample input shape. */
  readonly spatial: ReadonlyArray<number>;
  readonly channels: number;
}

/** √2 rounded: keeps the variance of ReLU features of order one. */
const RELU_STD = 1.4;

/** The five architectures: MLP, CNN with global average pooling, residual CNN + LayerNorm, transformer block, RNN. */
export const TP_ARCHITECTURES: ReadonlyArray<TpArchitecture> = [
  {
    name: 'MLP',
    spatial: [],
    channels: 6,
    spec: [
      { layer: 'dense', W_std: RELU_STD },
      { layer: 'relu' },
      { layer: 'dense', W_std: RELU_STD },
      { layer: 'relu' },
      { layer: 'dense' },
    ],
  },
  {
    name: 'CNN + global avg pool',
    spatial: [3, 3],
    channels: 2,
    spec: [
      { layer: 'conv', filter: [3, 3], padding: 'SAME', W_std: RELU_STD },
      { layer: 'relu' },
      { layer: 'conv', filter: [2, 2], padding: 'VALID', W_std: RELU_STD },
      { layer: 'relu' },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ],
  },
  {
    name: 'residual CNN + LayerNorm',
    spatial: [3, 3],
    channels: 2,
    spec: [
      { layer: 'conv', filter: [3, 3], padding: 'SAME' },
      {
        layer: 'residual',
        branch: [{ layer: 'relu' }, { layer: 'conv', filter: [2, 2], padding: 'SAME', W_std: RELU_STD }],
      },
      { layer: 'layernorm' },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ],
  },
  {
    name: 'transformer block',
    spatial: [3],
    channels: 3,
    spec: [
      { layer: 'dense' },
      { layer: 'residual', branch: [{ layer: 'attention' }] },
      { layer: 'layernorm' },
      { layer: 'residual', branch: [{ layer: 'dense', W_std: RELU_STD }, { layer: 'relu' }, { layer: 'dense' }] },
      { layer: 'layernorm' },
      { layer: 'global_avg_pool' },
      { layer: 'dense' },
    ],
  },
  {
    name: 'Elman RNN',
    spatial: [3],
    channels: 3,
    spec: [{ layer: 'rnn', act: 'erf' }, { layer: 'last' }, { layer: 'dense' }],
  },
];

/**
 * The finite network of an architecture at channel width `width` (apps/docs/theory/architectures.md#finite-layers):
 * `spatialNetworkFromSpec`'s layers, the readout of width 1.
 */
export function tpNetwork(arch: TpArchitecture, width: number): ReadonlyArray<Layer> {
  return spatialNetworkFromSpec(arch.spec, { width }).layers;
}

/**
 * Synthetic, seeded data for an architecture: N(0, 1/C) entries (each position's channel vector has squared norm ≈ 1),
 * and targets y = sin(2⟨v, x⟩) with v a random unit vector over the whole flattened input (a smooth target every
 * architecture can fit; its form does not matter for the universality statement).
 */
export function tpData(arch: TpArchitecture, n: number, rng: Rng): { x: Activations; y: Float64Array } {
  const per = arch.spatial.reduce((a, b) => a * b, 1) * arch.channels;
  const data = new Float64Array(n * per);
  const s = 1 / Math.sqrt(arch.channels);
  const xr = rng.split('x');
  for (let i = 0; i < data.length; i++) data[i] = s * xr.normal();
  const vr = rng.split('v');
  const v = Float64Array.from({ length: per }, () => vr.normal());
  const vn = Math.hypot(...v);
  const y = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    let dot = 0;
    for (let j = 0; j < per; j++) dot += v[j] * data[a * per + j];
    y[a] = Math.sin((2 * dot) / vn);
  }
  return { x: { data, samples: n, spatial: arch.spatial, channels: arch.channels }, y };
}
