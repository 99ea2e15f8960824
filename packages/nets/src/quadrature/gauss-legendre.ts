import { SpecError, tridiagonalEigen } from '@spec/core';
import type { QuadratureRule } from './gauss-hermite.js';

const cache = new Map<number, QuadratureRule>();

/**
 * Gauss–Legendre rule on [−1, 1] (weights sum to 2), by Golub–Welsch: Jacobi matrix with zero diagonal and off-diagonal
 * k/√(4k² − 1). Used piecewise to integrate kinked activations against the Gaussian density
 * (apps/docs/theory/toolkit.md#normalised-activations, "split the integral at kinks"). Cached by degree; read-only.
 *
 * @param degree number of nodes, an integer in [1, 400]
 */
export function gaussLegendre(degree: number): QuadratureRule {
  if (!Number.isInteger(degree) || degree < 1 || degree > 400) {
    throw new SpecError('E_INPUT', `gaussLegendre: degree must be an integer in [1, 400], got ${degree}`);
  }
  const hit = cache.get(degree);
  if (hit !== undefined) return hit;
  const diag = new Float64Array(degree);
  const off = new Float64Array(degree - 1);
  for (let k = 1; k < degree; k++) off[k - 1] = k / Math.sqrt(4 * k * k - 1);
  const { values, firstComponents } = tridiagonalEigen(diag, off, { firstComponents: true });
  const weights = new Float64Array(degree);
  for (let j = 0; j < degree; j++) {
    const v0 = (firstComponents as Float64Array)[j];
    weights[j] = 2 * v0 * v0;
  }
  const rule = { nodes: Float64Array.from(values), weights };
  cache.set(degree, rule);
  return rule;
}
