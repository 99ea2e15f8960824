/**
 * The spectrum pipeline end to end (apps/docs/theory/fan-wang.md#network-and-kernels, #simulation-notes): sample the
 * data and the weights, forward pass, empirical CK and NTK by the layer-wise closed form, and eigvalsh of both — n =
 * 1500, d0 = 1000, widths 2000,2000, normalised tanh, Rademacher readout. Target: within 6× of numpy doing the same
 * work; the standalone numpy reference is bench/ref/spectrum.py.
 */
import { createCpuBackend } from '@spec/backend-cpu';
import { createRng, type Backend, type Matrix } from '@spec/core';
import { normalizeActivation, tanh } from '@spec/nets';
import { spectrumJob } from '@spec/experiments';
import type { BenchCase } from './types.js';

/** Sizes of the pipeline (exported so a smoke run can use small ones). */
export interface SpectrumPipelineSizes {
  readonly n: number;
  readonly d0: number;
  readonly widths: ReadonlyArray<number>;
}

let shared: Backend | undefined;

/** One run of the pipeline: returns the CK and NTK eigenvalues (the backend is created once, like importing numpy). */
export function spectrumPipeline(
  { n, d0, widths }: SpectrumPipelineSizes,
  seed = 0,
): { ck: Float64Array; ntk: Float64Array } {
  shared ??= createCpuBackend();
  const backend = shared;
  const rng = createRng(seed);
  // Data: i.i.d. N(0, 1/d0) entries (apps/docs/theory/fan-wang.md#assumptions example), samples as columns.
  const data = new Float64Array(d0 * n);
  rng.split('data').fillNormal(data);
  const inv = 1 / Math.sqrt(d0);
  for (let i = 0; i < data.length; i++) data[i] *= inv;
  const X: Matrix = { rows: d0, cols: n, data };
  // What `spec spectrum --no-limit --method dense` runs: the lean NTK (spectral-density/lean-kernels.ts), the CK
  // copied from the readout's Gram, eigvalsh of both.
  const r = spectrumJob({
    X,
    widths,
    activation: normalizeActivation(tanh),
    backend,
    rng: rng.split('weights'),
    kernel: 'both',
    limit: false,
    method: 'dense',
  });
  return { ck: r.ck!.eigenvalues, ntk: r.ntk!.eigenvalues };
}

/** The numpy equivalent (setup untimed: the normalising constants of tanh; work: everything else). */
export const NUMPY_SPECTRUM = (n: number, d0: number, widths: ReadonlyArray<number>): string => `
def setup():
    z, w = np.polynomial.hermite_e.hermegauss(200)
    w = w / w.sum()
    s = np.sqrt(np.sum(w * np.tanh(z) ** 2))          # tanh is odd: mean 0
    return s

def work(s):
    n, d0, widths = ${n}, ${d0}, [${widths.join(', ')}]
    rng = np.random.default_rng(0)
    X = rng.standard_normal((d0, n)) / np.sqrt(d0)
    Ws, Xs, Hs = [], [X], []
    for d in widths:
        W = rng.standard_normal((d, Xs[-1].shape[0]))
        H = W @ Xs[-1]
        Ws.append(W); Hs.append(H)
        Xs.append(np.tanh(H) / s / np.sqrt(d))
    w = rng.choice([-1.0, 1.0], size=widths[-1])
    CK = Xs[-1].T @ Xs[-1]
    NTK = CK.copy()
    S = (1 - np.tanh(Hs[-1]) ** 2) / s * w[:, None] / np.sqrt(widths[-1])
    for l in range(len(widths) - 1, -1, -1):
        NTK += (Xs[l].T @ Xs[l]) * (S.T @ S)
        if l > 0:
            S = (1 - np.tanh(Hs[l - 1]) ** 2) / s * (Ws[l].T @ S) / np.sqrt(widths[l - 1])
    return np.linalg.eigvalsh(CK), np.linalg.eigvalsh(NTK)
`;

const FULL: SpectrumPipelineSizes = { n: 1500, d0: 1000, widths: [2000, 2000] };
/** The large case: `spec spectrum --no-limit --kernel both --n 2000 --d0 1000 --widths 2000,2000 --activation tanh`. */
const LARGE: SpectrumPipelineSizes = { n: 2000, d0: 1000, widths: [2000, 2000] };

const cases: BenchCase[] = [
  {
    group: 'nets',
    name: 'spectrum pipeline n=1500 d0=1000 widths 2000,2000 tanh: sample, forward, CK, NTK, eigvalsh×2',
    run: () => spectrumPipeline(FULL),
    numpy: NUMPY_SPECTRUM(FULL.n, FULL.d0, FULL.widths),
    repeats: 1,
    target: { maxRatio: 6, source: 'pipeline target, n = 1500' },
  },
  {
    group: 'nets',
    name: 'spectrum pipeline n=2000 d0=1000 widths 2000,2000 tanh: sample, forward, CK, NTK, eigvalsh×2',
    run: () => spectrumPipeline(LARGE),
    numpy: NUMPY_SPECTRUM(LARGE.n, LARGE.d0, LARGE.widths),
    repeats: 3,
    target: { maxRatio: 3, source: 'pipeline target, n = 2000' },
  },
];

export default cases;
