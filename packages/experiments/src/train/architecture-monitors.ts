import { SpecError, type Backend, type Activations, type Layer, type LayerParams } from '@spec/core';
import type { ArchitectureSpec } from '@spec/nets';
import { finiteArchitectureKernels, relativeFrobenius } from '../spectrum/architecture-kernels.js';
import { kernelMonitor, type KernelEdgeSource, type KernelMonitor } from './monitors.js';

/** The monitors of one kernel of a JSON-architecture network at a checkpoint. */
export interface ArchitectureKernelMonitor extends KernelMonitor {
  /**
   * ‖K_t − K∞‖_F/‖K∞‖_F against the infinite-width kernel on the training samples (the NNGP for the CK, the NTK for
   * the NTK), as `spec spectrum --arch` reports it at initialisation; absent when the spec has no infinite-width limit.
   */
  readonly relativeFrobeniusToInfinite?: number;
}

/** CK and NTK monitors at a checkpoint (each present when monitored). */
export interface ArchitectureMonitors {
  readonly ck?: ArchitectureKernelMonitor;
  readonly ntk?: ArchitectureKernelMonitor;
}

/** Options of {@link architectureKernelMonitors}. */
export interface ArchitectureMonitorOptions {
  /** The network in the JSON format, and its finite layers from `spatialNetworkFromSpec`. */
  readonly spec: ArchitectureSpec;
  readonly layers: ReadonlyArray<Layer>;
  /** Training inputs (the kernels are n × n on them) and targets (for the label alignment). */
  readonly x: Activations;
  readonly y: ArrayLike<number>;
  /** Kernels to monitor (default both). */
  readonly kernels?: 'ck' | 'ntk' | 'both';
  /** The infinite-width NNGP and NTK on the training inputs (n × n), when the spec has a closed-form limit. */
  readonly infinite?: { readonly nngp: Float64Array; readonly ntk: Float64Array };
  readonly backend: Backend;
}

function largestEigenvalue(backend: Backend, k: Float64Array, n: number): number {
  const values = backend.eigvalsh({ rows: n, cols: n, data: k });
  return values.reduce((m, v) => Math.max(m, v), -Infinity);
}

/**
 * Spectral monitors of the CK and empirical NTK of a JSON-architecture network during training
 * (apps/docs/theory/spectral-evolution.md#quantities; kernels at the scale of their infinite-width limits,
 * apps/docs/theory/architectures.md#finite-vs-infinite): returns a function that, given the parameters at a
 * checkpoint, gives each kernel's `kernelMonitor` record against the kernels of its first call (step 0) — KS/W1 distance of its spectrum to
 * step 0, ‖K_t − K_0‖_F/‖K_0‖_F, top eigenvalue, label alignment ⟨u₁, y⟩²/‖y‖², outliers — and its relative Frobenius
 * distance to the infinite-width kernel.
 *
 * Outliers are eigenvalues beyond the largest eigenvalue of the infinite-width kernel (NNGP or NTK) on the training
 * samples, plus `kernelMonitor`'s Tracy–Widom-sized margin (`edgeSource: 'limit'`): at fixed n the step-0 spectrum
 * converges to that kernel's as the width grows and lazy training leaves it there, so an eigenvalue beyond it is one
 * the infinite-width network does not have — the mark of feature learning — and the edge is the same for every seed
 * and width, so counts compare across them. Without an infinite-width limit the edge is the step-0 λ_max
 * (`'step0-max'`), as for MLPs.
 *
 * @throws SpecError `E_SHAPE` when the infinite-width kernels do not match the training inputs, and the errors of
 *   {@link finiteArchitectureKernels}
 */
export function architectureKernelMonitors(
  options: ArchitectureMonitorOptions,
): (params: ReadonlyArray<LayerParams>) => ArchitectureMonitors {
  const { spec, layers, x, y, infinite, backend } = options;
  const which = options.kernels ?? 'both';
  const n = x.samples;
  if (infinite !== undefined && (infinite.nngp.length !== n * n || infinite.ntk.length !== n * n))
    throw new SpecError('E_SHAPE', `kernel monitors: the infinite-width kernels are not ${n} × ${n}`);
  const source: KernelEdgeSource | undefined = infinite !== undefined ? 'limit' : undefined;
  const edges = {
    ck: infinite !== undefined ? largestEigenvalue(backend, infinite.nngp, n) : undefined,
    ntk: infinite !== undefined ? largestEigenvalue(backend, infinite.ntk, n) : undefined,
  };
  type Observe = (k: Float64Array) => ArchitectureKernelMonitor;
  let reference: { ck?: Observe; ntk?: Observe } | undefined;
  const monitorOf = (
    k0: Float64Array | undefined,
    limit: Float64Array | undefined,
    edge?: number,
  ): Observe | undefined => {
    if (k0 === undefined) return undefined;
    const monitor = kernelMonitor({ rows: n, cols: n, data: k0 }, y, backend, {}, edge, source);
    return (k) => ({
      ...monitor({ rows: n, cols: n, data: k }),
      ...(limit !== undefined ? { relativeFrobeniusToInfinite: relativeFrobenius(k, limit) } : {}),
    });
  };
  return (params) => {
    const k = finiteArchitectureKernels(spec, layers, params, x, backend, which);
    // The first call's kernels are the step-0 references.
    reference ??= { ck: monitorOf(k.ck, infinite?.nngp, edges.ck), ntk: monitorOf(k.ntk, infinite?.ntk, edges.ntk) };
    return {
      ...(reference.ck !== undefined ? { ck: reference.ck(k.ck!) } : {}),
      ...(reference.ntk !== undefined ? { ntk: reference.ntk(k.ntk!) } : {}),
    };
  };
}
