// Every published package's README shows examples/readme.ts verbatim, and the example, run from the sources, prints
// what the README says it does (the claims in scripts/readme-examples.mjs; CI checks them again against the packages
// installed from their tarballs).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { PUBLISHED } from '../build-stamp.mjs';
import { CLAIMS, MARKER, readmeExample } from '../readme-examples.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe.each(PUBLISHED)('%s README example', (pkg) => {
  const file = join(repo, pkg, 'examples/readme.ts');

  it('is the file examples/readme.ts, verbatim', () => {
    const block = readmeExample(readFileSync(join(repo, pkg, 'README.md'), 'utf8'));
    expect(block, `${pkg}/README.md needs "${MARKER}" followed by a \`\`\`ts block`).not.toBeNull();
    expect(block).toBe(readFileSync(file, 'utf8'));
  });

  it('prints what the README claims', async () => {
    let out = '';
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      out += args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') + '\n';
    });
    try {
      await import(pathToFileURL(file).href);
    } finally {
      log.mockRestore();
    }
    expect(CLAIMS[pkg](out).length).toBeGreaterThan(0);
  });
});
