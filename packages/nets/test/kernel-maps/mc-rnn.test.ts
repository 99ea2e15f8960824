import { describe, it } from 'vitest';
import { CHECKS, checkData } from './check-data.js';
import { expectMonteCarloAgreement } from './monte-carlo.js';

describe('kernel maps against Monte Carlo of finite networks: rnn (apps/docs/theory/architectures.md#monte-carlo)', () => {
  it('rnn-avg: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['rnn-avg'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  it('rnn-last: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['rnn-last'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
});
