import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SpecError } from '@spec/core';
import { toJson } from '../output/context.js';
import type { CommandModule } from '../program.js';
import { collectRuns, toCsv } from '../sweep/merge.js';
import { gridKey, parseShard, readGrid, runArgv, runFileName, runKey, shardRuns } from '../sweep/grid.js';
import { VERSION } from '../version.js';
import { runPool } from '../sweep/pool.js';

interface SweepFlags {
  grid?: string;
  shard?: string;
  jobs?: string;
  mixedGrids?: boolean;
}

/** `--jobs N`: a positive integer (default 1). */
function parseJobs(value: string | undefined): number {
  if (value === undefined) return 1;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)
    throw new SpecError('E_INPUT', `--jobs must be an integer from 1 to 64, got "${value}"`);
  return jobs;
}

/** Writes `path` atomically: a temporary name in the same folder, then a rename. */
function writeAtomic(path: string, content: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

async function sweep(flags: SweepFlags, env: Parameters<CommandModule['run']>[1]): Promise<void> {
  if (flags.grid === undefined)
    throw new SpecError('E_INPUT', 'spec sweep needs --grid FILE.json (or: spec sweep merge DIR)');
  const outDir = env.globals.out;
  if (outDir === undefined) throw new SpecError('E_INPUT', 'spec sweep needs --out DIR for the run files');
  const shard = flags.shard === undefined ? { k: 1, count: 1 } : parseShard(flags.shard);
  const { commands } = await import('./index.js');
  const names = commands.map((c) => c.name).filter((n) => n !== 'sweep');
  const { runs: all, doc } = readGrid(flags.grid, names);
  const context = { version: VERSION, backend: env.globals.backend };
  const grid = gridKey(doc, context);
  const mine = shardRuns(all, shard);
  const runsDir = join(resolve(outDir), 'runs');
  mkdirSync(runsDir, { recursive: true });

  const jobs = parseJobs(flags.jobs);
  const report: Array<{
    index: number;
    id: string;
    seed: number;
    file: string;
    status: 'done' | 'skipped' | 'failed';
    error?: string;
  }> = [];
  const failures: string[] = [];
  const progress = env.progress.phase(`sweep ${shard.k}/${shard.count}`);
  progress(0, mine.length);
  const todo = [];
  for (const run of mine) {
    // A run is skipped only when a result of the very same configuration exists (its file name holds the hash).
    const file = join(runsDir, runFileName(run, context));
    if (existsSync(file)) report.push({ index: run.index, id: run.id, seed: run.seed, file, status: 'skipped' });
    else todo.push(run);
  }
  progress(report.length, mine.length);
  await runPool(todo, env.globals.backend, jobs, (run, r) => {
    const file = join(runsDir, runFileName(run, context));
    if ('doc' in r) {
      writeAtomic(
        file,
        toJson({
          index: run.index,
          id: run.id,
          key: runKey(run, context),
          grid,
          version: VERSION,
          backend: env.globals.backend,
          command: run.command,
          flags: run.flags,
          seed: run.seed,
          argv: runArgv(run),
          result: r.doc,
        }),
      );
      report.push({ index: run.index, id: run.id, seed: run.seed, file, status: 'done' });
    } else {
      failures.push(`run ${run.index} (${run.id}): ${r.error}`);
      report.push({ index: run.index, id: run.id, seed: run.seed, file, status: 'failed', error: r.error });
    }
    progress(report.length, mine.length);
  });
  report.sort((a, b) => a.index - b.index);
  failures.sort((a, b) => Number(a.split(' ')[1]) - Number(b.split(' ')[1]));
  const count = (s: string): number => report.filter((r) => r.status === s).length;
  env.out.emitJson({
    command: 'sweep',
    grid: flags.grid,
    shard: `${shard.k}/${shard.count}`,
    total: all.length,
    runs: report,
  });
  env.out.say(
    `grid ${flags.grid}: ${all.length} runs; shard ${shard.k}/${shard.count} has ${mine.length}: ${count('done')} run, ${count('skipped')} skipped (already finished), ${count('failed')} failed`,
  );
  env.out.say(`results in ${runsDir}/ — collect them with: spec sweep merge ${outDir}`);
  if (failures.length > 0) {
    throw new SpecError(
      'E_INPUT',
      `${failures.length} of ${mine.length} runs failed (re-running retries only those); first: ${failures[0]}`,
    );
  }
}

function merge(dir: string, env: Parameters<CommandModule['run']>[1], mixed: boolean): void {
  const rows = collectRuns(dir, { mixed });
  const { columns, text } = toCsv(rows);
  const path = join(resolve(dir), 'summary.csv');
  if (existsSync(path) && !env.globals.force)
    throw new SpecError('E_INPUT', `refusing to overwrite ${path} (pass --force to replace)`);
  writeAtomic(path, text);
  env.out.emitJson({ command: 'sweep-merge', dir, summary: path, columns, rows });
  env.out.say(`${rows.length} runs, ${columns.length} columns → ${path}`);
}

export const sweepCommand: CommandModule = {
  name: 'sweep',
  summary: 'run a grid of commands (one result file per run, restartable, --shard k/N for clusters); sweep merge DIR',
  configure(cmd) {
    cmd
      .usage('--grid FILE.json --out DIR [--shard k/N] | merge DIR [--json]')
      .allowExcessArguments(true)
      .option(
        '--grid <file>',
        'JSON grid: {"command": "spectrum", "<flag>": [values…], …}; the cartesian product is run',
      )
      .option(
        '--shard <k/N>',
        'run only every N-th run starting with the k-th (k = 1..N), e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT',
      )
      .option('--mixed-grids', 'sweep merge: merge runs of different grids in one folder (refused by default)', false)
      .option(
        '--jobs <N>',
        'runs at once, each on its own worker thread with a one-thread CPU backend (default 1: one run at a time on all cores)',
      );
    cmd.addHelpText(
      'after',
      `
Grid: {"command": "spectrum", "n": [300, 600], "activation": ["tanh", "relu"], "widths": "400,400"} runs
2 × 2 = 4 commands (a plain value is fixed; true/false pass --flag/--no-flag). Runs are numbered 1..R
in the cartesian product (the first key varies slowest). Each run's seed is FNV-1a (32 bit) of
{command, flags sorted by name}, unless the grid has a "seed" key. A run's identity is the hash of its
whole configuration (command, every flag fixed or varied, seed, spec version, backend): each run writes
DIR/runs/<index>-<values>-<hash>.json atomically (temporary file, then rename); runs whose file exists
are skipped, so a killed sweep resumes where it stopped, and a changed grid re-runs what changed. --shard k/N takes runs k, k+N, k+2N, …: the N
shards partition the grid (Slurm array jobs, Kubernetes indexed Jobs: see the docs' cluster examples).
Failed runs write no file and make the exit code 2 after the others ran. --jobs N runs N grid points at
once on worker threads (independent runs with their own seeds: the results do not depend on N); use it
for many small runs, where one run cannot keep every core busy.

spec sweep merge DIR writes DIR/summary.csv: one row per finished run with its flags, seed and the
scalar fields of its JSON result (e.g. kernels.ck.ks, kernels.ntk.ksScaled, kernels.ck.mean); --json
prints the same rows. It refuses a folder holding runs of different grids (or of another spec version
or backend) unless --mixed-grids is given.`,
    );
  },
  async run(options, env, args) {
    const flags = options as unknown as SweepFlags;
    if (args[0] === 'merge') {
      if (args.length !== 2) throw new SpecError('E_INPUT', 'usage: spec sweep merge DIR');
      if (flags.grid !== undefined || flags.shard !== undefined)
        throw new SpecError('E_INPUT', 'spec sweep merge takes no --grid or --shard');
      merge(args[1], env, flags.mixedGrids === true);
      return;
    }
    if (args.length > 0)
      throw new SpecError('E_INPUT', `unexpected argument "${args[0]}" (did you mean spec sweep merge DIR?)`);
    await sweep(flags, env);
  },
};
