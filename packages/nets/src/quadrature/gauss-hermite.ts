import { SpecError, tridiagonalEigen } from '@spec/core';

/** Nodes and weights of a Gaussian quadrature rule, nodes ascending. */
export interface QuadratureRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
}

const cache = new Map<number, QuadratureRule>();

/**
 * Gauss–Hermite rule for the probabilists' weight, the N(0, 1) density
 * (apps/docs/theory/toolkit.md#normalised-activations, #gaussian-kernel-maps): `E f(ξ) ≈ Σ_i w_i f(z_i)` with
 * `Σ_i w_i = 1`, exact for polynomials of degree ≤ 2·degree − 1.
 *
 * Golub–Welsch: the nodes are the eigenvalues of the Jacobi matrix of the monic recurrence
 * He_{k+1} = x He_k − k He_{k−1} (zero diagonal, off-diagonal √k), and each weight is the squared first
 * component of the unit eigenvector (the measure has total mass 1). Uses `tridiagonalEigen` from
 * `@spec/core`; rules are cached by degree (read-only: do not modify the returned arrays).
 *
 * @param degree number of nodes, an integer in [1, 4000]
 */
export function gaussHermite(degree: number): QuadratureRule {
  if (!Number.isInteger(degree) || degree < 1 || degree > 4000) {
    throw new SpecError('E_INPUT', `gaussHermite: degree must be an integer in [1, 4000], got ${degree}`);
  }
  const hit = cache.get(degree);
  if (hit !== undefined) return hit;
  const diag = new Float64Array(degree);
  const off = new Float64Array(degree - 1);
  for (let k = 1; k < degree; k++) off[k - 1] = Math.sqrt(k);
  const { values, firstComponents } = tridiagonalEigen(diag, off, { firstComponents: true });
  const weights = new Float64Array(degree);
  for (let j = 0; j < degree; j++) {
    const v0 = (firstComponents as Float64Array)[j];
    weights[j] = v0 * v0;
  }
  // The rule is symmetric: enforce it exactly so odd moments vanish to rounding.
  const nodes = Float64Array.from(values);
  for (let i = 0, j = degree - 1; i < j; i++, j--) {
    const x = 0.5 * (nodes[j] - nodes[i]);
    nodes[i] = -x;
    nodes[j] = x;
    const w = 0.5 * (weights[i] + weights[j]);
    weights[i] = w;
    weights[j] = w;
  }
  if (degree % 2 === 1) nodes[(degree - 1) / 2] = 0;
  const rule = { nodes, weights };
  cache.set(degree, rule);
  return rule;
}
