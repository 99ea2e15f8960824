import { SpecError } from '@spec/core';
import type { Complex } from './complex.js';
import { type FixedPointSystem, createWork, solvePoint } from './fixed-point.js';
import {
  type InputMeasure,
  checkInputMeasure,
  discreteMeasure,
  inputUpperBound,
  lawStieltjes,
} from './input-measure.js';
import { mpStieltjes } from './mp.js';

/**
 * The MP map (apps/docs/theory/toolkit.md#marchenko-pastur (MP)): Stieltjes transform at z of ρ^MP_γ ⊠ ν, the LSD of
 * Φ^{1/2}(GᵀG/d)Φ^{1/2} where Φ has LSD ν and γ = `samplesPerDim` = n/d. Solves the scalar fixed point m = ∫ ν(dt) /
 * (t·s − z), s = 1 − γ − γ z m, by Newton / damped iteration along an η-homotopy (a separate algorithm from the vector
 * system of apps/docs/theory/fan-wang.md#ntk-fixed-point, used to cross-check it). For an MP or general law ν, the
 * integral is (1/s)·m_ν(z/s).
 */
export function mpMap(z: Complex, input: InputMeasure, samplesPerDim: number): Complex {
  if (!Number.isFinite(samplesPerDim) || samplesPerDim <= 0) {
    throw new SpecError('E_INPUT', `mpMap: samplesPerDim (γ = n/d) must be finite and > 0, got ${samplesPerDim}`);
  }
  if (!Number.isFinite(z.re) || !Number.isFinite(z.im)) throw new SpecError('E_INPUT', 'mpMap: z must be finite');
  checkInputMeasure(input, 'mpMap');
  if (z.im < 0) {
    const v = mpMap({ re: z.re, im: -z.im }, input, samplesPerDim);
    return { re: v.re, im: -v.im };
  }
  const g = samplesPerDim;
  const disc = input.kind === 'atoms' ? discreteMeasure(input) : null;
  const sys: FixedPointSystem = {
    size: 1,
    scale: Math.max(inputUpperBound(input) * (1 + Math.sqrt(g)) ** 2, 1e-300),
    label: 'mpMap',
    map(zr, zi, d, out, m) {
      // s = 1 − γ − γ z m
      const sR = 1 - g - g * (zr * d[0] - zi * d[1]);
      const sI = -g * (zr * d[1] + zi * d[0]);
      let fR = 0;
      let fI = 0;
      if (disc !== null) {
        for (let i = 0; i < disc.x.length; i++) {
          const aR = disc.x[i] * sR - zr;
          const aI = disc.x[i] * sI - zi;
          const den = aR * aR + aI * aI;
          fR += (disc.w[i] * aR) / den;
          fI -= (disc.w[i] * aI) / den;
        }
      } else {
        const sd = sR * sR + sI * sI;
        const qR = (zr * sR + zi * sI) / sd;
        const qI = (zi * sR - zr * sI) / sd;
        const mv =
          input.kind === 'mp'
            ? qR === 0 && qI === 0
              ? { re: Infinity, im: 0 }
              : mpStieltjes({ re: qR, im: qI }, input.samplesPerDim)
            : lawStieltjes((input as { stieltjes: (w: Complex) => Complex }).stieltjes, qR, qI);
        fR = (mv.re * sR + mv.im * sI) / sd;
        fI = (mv.im * sR - mv.re * sI) / sd;
      }
      out[0] = fR;
      out[1] = fI;
      m[0] = fR;
      m[1] = fI;
    },
  };
  const w = createWork(1);
  const d = new Float64Array(2);
  solvePoint(sys, z.re, z.im, d, w, false);
  return { re: w.m[0], im: w.m[1] };
}
