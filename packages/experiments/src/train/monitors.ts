import { SpecError, type Activation, type Backend, type Matrix } from '@spec/core';
import type { LimitInput } from '../limit-job.js';
import { ksTwoSample, outliers, powerLawFit, wasserstein1TwoSample } from '@spec/rmt';
import { weightSpectrum } from '@spec/nets';

/** Options of the spectral monitors (apps/docs/theory/spectral-evolution.md#quantities). */
export interface SpectralMonitorOptions {
  /** Teacher direction β (length d_0): adds |⟨v₁, β⟩| for the first layer's weights. */
  readonly beta?: ArrayLike<number>;
  /** Kernels to monitor (default `'both'`). */
  readonly kernels?: 'ck' | 'ntk' | 'both' | 'none';
  /**
   * Right bulk edges of the CK/NTK that kernel outliers are measured against (plus a Tracy–Widom margin):
   * - numbers `{ ck, ntk }`: used as given (`edgeSource: 'given'`);
   * - `{ limit: { activation, input? } }`: the right edges of the Fan–Wang laws at initialisation for a fan-wang MLP
   *   with that (normalised) activation, from `initialKernelLaws` (`edgeSource: 'limit'`; `input` defaults to the MP
   *   law of i.i.d. N(0, 1/d₀) inputs; `'data'` uses the spectrum of the training inputs' Gram XᵀX,
   *   apps/docs/theory/fan-wang.md#real-data, for real data); `train` returns the CK law too;
   * - default: the largest eigenvalue at step 0 (`edgeSource: 'step0-max'`), so kernel outliers are
   *   eigenvalues that training pushed beyond the initial spectrum.
   */
  readonly kernelEdges?:
    | { readonly ck?: number; readonly ntk?: number }
    | { readonly limit: { readonly activation: Activation; readonly input?: LimitInput | 'data' } };
  /** Minimum tail size of the power-law fit (default 50, as `powerLawFit`); fewer eigenvalues → `alpha: null`. */
  readonly powerLawMinTail?: number;
  /**
   * Keep the eigenvalues in the records: `true` in every record, a list of steps in those checkpoints' records
   * only (e.g. for figures at a few checkpoints); default false, so records stay O(#matrices).
   */
  readonly eigenvalues?: boolean | ReadonlyArray<number>;
  /** Kernel gradient descent predictions (default true; full-batch GD only). `infinite: false` skips Θ̊. */
  readonly kernelGd?: boolean | { readonly infinite?: boolean };
}

/** Monitors of one weight matrix at a checkpoint. */
export interface WeightMonitor {
  /** Layer index (0-based) and parameter name. */
  readonly layer: number;
  readonly name: string;
  /** h × d. */
  readonly shape: readonly [number, number];
  /** KS and 1-Wasserstein distances between the ESD of WᵀW/h now and at step 0. */
  readonly ksToInit: number;
  readonly w1ToInit: number;
  /** ‖W_t − W_0‖_F/‖W_0‖_F. */
  readonly relChange: number;
  /** MP edge (1 + √(d/h))² and the eigenvalues above it plus a Tracy–Widom-sized margin (descending). */
  readonly mpEdge: number;
  readonly outliers: number[];
  /** Largest eigenvalue of WᵀW/h (= s₁(W/√h)²). */
  readonly topEigenvalue: number;
  /** |⟨v₁, β⟩| for the first layer when β is known, else null. */
  readonly teacherAlignment: number | null;
  /** Power-law exponent of the tail (Clauset–Shalizi–Newman), null when too few eigenvalues (see `alphaNote`). */
  readonly alpha: number | null;
  /** Asymptotic standard error (α̂ − 1)/√k of α̂, null with α. */
  readonly alphaStdErr: number | null;
  readonly alphaNote?: string;
  readonly eigenvalues?: Float64Array;
}

/** Where a kernel monitor's right edge comes from: a limit law at step 0, the caller, or the step-0 λ_max. */
export type KernelEdgeSource = 'limit' | 'given' | 'step0-max';

/** Monitors of a kernel (CK or NTK) at a checkpoint. */
export interface KernelMonitor {
  readonly ksToInit: number;
  readonly w1ToInit: number;
  /** ‖K_t − K_0‖_F/‖K_0‖_F. */
  readonly relChange: number;
  /** Right edge the outliers are measured against, and where it comes from (see `kernelEdges`). */
  readonly rightEdge: number;
  readonly edgeSource: KernelEdgeSource;
  readonly outliers: number[];
  readonly topEigenvalue: number;
  /** ⟨u₁, y⟩²/‖y‖² for the top eigenvector u₁. */
  readonly labelAlignment: number;
  readonly alpha: number | null;
  /** Asymptotic standard error (α̂ − 1)/√k of α̂, null with α. */
  readonly alphaStdErr: number | null;
  readonly alphaNote?: string;
  readonly eigenvalues?: Float64Array;
}

/**
 * A kernel monitor with its step-0 reference K_0, as {@link kernelMonitor} returns it: called with the kernel at a
 * checkpoint, it gives that checkpoint's {@link KernelMonitor}.
 */
export interface KernelObserver {
  (K: Matrix, keepEigenvalues?: boolean): KernelMonitor;
  /** λ_max(K_0), from the same `eigvalsh` as the monitors (e.g. the stability bound of kernel GD with K_0). */
  readonly referenceMax: number;
}

/** The step-0 reference of a matrix: its sorted eigenvalues, a copy of it, its Frobenius norm, its edge. */
interface Reference {
  readonly eigenvalues: Float64Array;
  readonly matrix: Float64Array;
  readonly norm: number;
  readonly edge: number;
}

function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function relDiff(a: ArrayLike<number>, b: Float64Array, normB: number): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return normB > 0 ? Math.sqrt(s) / normB : 0;
}

function tailExponent(
  values: Float64Array,
  minTail: number,
): { alpha: number | null; alphaStdErr: number | null; alphaNote?: string } {
  const positive = values.filter((v) => v > 0);
  if (positive.length < minTail)
    return {
      alpha: null,
      alphaStdErr: null,
      alphaNote: `${positive.length} positive eigenvalues < ${minTail} needed for a tail fit`,
    };
  try {
    const fit = powerLawFit(positive, { minTail });
    return { alpha: fit.alpha, alphaStdErr: fit.alphaStdErr };
  } catch (e) {
    if (e instanceof SpecError) return { alpha: null, alphaStdErr: null, alphaNote: e.message };
    throw e;
  }
}

/** Weight-matrix monitor with its step-0 reference (apps/docs/theory/spectral-evolution.md#quantities). */
export function weightMonitor(
  layer: number,
  name: string,
  W0: Matrix,
  backend: Backend,
  options: SpectralMonitorOptions,
  withBeta: boolean,
): (W: Matrix, keepEigenvalues?: boolean) => WeightMonitor {
  const s0 = weightSpectrum(W0, backend);
  const ref: Reference = {
    eigenvalues: s0.eigenvalues,
    matrix: Float64Array.from(W0.data),
    norm: frobenius(W0.data),
    edge: s0.mpEdge,
  };
  const minTail = options.powerLawMinTail ?? 50;
  const beta = withBeta && options.beta !== undefined ? options.beta : undefined;
  if (beta !== undefined && beta.length !== W0.cols) {
    throw new SpecError(
      'E_SHAPE',
      `teacher direction β has ${beta.length} entries but layer ${layer + 1} has input dimension ${W0.cols}`,
    );
  }
  return (W: Matrix, keepEigenvalues = options.eigenvalues === true): WeightMonitor => {
    // W_0 itself (typically at the first checkpoint) has the reference's spectrum.
    const s = sameEntries(W.data, ref.matrix)
      ? { ...s0, eigenvalues: Float64Array.from(s0.eigenvalues) } // a copy: records may be kept and changed
      : weightSpectrum(W, backend);
    const e = s.eigenvalues;
    let align: number | null = null;
    if (beta !== undefined) {
      let dot = 0;
      for (let i = 0; i < beta.length; i++) dot += s.topRightVector[i] * beta[i];
      align = Math.abs(dot) / (frobenius(beta) || 1);
    }
    return {
      layer,
      name,
      shape: [W.rows, W.cols],
      ksToInit: ksTwoSample(e, ref.eigenvalues),
      w1ToInit: wasserstein1TwoSample(e, ref.eigenvalues),
      relChange: relDiff(W.data, ref.matrix, ref.norm),
      mpEdge: ref.edge,
      outliers: Array.from(outliers(e, ref.edge, { n: e.length }).values),
      topEigenvalue: e[e.length - 1],
      teacherAlignment: align,
      ...tailExponent(e, minTail),
      ...(keepEigenvalues ? { eigenvalues: e } : {}),
    };
  };
}

/**
 * Kernel monitor with its step-0 reference K_0 (n × n). `edge`: the right bulk edge for outliers (default the
 * step-0 λ_max); `edgeSource` says where it came from (default `'given'` with an edge, else `'step0-max'`).
 */
export function kernelMonitor(
  K0: Matrix,
  y: ArrayLike<number>,
  backend: Backend,
  options: SpectralMonitorOptions,
  edge: number | undefined,
  edgeSource?: KernelEdgeSource,
): KernelObserver {
  // The same routine for the reference and every checkpoint: on the same matrix it gives the same bits, so the step-0
  // λ_max is never an "outlier" above its own edge (eigh's selected values and eigvalsh differ in the last bits).
  const s0 = spectrum(K0, backend);
  if (edge !== undefined && !Number.isFinite(edge))
    throw new SpecError('E_INPUT', `kernel monitor: the right edge must be finite, got ${edge}`);
  const ref: Reference = {
    eigenvalues: Float64Array.from(s0.values),
    matrix: Float64Array.from(K0.data),
    norm: frobenius(K0.data),
    edge: edge ?? s0.values[s0.values.length - 1],
  };
  const source: KernelEdgeSource = edge === undefined ? 'step0-max' : (edgeSource ?? 'given');
  const minTail = options.powerLawMinTail ?? 50;
  const yNorm2 = frobenius(y) ** 2;
  const observe = (K: Matrix, keepEigenvalues = options.eigenvalues === true): KernelMonitor => {
    // K_0 itself (typically at the first checkpoint) has the reference's spectrum: no second decomposition.
    const { values, top } = sameEntries(K.data, ref.matrix) ? s0 : spectrum(K, backend);
    const n = values.length;
    let dot = 0;
    for (let i = 0; i < n; i++) dot += top.data[i * top.cols] * y[i];
    const e = Float64Array.from(values);
    return {
      ksToInit: ksTwoSample(e, ref.eigenvalues),
      w1ToInit: wasserstein1TwoSample(e, ref.eigenvalues),
      relChange: relDiff(K.data, ref.matrix, ref.norm),
      rightEdge: ref.edge,
      edgeSource: source,
      outliers: Array.from(outliers(e, ref.edge, { n }).values),
      topEigenvalue: e[n - 1],
      labelAlignment: yNorm2 > 0 ? (dot * dot) / yNorm2 : 0,
      ...tailExponent(e, minTail),
      ...(keepEigenvalues ? { eigenvalues: e } : {}),
    };
  };
  return Object.assign(observe, { referenceMax: ref.eigenvalues[ref.eigenvalues.length - 1] });
}

/**
 * All eigenvalues of a kernel (ascending) and its top eigenvector (n × 1): one `eigh` asking for the top vector and
 * every value, or `eigvalsh` besides on a backend that does not return them (a full eigh would accumulate n³
 * rotations for vectors the monitors do not use).
 */
function spectrum(K: Matrix, backend: Backend): { values: Float64Array; top: Matrix } {
  const r = backend.eigh(K, { k: 1, allValues: true });
  return { values: r.allValues ?? backend.eigvalsh(K), top: r.vectors };
}

/** Whether two arrays hold the same numbers (stops at the first difference, so a changed kernel costs little). */
function sameEntries(a: ArrayLike<number>, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
