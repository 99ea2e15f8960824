// `pnpm build` (also run by `pnpm install` as the root `prepare` script, and by `pnpm spec` when the build is
// stale): type-checks every published package and writes its declarations with tsc's build mode (project
// references, incremental), bundles its JavaScript with esbuild (bundle.mjs) and writes the build stamp
// (build-stamp.mjs). One build at a time: a second
// caller waits for the first and then finds the build up to date.
//
//   node scripts/build.mjs           build (incremental)
//   node scripts/build.mjs --check   exit 1 with one line when the build is stale (for prepack)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listInputs, PUBLISHED, staleReason, stampPath, writeStamp } from './build-stamp.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Whether the process `pid` is alive.
 * @param {number} pid
 */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
}

/**
 * Removes declarations whose source is gone (tsc leaves them behind when a module is deleted or renamed), so that
 * neither the CLI nor a tarball ever holds a module the sources no longer have. The JavaScript is bundle.mjs's: it
 * removes all of it before each bundle.
 * @param {string} pkgDir
 */
export function pruneOrphans(pkgDir) {
  const dist = join(pkgDir, 'dist');
  if (!existsSync(dist)) return;
  for (const e of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = join(e.parentPath, e.name).slice(dist.length + 1);
    const m = /^(.*)\.d\.ts(\.map)?$/.exec(rel);
    if (m !== null && !existsSync(join(pkgDir, 'src', `${m[1]}.ts`))) rmSync(join(dist, rel));
  }
}

/**
 * Runs `fn` holding the build lock (a folder next to the stamp, holding the owner's pid); waits while another live
 * process holds it, and takes it over from a dead one.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withLock(fn) {
  const lock = join(dirname(stampPath(root)), 'build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // the owner has made the folder but not yet written its pid
      }
      if (Number.isInteger(owner) && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds every published package. tsc's messages go to stderr (stdout stays free for a command's JSON). Returns
 * false when tsc reports errors (the stamp is then not written, so the next run tries again).
 * @param {{ onlyIfStale?: boolean }} [options] skip the work when the stamp says the build is up to date
 * @returns {Promise<boolean>}
 */
export async function build(options = {}) {
  return withLock(async () => {
    if (options.onlyIfStale && staleReason(root) === null) return true;
    const inputs = listInputs(root);
    const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
    const r = spawnSync(process.execPath, [tsc, '-b', join(root, 'tsconfig.build.json')], {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    if (r.status !== 0) return false;
    const { bundlePackage } = await import('./bundle.mjs');
    for (const pkg of PUBLISHED) {
      pruneOrphans(join(root, pkg));
      await bundlePackage(root, pkg);
    }
    writeStamp(root, inputs);
    return true;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const reason = staleReason(root);
    if (reason !== null) {
      process.stderr.write(`error: the build is stale (${reason}): run pnpm build first\n`);
      process.exit(1);
    }
  } else {
    const started = performance.now();
    if (!(await build())) {
      process.stderr.write('error: the build failed (tsc errors above)\n');
      process.exit(1);
    }
    process.stderr.write(`built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
}
