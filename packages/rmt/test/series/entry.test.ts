import { describe, expect, it } from 'vitest';
import * as rmt from '@spec/rmt';

describe('@spec/rmt entry', () => {
  it('re-exports the series and dispersion APIs', () => {
    for (const name of [
      'powerSeriesCoefficients',
      'sphereEigenvalues',
      'funkHeckeEigenvalue',
      'effectiveRankBounds',
      'decayExponent',
      'reluHermite',
    ]) {
      expect(typeof (rmt as Record<string, unknown>)[name]).toBe('function');
    }
    // apps/docs/theory/reference-values.md#ntk-means through the package entry.
    expect(rmt.ntkMeans({ width: 20, inputDim: 20, depth: 6, sigmaW2: 2 }).total).toBe(14);
    expect(rmt.classifyPhase({ sigmaW2: 2 }).phase).toBe('edge-of-chaos');
  });
});
