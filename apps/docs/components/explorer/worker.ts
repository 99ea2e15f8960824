/// <reference lib="webworker" />
/**
 * The explorer's Web Worker: samples the network, computes the empirical kernel's eigenvalues and the limit
 * density, and posts progress messages as it goes. Runs one request at a time; the page terminates the
 * worker to abandon a run.
 */
import { createRng, type Matrix } from '@spec/core';
import { ckLimit, histogram, ksDistance, ntkLimit, type LimitSpectrum } from '@spec/rmt';
import { chooseBackend } from './backend-choice';
import type { ExplorerConfig, ProgressMessage, ResultMessage, RunRequest } from './protocol';
import { empiricalEigenvalues, normalisedConstants } from './empirical';

declare const self: DedicatedWorkerGlobalScope;

/** Input data X (d0 × n), samples as columns, of unit norm on average (Gaussian) or exactly (sphere). */
function inputData(config: ExplorerConfig): Matrix {
  const { n, d0, seed } = config;
  const rng = createRng(seed).split('data');
  const data = new Float64Array(d0 * n);
  rng.fillNormal(data);
  if (config.data === 'sphere') {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < d0; i++) s += data[i * n + j] ** 2;
      const inv = 1 / Math.sqrt(s);
      for (let i = 0; i < d0; i++) data[i * n + j] *= inv;
    }
  } else {
    const inv = 1 / Math.sqrt(d0);
    for (let k = 0; k < data.length; k++) data[k] *= inv;
  }
  return { rows: d0, cols: n, data };
}

function binsFor(n: number): number {
  return Math.max(10, Math.min(60, Math.round(2 * Math.sqrt(n))));
}

async function run(req: RunRequest): Promise<void> {
  const { id, config } = req;
  const t0 = performance.now();
  const progress = (stage: string, fraction: number): void => {
    const msg: ProgressMessage = { type: 'progress', id, stage, fraction: Math.max(0, Math.min(1, fraction)) };
    self.postMessage(msg);
  };
  progress('choosing a backend', 0.01);
  const { backend, note } = await chooseBackend(config.backend);
  progress('sampling data', 0.03);
  const X = inputData(config);

  // Limit law for the same ratios (apps/docs/theory/fan-wang.md#ck-limit, #ntk-surrogate, #ntk-fixed-point): samples
  // per neuron γ_ℓ = n/d_ℓ, input law MP(n/d0).
  progress('limit density', 0.05);
  const { a, b } = normalisedConstants(config.activation);
  const samplesPerNeuron = config.widths.map((w) => config.n / w);
  const input = { kind: 'mp', samplesPerDim: config.n / config.d0 } as const;
  const grid = { points: 400 };
  const limit: LimitSpectrum =
    config.kernel === 'ck'
      ? ckLimit({ samplesPerNeuron, b, input, grid })
      : ntkLimit({ samplesPerNeuron, a, b, input, grid });

  const eigenvalues = empiricalEigenvalues({
    backend,
    X,
    config,
    onProgress: (stage, fraction) => progress(stage, 0.15 + 0.83 * fraction),
  });
  progress('histogram', 0.99);
  const lo = Math.min(eigenvalues[0], limit.x[0]);
  const hi = Math.max(eigenvalues[eigenvalues.length - 1], limit.x[limit.x.length - 1]);
  const h = histogram(eigenvalues, { bins: binsFor(config.n), range: [lo, hi] });
  const atomTolerance = 1e-9 * Math.max(1, Math.abs(hi));
  const result: ResultMessage = {
    type: 'result',
    id,
    config,
    eigenvalues,
    histogram: { edges: Array.from(h.edges), counts: Array.from(h.counts), density: Array.from(h.density) },
    limit: {
      x: Array.from(limit.x),
      density: Array.from(limit.density),
      atoms: limit.atoms.map((t) => ({ x: t.x, mass: t.mass })),
    },
    ks: ksDistance(eigenvalues, limit, { atomTolerance }),
    backend: backend.computedBy('gemm'),
    backendNote: note,
    milliseconds: performance.now() - t0,
  };
  self.postMessage(result, [eigenvalues.buffer]);
}

self.onmessage = (ev: MessageEvent<RunRequest>) => {
  const req = ev.data;
  run(req).catch((e: unknown) => {
    self.postMessage({ type: 'error', id: req.id, message: e instanceof Error ? e.message : String(e) });
  });
};
