import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createOutputContext } from '../src/output/context.js';
import { expectOneErrorLine, run } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'spec-reliability-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const noisy = join(here, 'fixtures/noisy-plugin.mjs');
const silent = { stdout: () => undefined, stderr: () => undefined };

/** No `*.partial-*` staging folder may be left in `dir`. */
function expectNoStaging(dir: string): void {
  expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([]);
}

describe('--out is checked before any computation', () => {
  const file = join(tmp, 'a-file');
  writeFileSync(file, 'mine');

  it.each([
    ['an existing regular file', () => file, /exists and is not a folder/],
    ['a path below a file', () => join(file, 'sub'), /is a file, so no folder can be made below it/],
    ['an empty name', () => '', /needs a folder name/],
    ['a folder under /proc', () => '/proc/spec-out', /special filesystem proc/],
    ['a folder under /sys', () => '/sys/spec-out', /special filesystem sysfs/],
    ['a folder under /dev', () => '/dev/spec-out', /under \/dev/],
  ])('%s → exit 2 with one line, nothing computed', async (_what, out, message) => {
    // A spectrum at n = 3000 would take many seconds: the refusal must come first.
    const r = await run('spectrum', '--n', '3000', '--d0', '2000', '--widths', '3000', '--out', out());
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toMatch(message);
  });
});

describe('results are staged and appear all together', () => {
  it('commit moves every file into place; discard leaves nothing; no staging folder remains', () => {
    const target = join(tmp, 'staged', 'deep', 'out');
    const ok = createOutputContext({ json: false, out: target, force: false }, silent);
    ok.reserve(['a.json', 'b.npy']);
    ok.write('a.json', '{}');
    ok.write('b.npy', 'x');
    expect(existsSync(target)).toBe(false);
    ok.commit();
    expect(readdirSync(target).sort()).toEqual(['a.json', 'b.npy']);
    expectNoStaging(dirname(target));

    const failed = join(tmp, 'failed');
    const bad = createOutputContext({ json: false, out: failed, force: false }, silent);
    bad.write('a.json', '{}');
    bad.discard();
    expect(existsSync(failed)).toBe(false);
    expectNoStaging(tmp);

    // Into an existing folder: other files stay, staged ones join them; an existing name needs --force.
    const existing = join(tmp, 'existing');
    mkdirSync(existing);
    writeFileSync(join(existing, 'keep.txt'), 'keep');
    const into = createOutputContext({ json: false, out: existing, force: false }, silent);
    into.write('new.json', '{}');
    into.commit();
    expect(readdirSync(existing).sort()).toEqual(['keep.txt', 'new.json']);
    expect(() =>
      createOutputContext({ json: false, out: existing, force: false }, silent).reserve(['keep.txt']),
    ).toThrow(/refusing to overwrite/);
  });

  it('a run killed (SIGTERM) after staging its files leaves nothing behind', async () => {
    const target = join(tmp, 'killed', 'out');
    mkdirSync(dirname(target));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(here, 'fixtures/stage-and-wait.ts'), target],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const staged = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => resolve(d.toString().trim()));
      child.on('exit', (code) => reject(new Error(`child exited with ${code} before staging`)));
    });
    const folder = staged.replace(/^staged /, '');
    expect(readdirSync(folder).sort()).toEqual(['a.json', 'b.npy']);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(143);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(folder)).toBe(false);
    expectNoStaging(dirname(target));
  });

  it('a command that fails after its output was checked writes nothing', async () => {
    const out = join(tmp, 'throwing-activation');
    const r = await run('spectrum', '--plugin', noisy, '--activation', 'throwing', '--n', '40', '--out', out);
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toMatch(/throwing/);
    expect(existsSync(out)).toBe(false);
    expectNoStaging(tmp);
  });
});

describe('stdout and stderr promises', () => {
  it("a plugin's console output never reaches stdout under --json", async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      written.push(String(s));
      return true;
    });
    let r;
    try {
      r = await run(
        'spectrum',
        '--plugin',
        noisy,
        '--activation',
        'noisy_tanh',
        '--n',
        '40',
        '--d0',
        '30',
        '--widths',
        '45',
        '--json',
      );
    } finally {
      spy.mockRestore();
    }
    expect(r.code, r.stderr).toBe(0);
    expect(written.join('')).toBe('');
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('a mistyped command or option is one stderr line', async () => {
    expect(expectOneErrorLine(await run('spectrm'))).toMatch(/unknown command 'spectrm'.*spectrum/);
    expectOneErrorLine(await run('spectrum', '--bogus'));
  });

  it('--backend is checked even by commands that use none; a throwing backend factory is E_BACKEND, exit 2', async () => {
    const r = await run('series', '--backend', 'foo');
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toMatch(/unknown backend "foo"/);
    const broken = await run('spectrum', '--plugin', noisy, '--backend', 'broken', '--n', '40');
    expect(broken.code).toBe(2);
    expect(expectOneErrorLine(broken)).toMatch(/backend "broken" could not be created: no device here/);
  });

  it('a diverging training run stops with exit 2 and a smaller --lr to try', async () => {
    const r = await run(
      'train',
      '--n',
      '60',
      '--d0',
      '40',
      '--widths',
      '50',
      '--optimizer',
      'sgd',
      '--lr',
      '1e6',
      '--steps',
      '20',
    );
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toMatch(/training diverged at step \d+: .*try a smaller --lr/);
    const huge = await run('train', '--n', '60', '--d0', '40', '--widths', '50', '--lr', '1e300', '--steps', '5');
    expect(huge.code).toBe(2);
    expect(expectOneErrorLine(huge)).toMatch(/training diverged/);
  });
});
