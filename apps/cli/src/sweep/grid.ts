import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SpecError } from '@spec/core';

/** A flag value in a grid: `true` passes `--flag`, `false` passes `--no-flag`. */
export type GridValue = string | number | boolean;

/** One run of a sweep: its position in the grid, its flags and its deterministic seed. */
export interface SweepRun {
  /** 1-based position in the cartesian product (first grid key varies slowest). */
  readonly index: number;
  readonly command: string;
  /** Flag → value, in grid-key order (without `seed`, which is separate). */
  readonly flags: Readonly<Record<string, GridValue>>;
  readonly seed: number;
  /** `<index>-<slug>` (zero-padded index; the slug is the varied flag values, file-name safe). */
  readonly id: string;
}

/** What, besides the grid, decides a run's result: the tool's version and the backend it runs on. */
export interface RunContext {
  readonly version: string;
  readonly backend: string;
}

/** SHA-256 (hex) of a canonical JSON value: object keys sorted at every level. */
function canonicalHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

/**
 * A run's identity: the hash of its whole configuration — command, every flag (fixed or varied), seed, tool
 * version and backend — so a run whose configuration changed in any way is a different run (12 hex digits).
 */
export function runKey(run: SweepRun, context: RunContext): string {
  return canonicalHash({ ...context, command: run.command, flags: run.flags, seed: run.seed }).slice(0, 12);
}

/** The identity of a whole grid (its document, tool version and backend), to keep runs of different grids apart. */
export function gridKey(doc: unknown, context: RunContext): string {
  return canonicalHash({ ...context, grid: doc }).slice(0, 12);
}

/** File name of a run's result: `<id>-<runKey>.json`. */
export function runFileName(run: SweepRun, context: RunContext): string {
  return `${run.id}-${runKey(run, context)}.json`;
}

/** Flags the sweep itself owns: a grid may not set them. */
const RESERVED = new Set(['json', 'out', 'force', 'grid', 'shard', 'plugin', 'help']);

/** 32-bit FNV-1a of a string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Seed of a run: FNV-1a (32 bit) of the canonical JSON of {command, flags sorted by name}; so a run keeps
 * its seed when the grid gains values or keys are reordered. A `seed` key in the grid overrides it.
 */
export function runSeed(command: string, flags: Readonly<Record<string, GridValue>>): number {
  const sorted = Object.keys(flags)
    .sort()
    .map((k) => [k, flags[k]]);
  return fnv1a(JSON.stringify([command, sorted]));
}

function slug(flags: Readonly<Record<string, GridValue>>, varying: ReadonlyArray<string>): string {
  const parts = varying.map((k) => `${k}=${String(flags[k])}`);
  const s = parts
    .join('_')
    .replace(/[^A-Za-z0-9=._,-]+/g, '-')
    .slice(0, 80);
  return s === '' ? 'run' : s;
}

/** Parses a grid document `{"command": "spectrum", "<flag>": [values…] | value, …}` into its runs. */
export function parseGrid(doc: unknown, where: string, commands: ReadonlyArray<string>): SweepRun[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new SpecError('E_INPUT', `${where}: a grid is a JSON object {"command": "spectrum", "<flag>": [values…]}`);
  }
  const entries = Object.entries(doc as Record<string, unknown>);
  const command = (doc as Record<string, unknown>).command;
  if (typeof command !== 'string' || !commands.includes(command)) {
    throw new SpecError(
      'E_INPUT',
      `${where}: "command" must be one of ${commands.join(', ')}, got ${JSON.stringify(command)}`,
    );
  }
  const keys: string[] = [];
  const values: GridValue[][] = [];
  for (const [key, raw] of entries) {
    if (key === 'command') continue;
    if (!/^[a-z][a-z0-9-]*$/.test(key))
      throw new SpecError(
        'E_INPUT',
        `${where}: flag names are lower-case words like "n" or "output-weights", got "${key}"`,
      );
    if (RESERVED.has(key))
      throw new SpecError('E_INPUT', `${where}: "${key}" is set by the sweep itself and cannot be in a grid`);
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length === 0) throw new SpecError('E_INPUT', `${where}: "${key}" has an empty list of values`);
    for (const v of list) {
      const okType = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
      if (!okType)
        throw new SpecError(
          'E_INPUT',
          `${where}: values of "${key}" must be strings, finite numbers or booleans, got ${JSON.stringify(v)}`,
        );
    }
    if (key === 'seed' && !list.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
      throw new SpecError('E_INPUT', `${where}: "seed" values must be non-negative integers`);
    }
    keys.push(key);
    values.push(list as GridValue[]);
  }
  const total = values.reduce((p, v) => p * v.length, 1);
  if (total > 1_000_000)
    throw new SpecError('E_INPUT', `${where}: the grid has ${total} runs; split it (at most 1000000)`);
  const varying = keys.filter((_, i) => values[i].length > 1);
  const width = String(total).length;
  const runs: SweepRun[] = [];
  for (let i = 0; i < total; i++) {
    const flags: Record<string, GridValue> = {};
    let rest = i;
    for (let j = keys.length - 1; j >= 0; j--) {
      flags[keys[j]] = values[j][rest % values[j].length];
      rest = Math.floor(rest / values[j].length);
    }
    const ordered: Record<string, GridValue> = {};
    for (const k of keys) if (k !== 'seed') ordered[k] = flags[k];
    const seed = flags.seed !== undefined ? (flags.seed as number) : runSeed(command, ordered);
    const index = i + 1;
    runs.push({
      index,
      command,
      flags: ordered,
      seed,
      id: `${String(index).padStart(width, '0')}-${slug(flags, varying)}`,
    });
  }
  return runs;
}

/** Reads and parses a grid file (`E_INPUT` for a missing file or bad JSON); also returns the parsed document. */
export function readGrid(path: string, commands: ReadonlyArray<string>): { runs: SweepRun[]; doc: unknown } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(
      'E_INPUT',
      `cannot read the grid file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SpecError('E_INPUT', `${path} is not valid JSON: ${(e as Error).message}`);
  }
  return { runs: parseGrid(doc, path, commands), doc };
}

/** Parses `--shard k/N` (1 ≤ k ≤ N). */
export function parseShard(value: string): { k: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const k = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(k) || !Number.isSafeInteger(count) || count < 1 || k < 1 || k > count) {
    throw new SpecError(
      'E_INPUT',
      `--shard must be k/N with 1 ≤ k ≤ N (e.g. 2/8 for the second of 8 machines), got "${value}"`,
    );
  }
  return { k, count };
}

/** The runs of shard k/N: every N-th run, starting with the k-th (so shards partition the grid). */
export function shardRuns<T>(runs: ReadonlyArray<T>, shard: { k: number; count: number }): T[] {
  return runs.filter((_, i) => i % shard.count === shard.k - 1);
}

/** argv of one run: `COMMAND --flag value … --seed S --json`. */
export function runArgv(run: SweepRun): string[] {
  const argv = [run.command];
  for (const [k, v] of Object.entries(run.flags)) {
    if (v === true) argv.push(`--${k}`);
    else if (v === false) argv.push(`--no-${k}`);
    else argv.push(`--${k}`, String(v));
  }
  argv.push('--seed', String(run.seed), '--json');
  return argv;
}
