import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nearestExisting } from './out-dir.js';

/** Staging folders of this process, removed if it is interrupted (SIGINT, SIGTERM) or exits before committing. */
const live = new Set<string>();
let handlersInstalled = false;

function removeLive(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', removeLive);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      removeLive();
      process.exit(code);
    });
  }
}

/**
 * Files of one result folder written into a temporary folder beside it and moved into place only by `commit`, so
 * an interrupted run leaves either nothing or every file.
 */
export interface Staging {
  /** Writes go here (created on first use: inside the target when it exists, else in its nearest existing parent). */
  folder(): string;
  /** Moves every staged file into the target folder (renames on one filesystem), then removes the staging folder. */
  commit(): void;
  /** Removes the staging folder and everything in it. */
  discard(): void;
}

export function createStaging(target: string): Staging {
  let folder: string | undefined;
  return {
    folder() {
      if (folder === undefined) {
        installHandlers();
        // Same filesystem as the target, so commit is a rename.
        const parent = existsSync(target) ? target : nearestExisting(target).path;
        folder = mkdtempSync(join(parent, `.${basename(target)}.partial-`));
        live.add(folder);
      }
      return folder;
    },
    commit() {
      if (folder === undefined) return;
      if (!existsSync(target)) {
        mkdirSync(dirname(target), { recursive: true });
        renameSync(folder, target);
      } else {
        for (const name of readdirSync(folder)) renameSync(join(folder, name), join(target, name));
        rmSync(folder, { recursive: true, force: true });
      }
      live.delete(folder);
      folder = undefined;
    },
    discard() {
      if (folder === undefined) return;
      rmSync(folder, { recursive: true, force: true });
      live.delete(folder);
      folder = undefined;
    },
  };
}
