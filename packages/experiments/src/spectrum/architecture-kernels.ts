import { SpecError, type Backend, type Activations, type Layer, type LayerParams } from '@spec/core';
import { spatialEmpiricalKernels, type ArchitectureSpec } from '@spec/nets';

/** The readout's W_std, b_std and fan-in D (the size of its input per sample), which scale the CK. */
export interface ReadoutScales {
  readonly W_std: number;
  readonly b_std: number;
  readonly fanIn: number;
}

/** What {@link finiteArchitectureKernels} returns; matrices are n × n, row-major. */
export interface FiniteArchitectureKernels {
  /** f(x_a) for every sample. */
  readonly outputs: Float64Array;
  /** The CK at NTK-parametrisation scale, `W_std²/D ⟨z_a, z_b⟩ + b_std²` (z: the readout's input features). */
  readonly ck?: Float64Array;
  /** The empirical NTK `Σ_θ ∂f(x_a)/∂θ ∂f(x_b)/∂θ` over every raw parameter. */
  readonly ntk?: Float64Array;
  readonly readout: ReadoutScales;
}

/**
 * The CK and empirical NTK of the finite network of a JSON architecture at given parameters, on the scale of their
 * infinite-width limits (apps/docs/theory/architectures.md#finite-vs-infinite): the CK is the output covariance over
 * the readout's weights given the rest of the network, `W_std²/D ⟨z_a, z_b⟩ + b_std²` with the readout's W_std and
 * b_std (defaults 1 and 0) and its fan-in D, whose limit is the NNGP; the NTK sums every parameter's share, whose
 * limit is the NTK. `layers` and `params` are those of `spatialNetworkFromSpec(spec, …)` and `initSpatialNetwork`
 * (or trained from them). One implementation for `spec spectrum --arch` and the monitors of `spec train --arch`.
 *
 * @throws SpecError `E_INPUT` when `params` does not match the layers, and the errors of `spatialEmpiricalKernels`
 */
export function finiteArchitectureKernels(
  spec: ArchitectureSpec,
  layers: ReadonlyArray<Layer>,
  params: ReadonlyArray<LayerParams>,
  x: Activations,
  backend: Backend,
  kernel: 'ck' | 'ntk' | 'both' = 'both',
): FiniteArchitectureKernels {
  if (params.length !== layers.length || params.length !== spec.length || params.length === 0)
    throw new SpecError('E_INPUT', `finite kernels: expected parameters for the ${spec.length} layers of the spec`);
  const k = spatialEmpiricalKernels(layers, params, x, backend, { kernel });
  const last = spec[spec.length - 1] as { readonly W_std?: number; readonly b_std?: number };
  const wStd = last.W_std ?? 1;
  const bStd = last.b_std ?? 0;
  // D: the readout's weight matrix is 1 × D.
  const fanIn = params[params.length - 1].W.length;
  const scale = (wStd * wStd) / fanIn;
  return {
    outputs: k.outputs,
    ...(k.ck !== undefined ? { ck: k.ck.map((v) => scale * v + bStd * bStd) } : {}),
    ...(k.ntk !== undefined ? { ntk: k.ntk } : {}),
    readout: { W_std: wStd, b_std: bStd, fanIn },
  };
}

/**
 * ‖K̂ − K∞‖_F / ‖K∞‖_F: the relative Frobenius distance of a finite kernel to its infinite-width limit on the same
 * samples (apps/docs/theory/architectures.md#finite-vs-infinite).
 *
 * @throws SpecError `E_SHAPE` when the two differ in size, `E_DATA` when the infinite-width kernel is zero
 */
export function relativeFrobenius(finite: ArrayLike<number>, infinite: ArrayLike<number>): number {
  if (finite.length !== infinite.length)
    throw new SpecError('E_SHAPE', `relative Frobenius: ${finite.length} and ${infinite.length} entries differ`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < infinite.length; i++) {
    diff += (finite[i] - infinite[i]) ** 2;
    norm += infinite[i] ** 2;
  }
  if (!(norm > 0)) {
    throw new SpecError('E_DATA', 'the infinite-width kernel is zero on these data; use data that is not all zero');
  }
  return Math.sqrt(diff / norm);
}
