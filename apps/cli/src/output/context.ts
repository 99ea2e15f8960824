import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '@spec/core';
import { validateOutDir } from './out-dir.js';
import { createStaging } from './staging.js';

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
  /**
   * Stages a file for --out (after `reserve`) and returns the path it will have; files appear under --out only when
   * the command succeeds ({@link OutputContext.commit}), all together.
   */
  write(name: string, content: string | Uint8Array): string;
  /** Moves the staged files into --out (the command succeeded). */
  commit(): void;
  /** Drops the staged files (the command failed or was interrupted). */
  discard(): void;
}

export interface Streams {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Serialises results, refusing NaN/±Inf (JSON would silently turn them into null). */
/**
 * A rows × cols row-major matrix as nested arrays in a JSON document, made only when the document is written
 * (`toJSON`): an n × n kernel at n = 2000 is 4 million numbers, which a run without `--json` or `--out` never needs.
 */
export function jsonRows(
  data: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> },
  rows: number,
  cols: number,
): { toJSON(): number[][] } {
  return { toJSON: () => Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols))) };
}

export function toJson(doc: unknown): string {
  return JSON.stringify(
    doc,
    function (this: unknown, key, value: unknown) {
      // A field that does not apply (a tail exponent of too few eigenvalues, no teacher) is absent, never null:
      // every number a reader finds is a number.
      if (value === null && !Array.isArray(this)) return undefined;
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
  // Checked now, before any computation: a bad --out must not fail a run after its work is done.
  const outDir = opts.out === undefined ? undefined : validateOutDir(opts.out);
  const staging = outDir === undefined ? undefined : createStaging(outDir);
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
      if (outDir === undefined || staging === undefined) throw new Error('internal: write() without --out');
      const path = join(outDir, name);
      if (!reserved.has(name) && existsSync(path) && !opts.force) {
        throw new SpecError('E_INPUT', `refusing to overwrite ${path} (pass --force to replace)`);
      }
      writeFileSync(join(staging.folder(), name), content);
      return path;
    },
    commit() {
      staging?.commit();
    },
    discard() {
      staging?.discard();
    },
  };
}
