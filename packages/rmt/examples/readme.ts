import { ckLimit, limitCdf, ntkLimit } from '@spec/rmt';

// Normalised tanh (a = E σ̃′², b = E σ̃′), n = 1500 samples of d0 = 1000 Gaussian features, two hidden layers of 2000.
const [a, b] = [1.177807, 0.964609];
const input = { kind: 'mp', samplesPerDim: 1500 / 1000 } as const;
const ck = ckLimit({ samplesPerNeuron: [0.75, 0.75], b, input });
const ntk = ntkLimit({ samplesPerNeuron: [0.75, 0.75], a, b, input });
const right = ck.support.at(-1)![1];
console.log('CK support', ck.support, 'atoms', ck.atoms, 'CDF at the right edge', limitCdf(ck, right)); // 1
console.log('CK mean', ck.mean, 'vs 1'); // a normalised activation keeps the mean of the input Gram
console.log('NTK mean', ntk.mean, 'vs', 1 + a + a * a); // two hidden layers: 1 + a + a²
