/**
 * What `spec spectrum` does, in library code: sample a two-hidden-layer tanh MLP on Gaussian data, compute the
 * empirical CK and NTK eigenvalues, and compare them with the linear-width limit densities.
 */
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Matrix } from '@spec/core';
import { empiricalKernels, gaussianConstants, getActivation, initNetwork, mlp, normalizeActivation } from '@spec/nets';
import { ckLimit, histogram, ksDistance, ntkLimit } from '@spec/rmt';

export function spectrumExample(): { ckKs: number; ntkKs: number } {
  const [n, d0, widths] = [400, 300, [400, 400]];
  const rng = createRng(0);
  const backend = createCpuBackend();

  // Data: X is d0 × n (samples are columns) with i.i.d. N(0, 1/d0) entries, so columns have unit norm on average.
  const X: Matrix = backend.randn(d0, n, rng.split('data'));
  for (let k = 0; k < X.data.length; k++) X.data[k] /= Math.sqrt(d0);

  // Network: X_ℓ = σ̃(W_ℓ X_{ℓ−1}) / √d_ℓ with σ̃ the centred, unit-variance tanh
  // (apps/docs/theory/fan-wang.md#network-and-kernels).
  const raw = getActivation('tanh');
  const net = mlp({ inputDim: d0, widths, activation: normalizeActivation(raw) });
  const params = initNetwork(net, rng.split('network'));
  const { ck, ntk } = empiricalKernels(net, params, X, backend, { kernel: 'both' });
  if (!ck || !ntk) throw new Error('kernels missing');
  const ckEigenvalues = backend.eigvalsh(ck);
  const ntkEigenvalues = backend.eigvalsh(ntk);

  // Limits for the same ratios: γ_ℓ = n/d_ℓ, input law MP(n/d0), activation through a = E σ̃′², b = E σ̃′.
  const { a, b } = gaussianConstants(raw);
  const samplesPerNeuron = widths.map((w) => n / w);
  const input = { kind: 'mp', samplesPerDim: n / d0 } as const;
  const ckLaw = ckLimit({ samplesPerNeuron, b, input });
  const ntkLaw = ntkLimit({ samplesPerNeuron, a, b, input });

  const bins = histogram(ckEigenvalues, { bins: 40 }); // bins.density is comparable with ckLaw.density
  void bins;
  const tol = 1e-9 * ckEigenvalues[n - 1]; // numerically-zero eigenvalues count as the atom at 0
  return { ckKs: ksDistance(ckEigenvalues, ckLaw, { atomTolerance: tol }), ntkKs: ksDistance(ntkEigenvalues, ntkLaw) };
}
