import { describe, it } from 'vitest';
import { CHECKS, checkData } from './check-data.js';
import { expectMonteCarloAgreement } from './monte-carlo.js';

describe('kernel maps against Monte Carlo of finite networks: norm-residual (apps/docs/theory/architectures.md#monte-carlo)', () => {
  it('layernorm-mlp: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['layernorm-mlp'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  it('layernorm-conv: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['layernorm-conv'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  it('layernorm-postact: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['layernorm-postact'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  it('residual-cnn: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['residual-cnn'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
});
