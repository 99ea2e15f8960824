import { accessSync, constants, lstatSync, realpathSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SpecError } from '@spec/core';

/**
 * Filesystems where results cannot live (kernel interfaces, not storage), by statfs magic number. Writing into them
 * fails in odd ways — `--out /proc/x` used to spin forever.
 */
const SPECIAL_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
]);

/** The deepest existing path on the way to `path` (itself when it exists), and whether it is a folder. */
export function nearestExisting(path: string): { path: string; isDirectory: boolean } {
  let p = path;
  for (;;) {
    try {
      return { path: p, isDirectory: lstatSync(p).isDirectory() || statIsDirectory(p) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') {
        p = dirname(p);
        continue;
      }
      if (code !== 'ENOENT') throw e;
      const up = dirname(p);
      if (up === p) return { path: p, isDirectory: true };
      p = up;
    }
  }
}

function statIsDirectory(p: string): boolean {
  try {
    return lstatSync(realpathSync(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Checks a `--out` folder before any computation, so a run never fails after the work is done: not empty, not an
 * existing file, no file on the way to it, writable where it will be created, not on a special filesystem.
 * Returns the resolved path.
 *
 * @throws SpecError `E_INPUT` naming the problem
 */
export function validateOutDir(raw: string, flag = '--out'): string {
  if (raw.trim() === '') throw new SpecError('E_INPUT', `${flag} needs a folder name, got an empty string`);
  const target = resolve(raw);
  const existing = nearestExisting(target);
  if (!existing.isDirectory) {
    throw new SpecError(
      'E_INPUT',
      existing.path === target
        ? `${flag} ${raw} exists and is not a folder; choose another name`
        : `${flag} ${raw}: ${existing.path} is a file, so no folder can be made below it`,
    );
  }
  const real = realpathSync(existing.path);
  if (real === '/dev' || real.startsWith('/dev/')) {
    throw new SpecError('E_INPUT', `${flag} ${raw} is under /dev, which holds devices, not results; choose a folder`);
  }
  const fs = SPECIAL_FILESYSTEMS.get(statfsSync(real).type);
  if (fs !== undefined) {
    throw new SpecError('E_INPUT', `${flag} ${raw} is on the special filesystem ${fs}, not storage; choose a folder`);
  }
  try {
    accessSync(real, constants.W_OK | constants.X_OK);
  } catch {
    throw new SpecError('E_INPUT', `${flag} ${raw}: ${existing.path} is not writable (permission denied)`);
  }
  return target;
}
