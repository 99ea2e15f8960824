import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listInputs, PUBLISHED, staleReason, writeStamp } from '../build-stamp.mjs';
import { launch } from '../spec.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A stand-in repository: every published package with one source file and its compiled entry points. */
function fakeRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'spec-stamp-'));
  for (const f of ['tsconfig.base.json', 'tsconfig.build.json', 'pnpm-lock.yaml']) writeFileSync(join(root, f), '{}');
  for (const pkg of PUBLISHED) {
    mkdirSync(join(root, pkg, 'src', 'sub'), { recursive: true });
    mkdirSync(join(root, pkg, 'dist'), { recursive: true });
    writeFileSync(join(root, pkg, 'package.json'), '{}');
    writeFileSync(join(root, pkg, 'src', 'index.ts'), 'export const x = 1;\n');
    writeFileSync(join(root, pkg, 'src', 'sub', 'deep.ts'), 'export const y = 2;\n');
    writeFileSync(join(root, pkg, 'dist', 'index.js'), '');
  }
  for (const f of ['apps/cli/dist/main.js', 'apps/cli/dist/worker.js', 'packages/backend-cpu/dist/worker.js'])
    writeFileSync(join(root, f), '');
  return root;
}

describe('build stamp', () => {
  let root: string;
  beforeEach(() => {
    root = fakeRepo();
    writeStamp(root, listInputs(root));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is fresh right after a build', () => {
    expect(staleReason(root)).toBeNull();
  });

  it('is stale without a stamp', () => {
    rmSync(join(root, 'node_modules'), { recursive: true });
    expect(staleReason(root)).toBe('no build yet');
  });

  it('notices an edited source, even one that keeps its size and goes back in time', () => {
    const file = join(root, 'packages/rmt/src/sub/deep.ts');
    const before = statSync(file);
    writeFileSync(file, 'export const y = 3;\n'); // same size
    const past = new Date(before.mtimeMs - 60_000);
    utimesSync(file, past, past); // older than the stamp
    expect(staleReason(root)).toBe('packages/rmt/src/sub/deep.ts changed');
  });

  it('notices an added or a removed source', () => {
    writeFileSync(join(root, 'packages/nets/src/new-layer.ts'), '');
    expect(staleReason(root)).toBe('packages/nets/src/new-layer.ts was added');
    writeStamp(root, listInputs(root));
    rmSync(join(root, 'packages/core/src/index.ts'));
    expect(staleReason(root)).toBe('packages/core/src/index.ts was removed');
  });

  it('notices a changed manifest, tsconfig or lockfile', () => {
    writeFileSync(join(root, 'apps/cli/package.json'), '{"name":"x"}');
    expect(staleReason(root)).toBe('apps/cli/package.json changed');
    writeStamp(root, listInputs(root));
    writeFileSync(join(root, 'pnpm-lock.yaml'), '{ }');
    expect(staleReason(root)).toBe('pnpm-lock.yaml changed');
  });

  it('notices a deleted build output', () => {
    rmSync(join(root, 'packages/data/dist'), { recursive: true });
    expect(staleReason(root)).toBe('packages/data/dist/index.js is missing');
  });

  it('notices a deleted worker module', () => {
    rmSync(join(root, 'packages/backend-cpu/dist/worker.js'));
    expect(staleReason(root)).toBe('packages/backend-cpu/dist/worker.js is missing');
  });
});

describe('pnpm spec (scripts/spec.mjs)', () => {
  let root: string;
  let err: string;
  let started: number;
  const io = (build: () => Promise<boolean>) => ({
    root,
    build,
    start: async () => void started++,
    stderr: (s: string) => void (err += s),
  });
  beforeEach(() => {
    root = fakeRepo();
    writeStamp(root, listInputs(root));
    err = '';
    started = 0;
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('starts the compiled CLI at once when the build is fresh', async () => {
    let built = 0;
    expect(await launch(io(async () => (built++, true)))).toBeUndefined();
    expect([built, started, err]).toEqual([0, 1, '']);
  });

  it('rebuilds first, saying why on stderr, when a source changed', async () => {
    writeFileSync(join(root, 'packages/rmt/src/index.ts'), 'export const x = 10;\n');
    let built = 0;
    const build = async () => {
      built++;
      writeStamp(root, listInputs(root));
      return true;
    };
    expect(await launch(io(build))).toBeUndefined();
    expect([built, started]).toEqual([1, 1]);
    expect(err).toMatch(/^spec: rebuilding first \(packages\/rmt\/src\/index\.ts changed since the last build\)\n/);
  });

  it('stops with exit code 1 and one error line, never running the stale build, when the rebuild fails', async () => {
    writeFileSync(join(root, 'apps/cli/src/index.ts'), 'export const x = ;\n');
    expect(await launch(io(async () => false))).toBe(1);
    expect(started).toBe(0);
    expect(err.trimEnd().split('\n').at(-1)).toMatch(/^error: the build failed/);
  });
});

describe('the real repository', () => {
  it('publishes exactly the workspace packages that are not private', () => {
    const dirs = ['packages', 'apps'].flatMap((top) => readdirSync(join(repo, top)).map((d) => `${top}/${d}`));
    const published = dirs.filter((d) => {
      try {
        return JSON.parse(readFileSync(join(repo, d, 'package.json'), 'utf8')).private !== true;
      } catch {
        return false;
      }
    });
    expect([...published].sort()).toEqual([...PUBLISHED].sort());
  });

  it('stamps every source file of the published packages', () => {
    const listed = listInputs(repo);
    for (const pkg of PUBLISHED) {
      const src = readdirSync(join(repo, pkg, 'src'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(repo.length + 1));
      for (const f of src) expect(listed[f], f).toBeDefined();
    }
  });
});

describe('pruning declarations whose source is gone', () => {
  it('removes them, and keeps the bundled JavaScript and every declaration that has a source', async () => {
    const { pruneOrphans } = await import('../build.mjs');
    const pkg = mkdtempSync(join(tmpdir(), 'spec-prune-'));
    try {
      mkdirSync(join(pkg, 'src/sub'), { recursive: true });
      mkdirSync(join(pkg, 'dist/sub'), { recursive: true });
      writeFileSync(join(pkg, 'src/sub/kept.ts'), '');
      for (const f of ['sub/kept.d.ts', 'gone.d.ts', 'sub/gone.d.ts', 'index.js', 'index.js.map', 'chunk-AB12.js'])
        writeFileSync(join(pkg, 'dist', f), '');
      pruneOrphans(pkg);
      const left = readdirSync(join(pkg, 'dist'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(join(pkg, 'dist').length + 1))
        .sort();
      expect(left).toEqual(['chunk-AB12.js', 'index.js', 'index.js.map', 'sub/kept.d.ts']);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
});
