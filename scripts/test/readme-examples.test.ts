// Every published package's README shows examples/readme.ts verbatim (`pnpm typecheck` type-checks the files; CI
// compiles them against the packages installed from their tarballs, runs them and checks their output with the claims
// in scripts/readme-examples.mjs). After editing an example: node scripts/readme-examples.mjs sync.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PUBLISHED } from '../build-stamp.mjs';
import { CLAIMS, MARKER, readmeExample } from '../readme-examples.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('README examples', () => {
  it.each(PUBLISHED)('%s/README.md shows examples/readme.ts verbatim', (pkg) => {
    const block = readmeExample(readFileSync(join(repo, pkg, 'README.md'), 'utf8'));
    expect(block, `${pkg}/README.md needs "${MARKER}" followed by a \`\`\`ts block`).not.toBeNull();
    expect(block, 'run: node scripts/readme-examples.mjs sync').toBe(
      readFileSync(join(repo, pkg, 'examples/readme.ts'), 'utf8'),
    );
  });

  it('has claims to check for every published package', () => {
    expect(Object.keys(CLAIMS).sort()).toEqual([...PUBLISHED].sort());
  });

  it('checks claims, and fails on output that does not show them', () => {
    const good = 'cos(0) = 1\nreproducible: true\nX is 2 × 2\nE_SHAPE row 1 has 1 entries, expected 2\n';
    expect(CLAIMS['packages/core'](good)).toHaveLength(3);
    expect(() => CLAIMS['packages/core'](good.replace('true', 'false'))).toThrow(/reproducible/);
    const nets = 'CK mean 1.0007 vs 1\nNTK mean 3.47 vs 3.565\n';
    expect(CLAIMS['packages/nets'](nets)).toHaveLength(2);
    expect(() => CLAIMS['packages/nets'](nets.replace('3.47', '2.9'))).toThrow(/NTK mean/);
  });
});
