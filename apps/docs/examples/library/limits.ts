/** Limit densities alone (what `spec limit` computes): no network is sampled, only a = E σ̃′², b = E σ̃′ enter. */
import { gaussianConstants, getActivation } from '@spec/nets';
import { ckLimit, limitCdf, mpDensity, mpEdges, ntkLimit } from '@spec/rmt';

export function limitsExample(): void {
  const { a, b } = gaussianConstants(getActivation('relu')); // constants of the normalised ReLU (apps/docs/theory/toolkit.md#normalised-activations)
  const input = { kind: 'mp', samplesPerDim: 800 / 600 } as const; // Gaussian data, n = 800, d0 = 600
  const samplesPerNeuron = [0.8, 0.8]; // n / d_ℓ for two hidden layers of width 1000

  const ck = ckLimit({ samplesPerNeuron, b, input, grid: { points: 1000 } });
  const ntk = ntkLimit({ samplesPerNeuron, a, b, input });
  console.log(ck.support, ck.atoms, ck.mass, limitCdf(ck, 1)); // support intervals, atoms, ∫density, CDF at 1
  console.log(ntk.x.length, ntk.density.length, ntk.mean);

  // The Marchenko–Pastur law in closed form, γ = n/d:
  const [lo, hi] = mpEdges(1.5);
  console.log(lo, hi, mpDensity((lo + hi) / 2, 1.5));
}
