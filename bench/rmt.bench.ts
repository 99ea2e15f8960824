/** Hot paths of @spec/rmt: limit densities on a 1000-point adaptive grid (targets: CK L = 3 ≤ 100 ms, NTK ≤ 300 ms). */
import { ckLimit, ntkLimit } from '@spec/rmt';
import type { BenchCase } from './types.js';

const b = 0.964609; // normalised tanh (apps/docs/theory/toolkit.md#normalised-activations)
const a = 1.177807;
const samplesPerNeuron = [0.75, 0.75, 0.75];
const input = { kind: 'mp', samplesPerDim: 1.5 } as const;

const cases: BenchCase[] = [
  {
    group: 'rmt',
    name: 'CK limit density, L = 3, 1000 points (tanh, MP input)',
    run: () => ckLimit({ samplesPerNeuron, b, input, grid: { points: 1000 } }),
    target: { maxMs: 100, source: 'limit-density target' },
  },
  {
    group: 'rmt',
    name: 'NTK limit density, L = 3, 1000 points (tanh, MP input)',
    run: () => ntkLimit({ samplesPerNeuron, a, b, input, grid: { points: 1000 } }),
    target: { maxMs: 300, source: 'limit-density target' },
  },
  {
    group: 'rmt',
    name: 'CK limit density, L = 2, 1000 points, input = 1500 eigenvalues (atoms)',
    setup: () => {
      // a smooth stand-in for the eigenvalues of XᵀX of real data: 1500 points of a spread law
      const x = new Float64Array(1500);
      for (let i = 0; i < x.length; i++) x[i] = 0.2 + 2 * ((i + 0.5) / x.length) ** 2;
      return x;
    },
    run: (x) => ckLimit({ samplesPerNeuron: [0.75, 0.75], b, input: { kind: 'atoms', x: x as Float64Array } }),
  },
];

export default cases;
