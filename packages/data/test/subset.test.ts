import { createRng } from '@spec/core';
import { describe, expect, it } from 'vitest';
import { parseSubsetRule, selectSubset } from '../src/subset.js';
import { expectSpecErrorAsync } from '@spec/testing';

/** 50 samples: class i mod 3 for i < 45, class 7 for the last 5 (so class 7 is small). */
const labels = Int32Array.from({ length: 50 }, (_, i) => (i < 45 ? i % 3 : 7));
const sorted = (a: Int32Array): number[] => Array.from(a).sort((x, y) => x - y);
const counts = (idx: Int32Array): Map<number, number> => {
  const m = new Map<number, number>();
  for (const i of idx) m.set(labels[i], (m.get(labels[i]) ?? 0) + 1);
  return m;
};

describe('selectSubset', () => {
  it('first: file order, capped by default, all rows with a note when n exceeds the data', () => {
    expect(Array.from(selectSubset(50, undefined, { n: 4 }).indices)).toEqual([0, 1, 2, 3]);
    expect(selectSubset(50, undefined, { cap: 20 }).indices.length).toBe(20);
    const all = selectSubset(50, undefined, { n: 80, what: 'x.csv' });
    expect(all.indices.length).toBe(50);
    expect(all.notes).toEqual(['x.csv holds 50 samples, fewer than the 80 asked for: using all 50']);
  });

  it('random: reproducible from the seed, distinct indices, different for another seed', () => {
    const a = selectSubset(50, undefined, { rule: 'random', n: 10, rng: createRng(1) }).indices;
    const b = selectSubset(50, undefined, { rule: 'random', n: 10, rng: createRng(1) }).indices;
    const c = selectSubset(50, undefined, { rule: 'random', n: 10, rng: createRng(2) }).indices;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(new Set(a).size).toBe(10);
    for (const i of a) expect(i >= 0 && i < 50).toBe(true);
  });

  it('random: every index equally likely (3 of 10, 3000 draws; each count within 5 s.d. of 900)', () => {
    const rng = createRng(9);
    const hits = new Array<number>(10).fill(0);
    for (let t = 0; t < 3000; t++)
      for (const i of selectSubset(10, undefined, { rule: 'random', n: 3, rng }).indices) hits[i]++;
    // Each index is in a draw with probability 3/10: count ~ Binomial(3000, 0.3), s.d. √(3000·0.3·0.7) ≈ 25.
    for (const h of hits) expect(Math.abs(h - 900)).toBeLessThan(5 * 25.1);
  });

  it('balanced: ⌊n/k⌋ per class, the remainder to the first classes, reproducible', () => {
    const noSmall = labels.subarray(0, 45);
    const s = selectSubset(45, noSmall, { rule: 'balanced', n: 12, rng: createRng(3) });
    expect(s.indices.length).toBe(12);
    for (const c of [0, 1, 2]) expect(counts(s.indices).get(c)).toBe(4);
    const r = selectSubset(45, noSmall, { rule: 'balanced', n: 8, rng: createRng(3) });
    expect([0, 1, 2].map((c) => counts(r.indices).get(c))).toEqual([3, 3, 2]);
    expect(Array.from(selectSubset(45, noSmall, { rule: 'balanced', n: 12, rng: createRng(3) }).indices)).toEqual(
      Array.from(s.indices),
    );
    expect(new Set(s.indices).size).toBe(12);
  });

  it('class: only that class, in file order for first', () => {
    const s = selectSubset(50, labels, { classLabel: 7 });
    expect(Array.from(s.indices)).toEqual([45, 46, 47, 48, 49]);
    const r = selectSubset(50, labels, { classLabel: 1, rule: 'random', n: 6, rng: createRng(4) });
    for (const i of r.indices) expect(labels[i]).toBe(1);
    expect(sorted(r.indices).length).toBe(6);
  });

  it('refuses impossible requests with E_INPUT naming the flags', async () => {
    await expectSpecErrorAsync(
      () => selectSubset(50, labels, { classLabel: 4 }),
      'E_INPUT',
      /--class 4: .*\(classes present: 0, 1, 2, 7\)/,
    );
    await expectSpecErrorAsync(
      () => selectSubset(50, labels, { classLabel: 7, n: 6 }),
      'E_INPUT',
      /--n 6 with --class 7: .*only 5/,
    );
    await expectSpecErrorAsync(
      () => selectSubset(50, labels, { rule: 'balanced', n: 40, rng: createRng(1) }),
      'E_INPUT',
      /--subset balanced with --n 40: class 7 .* only 5 samples, fewer than its share of 10/,
    );
    await expectSpecErrorAsync(
      () => selectSubset(50, undefined, { classLabel: 1 }),
      'E_INPUT',
      /--class 1 needs class labels/,
    );
    await expectSpecErrorAsync(
      () => selectSubset(50, undefined, { rule: 'balanced', rng: createRng(1) }),
      'E_INPUT',
      /needs class labels/,
    );
    await expectSpecErrorAsync(
      () => selectSubset(50, labels, { rule: 'balanced', classLabel: 1, rng: createRng(1) }),
      'E_INPUT',
      /balanced already/,
    );
    await expectSpecErrorAsync(
      () => selectSubset(50, undefined, { n: 0 }),
      'E_INPUT',
      /--n must be a positive integer/,
    );
    await expectSpecErrorAsync(() => parseSubsetRule('stratified'), 'E_INPUT', /valid: first, random, balanced/);
    expect(parseSubsetRule(' Balanced ')).toBe('balanced');
  });
});
