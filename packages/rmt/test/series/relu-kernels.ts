// Closed-form ReLU arc-cosine kernels (apps/docs/theory/toolkit.md#gaussian-kernel-maps) used as independent references
// in the series tests.

/** κ1(ρ) = (sin θ + (π − θ) cos θ)/π, θ = arccos ρ: NNGP map of √2·relu at unit diagonal. */
export function kappa1(rho: number): number {
  const r = Math.min(1, Math.max(-1, rho));
  const th = Math.acos(r);
  return (Math.sin(th) + (Math.PI - th) * r) / Math.PI;
}

/** κ0(ρ) = (π − θ)/π: derivative kernel of √2·relu at unit diagonal. */
export function kappa0(rho: number): number {
  const r = Math.min(1, Math.max(-1, rho));
  return (Math.PI - Math.acos(r)) / Math.PI;
}

/**
 * ReLU NTK (σ_w² = 2 raw, i.e. √2·relu, no bias) with `hidden` hidden layers, by the
 * apps/docs/theory/infinite-width.md#mlp-recursions recursion.
 */
export function reluNtk(rho: number, hidden: number): number {
  let sigma = rho;
  let theta = rho;
  for (let l = 0; l < hidden; l++) {
    const dot = kappa0(sigma);
    sigma = kappa1(sigma);
    theta = sigma + theta * dot;
  }
  return theta;
}

/**
 * Closed-form one-hidden-layer ReLU NTK coefficients of apps/docs/theory/power-series.md#power-series: κ_0 = 1/π, κ_1 =
 * 1, κ_{2j+2} = C_j(2j+3)/(π(2j+1)(2j+2)).
 */
export function reluNtkCoefficientsClosedForm(P: number): Float64Array {
  const k = new Float64Array(P + 1);
  k[0] = 1 / Math.PI;
  if (P >= 1) k[1] = 1;
  let C = 1; // C_j = binom(2j, j)/4^j, C_{j+1} = C_j (2j+1)/(2j+2)
  for (let j = 0; 2 * j + 2 <= P; j++) {
    k[2 * j + 2] = (C * (2 * j + 3)) / (Math.PI * (2 * j + 1) * (2 * j + 2));
    C = (C * (2 * j + 1)) / (2 * j + 2);
  }
  return k;
}
