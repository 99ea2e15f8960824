// `pnpm pack:all [DIR]`: builds, then packs every published package into DIR (default tarballs/), one .tgz each,
// with workspace:* ranges replaced by the packages' versions: what npm would download, for machines without the
// registry (`npm i ./DIR/*.tgz`).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PUBLISHED } from './build-stamp.mjs';
import { build, root } from './build.mjs';

const dest = resolve(process.argv[2] ?? join(root, 'tarballs'));
if (!(await build())) {
  process.stderr.write('error: the build failed (tsc errors above)\n');
  process.exit(1);
}
mkdirSync(dest, { recursive: true });
for (const pkg of PUBLISHED) {
  const r = spawnSync('pnpm', ['pack', '--pack-destination', dest], {
    cwd: join(root, pkg),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) {
    process.stderr.write(`error: pnpm pack failed in ${pkg}\n`);
    process.exit(1);
  }
}
process.stdout.write(`${PUBLISHED.length} tarballs in ${dest}\n`);
