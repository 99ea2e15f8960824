import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { architectureKernelMatrices, type ArchitectureSpec } from '@spec/nets';
import { describe, expect, it } from 'vitest';
import { architectureExample } from '../examples/library/architecture.js';
import { spectrumExample } from '../examples/library/spectrum.js';

/**
 * Checks that hold for any network in NTK parametrisation: both kernels are symmetric, and Θ(a, a) ≥ K(a, a) > 0,
 * because the readout adds K to W² times a non-negative diagonal of the layers below
 * (apps/docs/theory/architectures.md#dense).
 */
function expectKernelShape(nngp: Float64Array, ntk: Float64Array, n: number): void {
  for (let a = 0; a < n; a++) {
    expect(nngp[a * n + a]).toBeGreaterThan(0);
    expect(ntk[a * n + a]).toBeGreaterThanOrEqual(nngp[a * n + a]);
    for (let b = 0; b < a; b++) {
      expect(nngp[a * n + b]).toBeCloseTo(nngp[b * n + a], 12);
      expect(ntk[a * n + b]).toBeCloseTo(ntk[b * n + a], 12);
    }
  }
}

describe('guide examples', () => {
  it('spectrum guide: empirical CK and NTK of a tanh MLP (n = 400) sit near their limits, KS < 0.1', () => {
    const { ckKs, ntkKs } = spectrumExample();
    // n = 400: finite-size KS fluctuations are O(1/√n)·few ≈ 0.05–0.1, and the limit is exact only as n → ∞.
    expect(ckKs).toBeLessThan(0.1);
    expect(ntkKs).toBeLessThan(0.1);
  });

  it('architecture guide: the transformer block from code gives symmetric kernels on the full record', () => {
    const { nngp, ntk, form, n } = architectureExample();
    expect(form).toBe('full');
    expectKernelShape(nngp, ntk, n);
  });

  it('architecture guide: every example network file runs on inputs of the shape the guide gives it', () => {
    const folder = fileURLToPath(new URL('../examples/architectures/', import.meta.url));
    // CNNs read images (n, H, W, C); the transformer block and the RNN read sequences (n, T, C).
    const shapes: Record<string, number[]> = {
      'cnn-gap.json': [3, 6, 6, 1],
      'cnn-flatten.json': [3, 6, 6, 1],
      'transformer-block.json': [3, 6, 4],
      'rnn.json': [3, 6, 4],
    };
    const files = readdirSync(folder).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(Object.keys(shapes).sort());
    for (const file of files) {
      const spec = JSON.parse(readFileSync(join(folder, file), 'utf8')) as ArchitectureSpec;
      const shape = shapes[file];
      const data = Float64Array.from({ length: shape.reduce((x, y) => x * y, 1) }, (_, i) => Math.cos(0.61 * i));
      const { nngp, ntk } = architectureKernelMatrices({ spec, data, shape });
      expectKernelShape(nngp, ntk, shape[0]);
    }
  });
});
