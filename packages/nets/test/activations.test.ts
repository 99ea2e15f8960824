import { describe, expect, it } from 'vitest';
import erfFn from '@stdlib/math-base-special-erf';
import { builtinActivations } from '../src/activations/builtins.js';
import { leakyRelu } from '../src/activations/relu.js';

const POINTS = [-7.5, -3.2, -1.1, -0.4, 0.3, 0.9, 2.2, 4.7, 8.1];

describe('built-in activations: derivatives against central differences', () => {
  it('deriv ≈ (fn(x+h) − fn(x−h))/2h and deriv2 ≈ (deriv(x+h) − deriv(x−h))/2h', () => {
    // h = 1e-5: truncation h²|f‴|/6 ≲ 1e-10 (|f‴| ≲ 6 for these functions on the points, x² has f‴ = 0),
    // rounding ε|f|/h ≲ 1e-10 for |f| ≤ 10; 1e-8 leaves margin. No point is within h of a kink.
    const h = 1e-5;
    for (const act of [...builtinActivations, leakyRelu(0.2)]) {
      for (const x of POINTS) {
        const fd = (act.fn(x + h) - act.fn(x - h)) / (2 * h);
        expect(Math.abs(act.deriv(x) - fd), `${act.name}′(${x})`).toBeLessThan(1e-8 * Math.max(1, Math.abs(fd)));
        const d2 = act.deriv2;
        if (d2 !== undefined) {
          const fd2 = (act.deriv(x + h) - act.deriv(x - h)) / (2 * h);
          expect(Math.abs(d2(x) - fd2), `${act.name}″(${x})`).toBeLessThan(1e-8 * Math.max(1, Math.abs(fd2)));
        }
      }
    }
  });

  it('values: sigmoid and softplus stable at ±800, gelu = xΦ(x), swish = x·sigmoid(x)', () => {
    const get = (n: string) => builtinActivations.find((a) => a.name === n)!;
    expect(get('sigmoid').fn(-800)).toBe(0);
    expect(get('sigmoid').fn(800)).toBe(1);
    expect(get('softplus').fn(800)).toBe(800);
    expect(get('softplus').fn(-800)).toBe(0);
    expect(get('softplus').fn(0)).toBeCloseTo(Math.LN2, 15);
    expect(get('gelu').fn(1.3)).toBeCloseTo(1.3 * 0.5 * (1 + erfFn(1.3 / Math.SQRT2)), 15);
    expect(get('swish').fn(-2)).toBeCloseTo(-2 / (1 + Math.exp(2)), 15);
    expect(get('leaky_relu').fn(-2)).toBeCloseTo(-0.02, 15);
  });

  it('names are unique and valid registry names', () => {
    const names = builtinActivations.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[A-Za-z][A-Za-z0-9_.:-]*$/);
  });
});
