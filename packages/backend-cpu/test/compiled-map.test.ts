import { afterAll, describe, expect, it } from 'vitest';
import type { Activation } from '@spec/core';
import { compileMapLoop, mapLoopBody } from '../src/compiled-map.js';
import { MAP_PARALLEL_MIN, createThreadPool, sharedFloat64 } from '../src/thread-pool.js';

const pool = createThreadPool(2);
afterAll(() => pool.dispose());

const exactTanh: Activation = {
  name: 'tanh',
  fn: Math.tanh,
  deriv: (x) => 1 - Math.tanh(x) ** 2,
  source: {
    fn: 'Math.tanh(x)',
    deriv: '(1 - Math.tanh(x) * Math.tanh(x))',
    exact: true,
    fused: { common: 'Math.tanh(x)', fn: 'u', deriv: '(1 - u * u)' },
  },
};

describe('compiled element-wise loops', () => {
  it('build a body only from an exact source, the fused form only when both outputs are wanted', () => {
    expect(mapLoopBody({ ...exactTanh, source: { fn: 'Math.tanh(x)', deriv: '1' } }, true, false)).toBeNull();
    expect(mapLoopBody({ name: 'f', fn: (x) => x, deriv: () => 1 }, true, true)).toBeNull();
    expect(mapLoopBody(exactTanh, true, false)).toContain('V[i] = (Math.tanh(x))');
    expect(mapLoopBody(exactTanh, true, true)).toContain('const u = (Math.tanh(x))');
    expect(compileMapLoop('this is not javascript')).toBeNull();
  });
  it('split the elements between the caller and the worker on shared arrays, serial otherwise', () => {
    const n = 2 * MAP_PARALLEL_MIN + 3;
    const X = sharedFloat64(n);
    const V = sharedFloat64(n);
    // The body reads a global that only the calling thread sets: 1 marks the caller's entries, 0 the worker's.
    const g = globalThis as { __specMapMark?: number };
    g.__specMapMark = 1;
    try {
      const body = 'for (let i = s; i < e; i++) V[i] = globalThis.__specMapMark ?? 0;';
      expect(pool.mapLoop(body, X, V, null)).toBe(true);
      const mine = V.reduce((a, v) => a + v, 0);
      expect(mine).toBe(Math.floor(n / 2));
      expect(V[0]).toBe(1);
      expect(V[n - 1]).toBe(0);
      const plain = new Float64Array(n);
      expect(pool.mapLoop(body, X, plain, null)).toBe(true);
      expect(plain.every((v) => v === 1)).toBe(true); // not shared: all on the calling thread
    } finally {
      delete g.__specMapMark;
    }
  });
});
