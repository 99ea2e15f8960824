/**
 * The infinite-width kernels of a transformer-style block from code (what `spec infinite --arch` computes):
 * the JSON format as a TypeScript value, data of shape (n, T, C), n × n NNGP and NTK
 * (apps/docs/theory/architectures.md#json-format).
 */
import { architectureKernelMatrices, type ArchitectureSpec } from '@spec/nets';

export function architectureExample(): { nngp: Float64Array; ntk: Float64Array; form: string; n: number } {
  const spec: ArchitectureSpec = [
    { layer: 'dense' }, // embedding: every token to a Gaussian record
    { layer: 'residual', branch: [{ layer: 'attention', mode: 'tied', QK_std: 1.0, OV_std: 1.0 }] },
    { layer: 'layernorm' },
    {
      layer: 'residual',
      branch: [{ layer: 'dense', W_std: 1.4, b_std: 0.1 }, { layer: 'gelu' }, { layer: 'dense', W_std: 1.4 }],
    },
    { layer: 'layernorm' },
    { layer: 'global_avg_pool' }, // mean over tokens: the record loses its positions …
    { layer: 'dense' }, // … and the one-output readout gives the kernels
  ];
  // Three sequences of T = 5 tokens with C = 4 channels, row-major (n, T, C); used as given, no normalisation.
  const [n, T, C] = [3, 5, 4];
  const data = Float64Array.from({ length: n * T * C }, (_, i) => Math.sin(0.37 * i + 1));
  const { nngp, ntk, form } = architectureKernelMatrices({ spec, data, shape: [n, T, C] });
  console.log(form, 'record'); // 'full': attention and pooling read pairs of different tokens
  console.log('NTK(0, 1) =', ntk[1], 'NNGP(0, 1) =', nngp[1]); // n × n, row-major
  return { nngp, ntk, form, n };
}
