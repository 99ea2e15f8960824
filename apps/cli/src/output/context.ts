import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SpecError } from '@spec/core';

/** Where a command's results go: stdout (human text or one JSON document), files under --out, stderr. */
export interface OutputContext {
  /** `--json`: stdout carries exactly one JSON document. */
  readonly json: boolean;
  /** `--out DIR`, resolved, or undefined. */
  readonly outDir: string | undefined;
  /** `--force`: files under --out may be replaced. */
  readonly force: boolean;
  /** Human-readable line to stdout (suppressed with --json). */
  say(line: string): void;
  /** Note to stderr (always allowed; never part of the JSON). */
  note(line: string): void;
  /** The single JSON document (only with --json). */
  emitJson(doc: unknown): void;
  /** Checks that none of `names` exist under --out unless --force; call before long work. */
  reserve(names: ReadonlyArray<string>): void;
  /** Writes a file under --out (after `reserve`), returning its path. */
  write(name: string, content: string | Uint8Array): string;
}

export interface Streams {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Serialises results, refusing NaN/±Inf (JSON would silently turn them into null). */
export function toJson(doc: unknown): string {
  return JSON.stringify(
    doc,
    (key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new Error(`internal: non-finite number ${value} in output field "${key}"`);
      }
      if (ArrayBuffer.isView(value) && !(value instanceof DataView))
        return Array.from(value as unknown as ArrayLike<number>);
      return value;
    },
    0,
  );
}

export function createOutputContext(
  opts: { json: boolean; out?: string; force: boolean },
  streams: Streams,
): OutputContext {
  const outDir = opts.out === undefined ? undefined : resolve(opts.out);
  const reserved = new Set<string>();
  return {
    json: opts.json,
    outDir,
    force: opts.force,
    say(line) {
      if (!opts.json) streams.stdout(line + '\n');
    },
    note(line) {
      streams.stderr(line + '\n');
    },
    emitJson(doc) {
      if (opts.json) streams.stdout(toJson(doc) + '\n');
    },
    reserve(names) {
      if (outDir === undefined) return;
      if (existsSync(outDir) && !opts.force) {
        const clash = names.filter((n) => existsSync(join(outDir, n)));
        if (clash.length > 0) {
          throw new SpecError(
            'E_INPUT',
            `refusing to overwrite ${join(outDir, clash[0])}${clash.length > 1 ? ` and ${clash.length - 1} more` : ''} (pass --force to replace)`,
          );
        }
      }
      for (const n of names) reserved.add(n);
    },
    write(name, content) {
      if (outDir === undefined) throw new Error('internal: write() without --out');
      const path = join(outDir, name);
      if (!reserved.has(name) && existsSync(path) && !opts.force) {
        throw new SpecError('E_INPUT', `refusing to overwrite ${path} (pass --force to replace)`);
      }
      mkdirSync(outDir, { recursive: true });
      writeFileSync(path, content);
      return path;
    },
  };
}
