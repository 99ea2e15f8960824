import { describe, expect, it } from 'vitest';
import { formatDataSpec, parseDataSpec } from '../src/data-spec.js';
import { expectSpecErrorAsync } from '@spec/testing';

describe('parseDataSpec', () => {
  it('parses plain kinds and kind:PATH (path keeps later colons)', () => {
    expect(parseDataSpec('gaussian')).toEqual({ kind: 'gaussian' });
    expect(parseDataSpec('Digits')).toEqual({ kind: 'digits' });
    expect(parseDataSpec('mixture')).toEqual({ kind: 'mixture' });
    expect(parseDataSpec('cifar10:/data/cifar-10-batches-bin')).toEqual({
      kind: 'cifar10',
      path: '/data/cifar-10-batches-bin',
    });
    expect(parseDataSpec('npy:C:\\x.npy')).toEqual({ kind: 'npy', path: 'C:\\x.npy' });
    for (const s of ['sphere', 'mnist:a/b', 'csv:x.csv']) expect(formatDataSpec(parseDataSpec(s))).toBe(s);
  });

  it('parses fashion-mnist with an optional split and directory', () => {
    expect(parseDataSpec('fashion-mnist')).toEqual({ kind: 'fashion-mnist', split: 'train' });
    expect(parseDataSpec('Fashion-MNIST:test')).toEqual({ kind: 'fashion-mnist', split: 'test' });
    expect(parseDataSpec('fashion-mnist:train:/data/f:x')).toEqual({
      kind: 'fashion-mnist',
      split: 'train',
      dir: '/data/f:x',
    });
    expect(parseDataSpec('fashion-mnist:./fm')).toEqual({ kind: 'fashion-mnist', split: 'train', dir: './fm' });
    for (const s of ['fashion-mnist:train', 'fashion-mnist:test:/d']) expect(formatDataSpec(parseDataSpec(s))).toBe(s);
  });

  it('rejects unknown kinds listing the valid ones, and missing or extra paths', async () => {
    await expectSpecErrorAsync(
      () => parseDataSpec('imagenet:/x'),
      'E_INPUT',
      /unknown data source "imagenet"/,
      /gaussian, sphere, mixture, digits, fashion-mnist\[:train\|test\]\[:DIR\], cifar10:PATH/,
    );
    await expectSpecErrorAsync(() => parseDataSpec('fashion-mnist:test:'), 'E_INPUT', /give a directory/);
    await expectSpecErrorAsync(() => parseDataSpec('fashion-mnist:'), 'E_INPUT', /give a directory/);
    await expectSpecErrorAsync(() => parseDataSpec('csv'), 'E_INPUT', /needs a path/);
    await expectSpecErrorAsync(() => parseDataSpec('csv:'), 'E_INPUT', /needs a path/);
    await expectSpecErrorAsync(() => parseDataSpec('gaussian:x'), 'E_INPUT', /takes no path/);
  });
});
