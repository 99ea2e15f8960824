import { SpecError, type Activation } from '@spec/core';
import { infiniteKernels } from '@spec/nets';

/**
 * The infinite-width kernels of one depth as functions of the cosine of a pair of unit-norm inputs: the CK Φ_L(ρ)
 * (apps/docs/theory/infinite-width.md#mlp-recursions: Σ^{L+1}, the readout's NNGP) and the NTK Θ_L(ρ).
 */
export interface UnitNormKernelTable {
  readonly depth: number;
  /** Φ_L at cosine ρ ∈ [−1, 1]. */
  ck(rho: number): number;
  /** Θ_L at cosine ρ ∈ [−1, 1]. */
  ntk(rho: number): number;
}

/**
 * Nodes of the table in the angle θ = arccos ρ. The kernels are smooth in θ on [0, π] (the relu arc-cosine kernel is
 * (sin θ + (π − θ) cos θ)/π, whose √(1 − ρ²) kink at ρ = ±1 is a cos/sin of θ), so cubic interpolation on a uniform θ
 * grid of spacing h = π/M has error ≈ h⁴·max|f⁗|/128 ≈ 1e−9 for M = 256 and derivatives of order 1.
 */
const DEFAULT_NODES = 256;

function cubic(values: Float64Array, M: number, rho: number): number {
  const c = Math.max(-1, Math.min(1, rho));
  const s = (Math.acos(c) / Math.PI) * M;
  const k = Math.min(M - 2, Math.max(1, Math.floor(s)));
  const u = s - k; // position between nodes k and k + 1, Lagrange on k − 1..k + 2
  const f0 = values[k - 1];
  const f1 = values[k];
  const f2 = values[k + 1];
  const f3 = values[k + 2];
  return (
    (-u * (u - 1) * (u - 2) * f0) / 6 +
    ((u + 1) * (u - 1) * (u - 2) * f1) / 2 -
    ((u + 1) * u * (u - 2) * f2) / 2 +
    ((u + 1) * u * (u - 1) * f3) / 6
  );
}

/**
 * Tabulates `infiniteKernels({ activation, depth }).pair(cos θ)` (from `@spec/nets`) at M + 1 uniform angles and
 * interpolates cubically in θ: an n × n kernel matrix then costs n² interpolations instead of n²/2 kernel-map folds
 * (each a 2-D Gauss–Hermite rule for activations without a closed-form dual). The activation is used as given
 * (pass the normalised σ̃), with σ_w² = 1/E σ², i.e. the network of apps/docs/theory/fan-wang.md#network-and-kernels on
 * unit-norm inputs.
 *
 * @throws SpecError `E_INPUT` for a depth < 1 or fewer than 8 nodes
 */
export function unitNormKernelTable(activation: Activation, depth: number, nodes = DEFAULT_NODES): UnitNormKernelTable {
  if (!Number.isInteger(nodes) || nodes < 8)
    throw new SpecError('E_INPUT', `kernel table: nodes must be an integer ≥ 8, got ${nodes}`);
  // Tables are pure functions of (activation, depth, nodes): kept per activation object, so a run that computes
  // several limits with one activation (a reproduction) pays the quadrature once.
  const key = `${depth}:${nodes}`;
  let byKey = CACHE.get(activation);
  if (byKey === undefined) CACHE.set(activation, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit !== undefined) return hit;
  const table = buildTable(activation, depth, nodes);
  byKey.set(key, table);
  return table;
}

const CACHE = new WeakMap<Activation, Map<string, UnitNormKernelTable>>();

function buildTable(activation: Activation, depth: number, nodes: number): UnitNormKernelTable {
  const kernels = infiniteKernels({ activation, depth });
  const ck = new Float64Array(nodes + 1);
  const ntk = new Float64Array(nodes + 1);
  for (let k = 0; k <= nodes; k++) {
    // exact ±1 at the ends: cos(π) is −1 to the last bit, but make sure
    const rho = k === 0 ? 1 : k === nodes ? -1 : Math.cos((Math.PI * k) / nodes);
    const v = kernels.pair(rho);
    ck[k] = v.nngp;
    ntk[k] = v.ntk;
  }
  return {
    depth,
    ck: (rho) => (rho >= 1 ? ck[0] : cubic(ck, nodes, rho)),
    ntk: (rho) => (rho >= 1 ? ntk[0] : cubic(ntk, nodes, rho)),
  };
}
