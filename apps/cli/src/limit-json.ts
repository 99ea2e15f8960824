import type { LimitSpectrum } from '@spec/rmt';

/** The `limit` record of the JSON contract: grid, density, atoms (plus support, mean and any approximation made). */
export function limitJson(limit: LimitSpectrum): Record<string, unknown> {
  return {
    x: Array.from(limit.x),
    density: Array.from(limit.density),
    atoms: limit.atoms.map((a) => ({ x: a.x, mass: a.mass })),
    support: limit.support.map(([lo, hi]) => [lo, hi]),
    mean: limit.mean,
    ...(limit.inputZeroed ? { inputZeroed: { ...limit.inputZeroed } } : {}),
  };
}

/** One-line notes on a limit law's approximations, for stderr. */
export function limitNotes(kernel: string, limit: LimitSpectrum | undefined): string[] {
  const z = limit?.inputZeroed;
  if (z === undefined) return [];
  return [
    `note: the ${kernel.toUpperCase()} limit treats the input eigenvalues below ${z.below.toExponential(1)} ` +
      `(${(100 * z.mass).toFixed(1)} % of them) as 0; it could not be resolved otherwise, and differs only within ` +
      `that distance of its lower edge`,
  ];
}
