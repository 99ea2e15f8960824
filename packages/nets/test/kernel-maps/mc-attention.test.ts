import { describe, it } from 'vitest';
import { CHECKS, checkData } from './check-data.js';
import { expectMonteCarloAgreement } from './monte-carlo.js';

describe('kernel maps against Monte Carlo of finite networks: attention (apps/docs/theory/architectures.md#monte-carlo)', () => {
  it('attn-tied: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['attn-tied'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  it('attn-tied-flat: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['attn-tied-flat'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  it('attn-untied: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['attn-untied'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  it('attn-sqrt-id: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['attn-sqrt-id'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
  it('attn-res-postact: NNGP and NTK of finite networks at N = 32, 128 converge to the limit', () => {
    const [shape, spec] = CHECKS['attn-res-postact'];
    expectMonteCarloAgreement({
      spec: JSON.parse(spec),
      data: checkData(shape),
      shape,
      widths: [32, 128],
      nets: [80, 24],
    });
  });
});
