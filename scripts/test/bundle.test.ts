import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundlePackage, workerEntries } from '../bundle.mjs';

/** Writes `files` (path relative to `root` → text) into `root`. */
function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('worker entry points (module-relative URLs in the sources)', () => {
  let pkg: string;
  beforeEach(() => {
    pkg = mkdtempSync(join(tmpdir(), 'spec-bundle-'));
    write(pkg, { 'src/index.ts': 'export {};\n' });
  });
  afterEach(() => rmSync(pkg, { recursive: true, force: true }));

  it('bundles the module next to the file that starts it as dist/<name>.js', () => {
    write(pkg, {
      'src/sweep/pool.ts':
        "new Worker(new URL('./worker.js', import.meta.url));\nnew URL('./worker.ts', import.meta.url);\n",
      'src/sweep/worker.ts': 'export {};\n',
    });
    expect(workerEntries(pkg)).toEqual([{ in: join('src', 'sweep', 'worker.ts'), out: 'worker' }]);
  });

  it('finds a worker module whose URL is chosen by a condition, with the base in a variable', () => {
    write(pkg, {
      'src/thread-pool.ts':
        "const here = import.meta.url;\nnew URL(fromSource ? './threads.ts' : './threads.js', here);\n",
      'src/threads.ts': 'export {};\n',
    });
    expect(workerEntries(pkg)).toEqual([{ in: join('src', 'threads.ts'), out: 'threads' }]);
  });

  it('accepts a data file that the flat dist/ reaches by the same path, and refuses one it would miss', () => {
    write(pkg, { 'src/digits.ts': "new URL('../assets/digits.csv.gz', import.meta.url);\n" });
    expect(workerEntries(pkg)).toEqual([]);
    write(pkg, { 'src/deep/table.ts': "new URL('../../assets/table.bin', import.meta.url);\n" });
    expect(() => workerEntries(pkg)).toThrow(/src\/deep\/table\.ts.*would point elsewhere from the bundle/);
  });

  it('refuses a worker module that is not next to its starter, or two workers of one name', () => {
    write(pkg, { 'src/a/pool.ts': "new URL('../worker.js', import.meta.url);\n", 'src/worker.ts': '' });
    expect(() => workerEntries(pkg)).toThrow(/must be '\.\/name\.js'/);
    rmSync(join(pkg, 'src/a'), { recursive: true });
    write(pkg, {
      'src/a/pool.ts': "new URL('./worker.js', import.meta.url);\n",
      'src/a/worker.ts': '',
      'src/b/pool.ts': "new URL('./worker.js', import.meta.url);\n",
      'src/b/worker.ts': '',
    });
    expect(() => workerEntries(pkg)).toThrow(/two worker modules would both be dist\/worker\.js/);
  });
});

describe('bundlePackage', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'spec-bundle-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes entry points and lazy chunks, keeps declared dependencies external, and its workers start', async () => {
    write(root, {
      'pkg/package.json': JSON.stringify({ name: 'fake', type: 'module', dependencies: { 'declared-dep': '1.0.0' } }),
      'pkg/src/index.ts': [
        "import { twice } from './util/twice.js';",
        'export const four = twice(2);',
        "export const lazy = async (): Promise<number> => (await import('./lazy.js')).value;",
        "export const dep = (): Promise<unknown> => import('declared-dep');",
        "export const workerUrl = new URL('./worker.js', import.meta.url);",
      ].join('\n'),
      'pkg/src/util/twice.ts': 'export const twice = (x: number): number => 2 * x;\n',
      'pkg/src/lazy.ts': "import { twice } from './util/twice.js';\nexport const value = twice(21);\n",
      'pkg/src/worker.ts': [
        "import { parentPort } from 'node:worker_threads';",
        "import { twice } from './util/twice.js';",
        "parentPort?.on('message', (x: number) => parentPort?.postMessage(twice(x)));",
      ].join('\n'),
      // a stale chunk of an earlier build: removed
      'pkg/dist/chunk-OLD.js': '',
      'pkg/dist/index.d.ts': 'export {};\n',
    });
    const outputs = await bundlePackage(root, 'pkg');
    const dist = join(root, 'pkg/dist');
    const js = readdirSync(dist).filter((f) => f.endsWith('.js'));
    expect(js).toContain('index.js');
    expect(js).toContain('worker.js');
    expect(js).not.toContain('chunk-OLD.js');
    expect(existsSync(join(dist, 'index.d.ts'))).toBe(true);
    expect([...js].sort()).toEqual(outputs.filter((o) => o.endsWith('.js')).sort());
    expect(readFileSync(join(dist, 'index.js'), 'utf8')).toMatch(/import\(\s*"declared-dep"\s*\)/);

    const mod = (await import(pathToFileURL(join(dist, 'index.js')).href)) as {
      four: number;
      lazy(): Promise<number>;
      workerUrl: URL;
    };
    expect(mod.four).toBe(4);
    expect(await mod.lazy()).toBe(42);
    const worker = new Worker(mod.workerUrl);
    try {
      const answer = new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      worker.postMessage(5);
      expect(await answer).toBe(10);
    } finally {
      await worker.terminate();
    }
  });
});
