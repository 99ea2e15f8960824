import { describe, it } from 'vitest';
import { CHECKS, checkData } from './check-data.js';
import { expectMonteCarloAgreement } from './monte-carlo.js';

describe('kernel maps against Monte Carlo of finite networks: conv (apps/docs/theory/architectures.md#monte-carlo)', () => {
  it('conv1d-gap: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['conv1d-gap'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  it('conv2d-flatten: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['conv2d-flatten'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  // The costliest architecture (2-D, 3 × 3 filters): narrower networks, the same 4× step in width.
  it('conv2d-circ-pool: NNGP and NTK of finite networks at N = 24, 96 converge to the limit', () => {
    const [shape, spec] = CHECKS['conv2d-circ-pool'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [24, 96],
      nets: [60, 24],
    });
  });
  it('conv-quad: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['conv-quad'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
});
