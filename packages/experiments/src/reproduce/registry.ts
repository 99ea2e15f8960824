import { SpecError } from '@spec/core';
import { fanWangCkSynthetic, fanWangNtkSynthetic } from './fan-wang-synthetic.js';
import { ntkDispersion } from './ntk-dispersion.js';
import { ntkPowerSeries } from './ntk-power-series.js';
import { kernelGd } from './kernel-gd.js';
import { spectralEvolution } from './spectral-evolution.js';
import { fanWangReal } from './fan-wang-real.js';
import { tpUniversality } from './tp-universality.js';
import type { Reproduction } from './types.js';

/**
 * Every reproduction `spec reproduce --list` shows, in that order. Only reproductions whose whole
 * pipeline exists are listed (no placeholders).
 */
export const reproductions: ReadonlyArray<Reproduction> = [
  fanWangCkSynthetic,
  fanWangNtkSynthetic,
  fanWangReal,
  ntkDispersion,
  ntkPowerSeries,
  kernelGd,
  tpUniversality,
  spectralEvolution,
];

/** The reproduction called `name`; `E_INPUT` naming the known ones otherwise. */
export function getReproduction(name: string): Reproduction {
  const r = reproductions.find((x) => x.name === name);
  if (r === undefined) {
    throw new SpecError(
      'E_INPUT',
      `unknown reproduction "${name}" (known: ${reproductions.map((x) => x.name).join(', ')}; see spec reproduce --list)`,
    );
  }
  return r;
}
