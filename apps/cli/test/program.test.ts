import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/commands/index.js';
import { expectOneErrorLine, run } from './helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('spec (global behaviour)', () => {
  it('prints help and exits 0 without arguments', async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: spec');
    expect(r.stdout).toContain('--backend');
  });

  it('exits 2 with one error line on an unknown flag', async () => {
    const r = await run('--bogus');
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toContain('--bogus');
  });

  it('exits 2 on an unknown command', async () => {
    const r = await run('frobnicate');
    expect(r.code).toBe(2);
    expectOneErrorLine(r);
  });

  it('lists every command with its summary in --help, though commands load only when they run', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const { name, load } of commands) {
      const mod = await load();
      expect(mod.name).toBe(name);
      expect(r.stdout).toMatch(new RegExp(`\\n  ${name}\\b.*${mod.summary.slice(0, 20).replace(/[()]/g, '.')}`));
    }
  });

  it("shows a command's flags with `help <command>` and `<command> --help`", async () => {
    for (const argv of [
      ['help', 'limit'],
      ['limit', '--help'],
    ]) {
      const r = await run(...argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: spec limit');
      expect(r.stdout).toContain('--points <int>');
    }
  });

  it('exits 2 on a negative seed', async () => {
    const r = await run('--seed', '-1');
    expect(r.code).toBe(2);
    expect(expectOneErrorLine(r)).toContain('--seed');
  });

  // As a process, from the sources (`pnpm -s spec` runs the compiled CLI, which the tests do not build).
  it('runs as a process (pnpm -s spec:src) with clean stderr on bad input', () => {
    const r = spawnSync('pnpm', ['-s', 'spec:src', '--bogus'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual(["error: unknown option '--bogus'"]);
    expect(r.stdout).toBe('');
  });

  it('prints its version', () => {
    const out = execFileSync('pnpm', ['-s', 'spec:src', '--version'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
