// TEMPORARY until @spec/nets exports its network and empirical kernels: CK only, tanh family only.
import type { Activation, Backend, Matrix } from '@spec/core';
import { createRng } from '@spec/core';
import type { ExplorerConfig } from './protocol';

function gaussMean(f: (x: number) => number): number {
  let s = 0;
  const h = 0.001;
  for (let x = -10; x <= 10; x += h) s += f(x) * Math.exp(-x * x / 2);
  return (s * h) / Math.sqrt(2 * Math.PI);
}

function normalised(): { act: Activation; a: number; b: number } {
  const m = gaussMean(Math.tanh);
  const s = Math.sqrt(gaussMean((x) => (Math.tanh(x) - m) ** 2));
  const d = (x: number) => (1 - Math.tanh(x) ** 2) / s;
  return {
    act: { name: 'tanh~', fn: (x) => (Math.tanh(x) - m) / s, deriv: d },
    a: gaussMean((x) => d(x) ** 2),
    b: gaussMean(d),
  };
}

export function normalisedConstants(_name: string): { a: number; b: number } {
  const { a, b } = normalised();
  return { a, b };
}

export async function empiricalEigenvalues(options: {
  backend: Backend;
  X: Matrix;
  config: ExplorerConfig;
  onProgress: (stage: string, fraction: number) => void;
}): Promise<Float64Array> {
  const { backend, config } = options;
  const { act } = normalised();
  const rng = createRng(config.seed).split('net');
  let X = options.X;
  config.widths.forEach((w, l) => {
    options.onProgress(`layer ${l + 1}`, l / (config.widths.length + 2));
    const W = backend.randn(w, X.rows, rng.split(l));
    const H = backend.gemm(W, X);
    const Y = backend.map(H, act, 'value');
    const data = Float64Array.from(Y.data, (v) => v / Math.sqrt(w));
    X = { rows: Y.rows, cols: Y.cols, data };
  });
  options.onProgress('kernel', 0.5);
  const K = backend.gram(X);
  options.onProgress('eigenvalues', 0.6);
  return backend.eigvalsh(K);
}
