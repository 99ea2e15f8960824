import type { LimitSpectrum } from '@spec/rmt';

/** The `limit` record of the JSON contract: grid, density, atoms (plus support and mean). */
export function limitJson(limit: LimitSpectrum): Record<string, unknown> {
  return {
    x: Array.from(limit.x),
    density: Array.from(limit.density),
    atoms: limit.atoms.map((a) => ({ x: a.x, mass: a.mass })),
    support: limit.support.map(([lo, hi]) => [lo, hi]),
    mean: limit.mean,
  };
}
